import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, List, Popover, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { markRead, notificationPath, NOTIFICATION_KIND_LABELS } from '../api/notifications';
import type { NotificationRow, NotificationsPage } from '../api/types';
import { formatTime } from '../hooks';
import { inHeader } from '../layout/popups';

/** Without the live stream (a proxy that cuts it, an old browser) the bell polls; with it, rarely. */
const POLL_MS = 60_000;
const POLL_WITH_STREAM_MS = 300_000;

/**
 * The header bell: unread count and the latest notifications, each opening what it is about. The server
 * pushes "look again" over a Server-Sent Events stream when the user's unit is told something; polling
 * stays as the fallback. Neither counts as the user's activity for the session's idle timeout.
 */
export function NotificationBell() {
  const navigate = useNavigate();
  const location = useLocation();
  const [data, setData] = useState<NotificationsPage | null>(null);
  const [open, setOpen] = useState(false);

  const load = useCallback(() => {
    api
      .background<NotificationsPage>('/api/notifications', { limit: 8 })
      .then(setData)
      .catch(() => undefined); // the bell stays quiet; pages show errors
  }, []);

  useEffect(() => {
    let live = false;
    let timer = 0;
    const schedule = () => {
      window.clearInterval(timer);
      timer = window.setInterval(load, live ? POLL_WITH_STREAM_MS : POLL_MS);
    };
    load();
    schedule();
    const stream = typeof EventSource === 'undefined' ? null : new EventSource('/api/notifications/stream');
    if (stream) {
      stream.addEventListener('ready', () => {
        live = true;
        schedule();
        load();
      });
      stream.addEventListener('notifications', load);
      // The browser reconnects by itself; until it does, poll as often as without a stream.
      stream.onerror = () => {
        live = false;
        schedule();
      };
    }
    return () => {
      window.clearInterval(timer);
      stream?.close();
    };
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
      getPopupContainer={inHeader}
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
