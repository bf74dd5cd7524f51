import { LogoutOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Popconfirm, Tag, Typography } from 'antd';
import { api } from '../api/client';
import { formatTime, useErrorHandler, useLoad } from '../hooks';
import { PageContainer } from '../layout/PageContainer';
import { ResponsiveTable } from '../components/ResponsiveTable';

interface SessionRow {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** A short description of a browser from its user agent, for people (never the raw string in the table). */
function browserOf(ua: string | null): string {
  if (!ua) return '未知';
  const name = /Edg\//.test(ua)
    ? 'Edge'
    : /Chrome\//.test(ua)
      ? 'Chrome'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Safari\//.test(ua)
          ? 'Safari'
          : '其他浏览器';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad/.test(ua)
        ? 'iOS'
        : /Mac OS/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${name} · ${os}` : name;
}

/** 在线会话: who is signed in, from where; the security administrator ends a session at once. */
export default function SessionsPage() {
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const list = useLoad(() => api.get<SessionRow[]>('/api/security/sessions'), []);
  const revoke = async (s: SessionRow) => {
    try {
      await api.post(`/api/security/sessions/${s.id}/revoke`, {});
      void message.success(`已强制 ${s.displayName} 下线`);
      list.reload();
    } catch (e) {
      onError(e);
    }
  };
  return (
    <PageContainer
      title="在线会话"
      crumbs={[{ title: '安全管理' }, { title: '在线会话' }]}
      extra={
        <Button icon={<ReloadOutlined />} onClick={list.reload}>
          刷新
        </Button>
      }
    >
      <Card>
        {list.error ? (
          <Alert type="warning" showIcon title={list.error.message} />
        ) : (
          <ResponsiveTable<SessionRow>
            rowKey="id"
            loading={list.loading}
            dataSource={list.data ?? []}
            scroll={{ x: 760 }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: <Empty description="当前没有在线会话" /> }}
            columns={[
              {
                title: '用户',
                key: 'user',
                render: (_: unknown, s) => (
                  <span>
                    {s.displayName}
                    <Typography.Text type="secondary">（{s.username}）</Typography.Text>
                    {s.current ? <Tag color="blue">当前会话</Tag> : null}
                  </span>
                ),
              },
              { title: 'IP 地址', dataIndex: 'ip', render: (ip: string | null) => ip ?? '—' },
              { title: '浏览器', dataIndex: 'userAgent', render: (ua: string | null) => browserOf(ua) },
              { title: '登录时间', dataIndex: 'createdAt', render: (t: string) => formatTime(t) },
              { title: '最近活动', dataIndex: 'lastSeenAt', render: (t: string) => formatTime(t) },
              {
                title: '操作',
                key: 'op',
                render: (_: unknown, s) =>
                  s.current ? null : (
                    <Popconfirm
                      title="强制该会话下线？"
                      description="该会话立即失效，用户须重新登录；此操作记入审计日志。"
                      okText="强制下线"
                      cancelText="取消"
                      onConfirm={() => revoke(s)}
                    >
                      <Button type="link" size="small" danger icon={<LogoutOutlined />}>
                        强制下线
                      </Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        )}
      </Card>
    </PageContainer>
  );
}
