import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, List, Popover, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { markRead, notificationPath, NOTIFICATION_KIND_LABELS } from '../api/notifications';
import type { NotificationRow, NotificationsPage } from '../api/types';
import { formatTime } from '../hooks';

const POLL_MS = 60_000;

/** The header bell: unread count (polled), the latest notifications, each opening what it is about. */
export function NotificationBell() {
  const navigate = useNavigate();
  const location = useLocation();
  const [data, setData] = useState<NotificationsPage | null>(null);
  const [open, setOpen] = useState(false);

  const load = useCallback(() => {
    api
      .get<NotificationsPage>('/api/notifications', { limit: 8 })
      .then(setData)
      .catch(() => undefined); // the bell stays quiet; pages show errors
  }, []);

  useEffect(() => {
    load();
    const t = window.setInterval(load, POLL_MS);
    return () => window.clearInterval(t);
  }, [load]);
  useEffect(load, [location.pathname, load]);

  const openOne = async (n: NotificationRow) => {
    setOpen(false);
    if (!n.readAt) await markRead(n.id).catch(() => undefined);
    load();
    const to = notificationPath(n);
    navigate(to ?? '/notifications');
  };

  const count = data?.unreadCount ?? 0;
  const content = (
    <div style={{ width: 380 }} data-testid="notification-popover">
      {data?.rows.length ? (
        <List
          size="small"
          dataSource={data.rows}
          renderItem={(n) => (
            <List.Item
              style={{ cursor: 'pointer', background: n.readAt ? undefined : '#fff7f7' }}
              onClick={() => void openOne(n)}
            >
              <List.Item.Meta
                title={
                  <Space size={4} align="start">
                    {!n.readAt ? <Badge status="error" /> : null}
                    <Typography.Text strong={!n.readAt} style={{ fontSize: 13 }}>
                      {n.title}
                    </Typography.Text>
                  </Space>
                }
                description={
                  <span style={{ fontSize: 12 }}>
                    <Tag style={{ fontSize: 11 }}>{NOTIFICATION_KIND_LABELS[n.kind] ?? '通知'}</Tag>
                    {n.orgName} · {formatTime(n.createdAt)}
                  </span>
                }
              />
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无通知" />
      )}
      <div style={{ textAlign: 'center', borderTop: '1px solid #f0f0f0', paddingTop: 6 }}>
        <Button
          type="link"
          onClick={() => {
            setOpen(false);
            navigate('/notifications');
          }}
        >
          查看全部通知
        </Button>
      </div>
    </div>
  );

  return (
    <Popover
      content={content}
      title={`通知${count ? `（${count}条未读）` : ''}`}
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) load();
      }}
    >
      <button type="button" className="zx-header-bell" aria-label={`通知，${count}条未读`} data-testid="bell">
        <Badge count={count} size="small" offset={[2, -2]}>
          <BellOutlined style={{ color: '#fff', fontSize: 18 }} />
        </Badge>
      </button>
    </Popover>
  );
}
