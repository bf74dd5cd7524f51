import { CheckOutlined, CloseOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Empty, Popconfirm, Space, Tag } from 'antd';
import { api } from '../api/client';
import type { Wire } from '../api/types';
import { formatTime, useErrorHandler, useLoad } from '../hooks';
import { roleLabel } from '../labels';
import { ResponsiveTable } from '../components/ResponsiveTable';
import type { listPendingGrants } from '../../server/modules/orgs/use-cases/confirm-grant.js';

type Grant = Wire<Awaited<ReturnType<typeof listPendingGrants>>>[number];

const keyOf = (g: Grant) => ({ userId: g.userId, orgId: g.orgId, role: g.role, grantedAt: g.grantedAt });

/**
 * 三员分立, two-person rule (系统管理员创建、安全管理员审核): the 单位管理员 roles the system administrator granted, which
 * take effect only once the security administrator confirms them here (拒绝 removes the role). Shown only while
 * some wait.
 */
export function PendingGrantsCard() {
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const list = useLoad(() => api.get<Grant[]>('/api/security/pending-grants'), []);
  const decide = async (g: Grant, action: 'confirm' | 'reject') => {
    try {
      await api.post(`/api/security/pending-grants/${action}`, keyOf(g));
      message.success(action === 'confirm' ? '已确认，角色即时生效' : '已拒绝，角色已撤销');
    } catch (e) {
      onError(e);
    }
    list.reload();
  };
  const rows = list.data ?? [];
  // Shown while something waits for a decision (or the list could not be read); nothing otherwise.
  if (!list.error && rows.length === 0) return null;
  return (
    <Card
      style={{ marginBottom: 16 }}
      title={
        <Space>
          <SafetyCertificateOutlined />
          待确认的授权
          <Badge count={rows.length} />
        </Space>
      }
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title="系统管理员授予的单位管理员角色，须经安全管理员确认后生效；确认前该账号不能管理单位人员。"
      />
      {list.error ? (
        <Alert type="warning" showIcon title={list.error.message} />
      ) : (
        <ResponsiveTable<Grant>
          rowKey={(g) => `${g.userId}/${g.orgId}/${g.role}`}
          loading={list.loading}
          dataSource={rows}
          scroll={{ x: 720 }}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description="没有待确认的授权" /> }}
          columns={[
            {
              title: '账号',
              key: 'user',
              render: (_: unknown, g) => `${g.displayName}（${g.username}）`,
            },
            { title: '单位', dataIndex: 'orgName' },
            {
              title: '角色',
              key: 'role',
              render: (_: unknown, g) => <Tag color="gold">{roleLabel(g.role)}</Tag>,
            },
            {
              title: '授予人',
              key: 'by',
              render: (_: unknown, g) =>
                g.grantedByDisplayName ? `${g.grantedByDisplayName}（${g.grantedByUsername}）` : '—',
            },
            { title: '授予时间', key: 'at', render: (_: unknown, g) => formatTime(g.grantedAt) },
            {
              title: '操作',
              key: 'op',
              render: (_: unknown, g) => (
                <Space>
                  <Popconfirm
                    title="确认该授权？"
                    description={`确认后，${g.displayName}即成为「${g.orgName}」的${roleLabel(g.role)}。`}
                    okText="确认"
                    cancelText="取消"
                    onConfirm={() => decide(g, 'confirm')}
                  >
                    <Button type="primary" size="small" icon={<CheckOutlined />}>
                      确认
                    </Button>
                  </Popconfirm>
                  <Popconfirm
                    title="拒绝该授权？"
                    description="拒绝后该角色随即撤销，并告知本人。"
                    okText="拒绝"
                    okButtonProps={{ danger: true }}
                    cancelText="取消"
                    onConfirm={() => decide(g, 'reject')}
                  >
                    <Button danger size="small" icon={<CloseOutlined />}>
                      拒绝
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
