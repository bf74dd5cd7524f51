import { api } from './client';
import type { NotificationRow } from './types';

/** Where a notification leads: the issue, the item or the notice it is about. */
export function notificationPath(n: Pick<NotificationRow, 'link'>): string | null {
  const link = n.link;
  if (!link) return null;
  switch (link.type) {
    case 'issue':
      return `/issues/${link.id}`;
    case 'item':
      return `/items/${link.id}`;
    case 'notice':
      return `/notices/${link.id}`;
    case 'follow_ups':
      return '/follow-ups';
    case 'instructions':
      return '/instructions/mine';
    default:
      return null;
  }
}

export function markRead(id: string): Promise<unknown> {
  return api.post(`/api/notifications/${id}/read`, {});
}

export const NOTIFICATION_KIND_LABELS: Record<string, string> = {
  issue_adopted: '采用',
  issue_received: '收到刊物',
  issue_recalled: '刊物收回',
  notice: '通报',
  instruction: '领导批示',
  follow_up: '落实反馈',
};
