import { ReloadOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Space, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { Wire } from '../api/types';
import { formatTime, useLoad } from '../hooks';
import { roleLabel } from '../labels';
import { PageContainer } from '../layout/PageContainer';
import { AccountActions } from './account-actions';
import { PendingGrantsCard } from './PendingGrantsCard';
import type { presentUsers } from '../../server/modules/orgs/use-cases/user-access.js';
import { ResponsiveTable } from '../components/ResponsiveTable';

type Row = Wire<Awaited<ReturnType<typeof presentUsers>>>[number];
type Kind = 'locked' | 'admins';

/**
 * 账号安全: the 单位管理员 grants waiting for confirmation (two-person rule), locked accounts (unlock) and the three
 * administrators' accounts (reset, force off).
 */
export default function SecurityAccountsPage() {
  const [params, setParams] = useSearchParams();
  const [kind, setKind] = useState<Kind>(params.get('kind') === 'admins' ? 'admins' : 'locked');
  const list = useLoad(() => api.get<Row[]>('/api/security/accounts', { kind }), [kind]);
  return (
    <PageContainer
      title="账号安全"
      crumbs={[{ title: '安全管理' }, { title: '账号安全' }]}
      extra={
        <Button icon={<ReloadOutlined />} onClick={list.reload}>
          刷新
        </Button>
      }
    >
      <PendingGrantsCard />
      <Card>
        <Tabs
          activeKey={kind}
          onChange={(k) => {
            setKind(k as Kind);
            setParams({ kind: k }, { replace: true });
          }}
          items={[
            { key: 'locked', label: '锁定账号' },
            { key: 'admins', label: '三员账号' },
          ]}
        />
        {list.error ? (
          <Alert type="warning" showIcon title={list.error.message} />
        ) : (
          <ResponsiveTable<Row>
            rowKey="id"
            loading={list.loading}
            dataSource={list.data ?? []}
            scroll={{ x: 720 }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{
              emptyText: <Empty description={kind === 'locked' ? '当前没有被锁定的账号' : '暂无三员账号'} />,
            }}
            columns={[
              {
                title: '姓名',
                dataIndex: 'displayName',
                render: (n: string, u) => (
                  <Space wrap>
                    <UserOutlined className="zx-muted" />
                    {n}
                    {u.disabled ? <Tag>已停用</Tag> : null}
                    {u.mustChangePassword ? <Tag color="orange">待改密</Tag> : null}
                  </Space>
                ),
              },
              { title: '用户名', dataIndex: 'username' },
              {
                title: '角色',
                key: 'roles',
                render: (_: unknown, u) =>
                  [...new Set(u.memberships.map((m) => m.role))].map((r) => (
                    <Tag key={r} color="red">
                      {roleLabel(r)}
                    </Tag>
                  )),
              },
              {
                title: kind === 'locked' ? '锁定至' : '最近登录',
                key: 'time',
                render: (_: unknown, u) =>
                  kind === 'locked' ? formatTime(u.lockedUntil) : formatTime(u.lastLoginAt),
              },
              {
                title: '操作',
                key: 'op',
                render: (_: unknown, u) => <AccountActions user={u} onDone={list.reload} />,
              },
            ]}
          />
        )}
      </Card>
    </PageContainer>
  );
}
