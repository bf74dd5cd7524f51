import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Empty, List, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { markRead, notificationPath, NOTIFICATION_KIND_LABELS } from '../api/notifications';
import type { NotificationRow, NotificationsPage as Page } from '../api/types';
import { formatTime, useErrorHandler, useLoad } from '../hooks';
import { PageContainer } from '../layout/PageContainer';

/** All notifications of my units, newest first, with their read state. */
export default function NotificationsPage() {
  const navigate = useNavigate();
  const onError = useErrorHandler();
  const [filter, setFilter] = useState<'all' | 'true' | 'false'>('all');
  const [extra, setExtra] = useState<NotificationRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useLoad(async () => {
    const r = await api.get<Page>('/api/notifications', {
      unread: filter === 'all' ? undefined : filter,
      limit: 30,
    });
    setExtra([]);
    setCursor(r.nextCursor);
    return r;
  }, [filter]);
  const rows = [...(page.data?.rows ?? []), ...extra];
  const more = async () => {
    if (!cursor) return;
    try {
      const r = await api.get<Page>('/api/notifications', {
        unread: filter === 'all' ? undefined : filter,
        limit: 30,
        cursor,
      });
      setExtra((x) => [...x, ...r.rows]);
      setCursor(r.nextCursor);
    } catch (e) {
      onError(e);
    }
  };
  const open = async (n: NotificationRow) => {
    if (!n.readAt) await markRead(n.id).catch(onError);
    const to = notificationPath(n);
    if (to) navigate(to);
    else page.reload();
  };
  const markAll = async () => {
    try {
      await Promise.all(rows.filter((n) => !n.readAt).map((n) => markRead(n.id)));
      page.reload();
    } catch (e) {
      onError(e);
    }
  };
  return (
    <PageContainer
      title="通知"
      crumbs={[{ title: '通知' }]}
      extra={
        <Space>
          <Segmented<'all' | 'true' | 'false'>
            value={filter}
            onChange={(v) => setFilter(v)}
            options={[
              { value: 'all', label: '全部' },
              { value: 'true', label: `未读${page.data?.unreadCount ? `（${page.data.unreadCount}）` : ''}` },
              { value: 'false', label: '已读' },
            ]}
          />
          <Button
            icon={<CheckOutlined />}
            onClick={() => void markAll()}
            disabled={!rows.some((n) => !n.readAt)}
          >
            本页全部标为已读
          </Button>
          <Button icon={<ReloadOutlined />} onClick={page.reload} aria-label="刷新" />
        </Space>
      }
    >
      <Card>
        <List
          loading={page.loading}
          dataSource={rows}
          locale={{ emptyText: <Empty description="暂无通知" /> }}
          renderItem={(n) => (
            <List.Item
              style={{ cursor: 'pointer' }}
              onClick={() => void open(n)}
              extra={<Typography.Text type="secondary">{formatTime(n.createdAt)}</Typography.Text>}
            >
              <List.Item.Meta
                title={
                  <Space>
                    {!n.readAt ? <Badge status="error" /> : null}
                    <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
                    <Tag>{NOTIFICATION_KIND_LABELS[n.kind] ?? '通知'}</Tag>
                  </Space>
                }
                description={`${n.orgName}${n.body ? ` · ${n.body}` : ''}`}
              />
            </List.Item>
          )}
        />
        {cursor ? (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void more()}>加载更多</Button>
          </div>
        ) : null}
      </Card>
    </PageContainer>
  );
}
