import { Empty, Tag, Timeline, Typography } from 'antd';
import type { HopView, TimelineEvent } from '../api/types';
import { formatTime } from '../hooks';
import { ADOPTION_TYPE_LABELS, eventColor, eventLabel } from '../labels';

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

/** What the event did, in words: "报送 → 汾阳市人民政府办公室", "采用 《吕梁政务信息》（单篇采用）". */
function describe(
  e: TimelineEvent,
  hops: readonly HopView[],
  orgName: (id: string) => string | null,
): string {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const label = eventLabel(e.action);
  const hop = e.hopId ? hops.find((h) => h.id === e.hopId) : undefined;
  switch (e.action) {
    case 'hop_submit':
    case 'hop_resubmit': {
      const to = hop?.toOrgName ?? orgName(str(data.toOrgId) ?? '');
      return to ? `${label} → ${to}` : label;
    }
    case 'hop_forward': {
      const to = orgName(str(data.forwardedTo) ?? '');
      return to ? `转报 → ${to}` : label;
    }
    case 'hop_adopt': {
      const name = str(data.periodicalName);
      const type = str(data.type);
      const typeLabel =
        type && type in ADOPTION_TYPE_LABELS
          ? ADOPTION_TYPE_LABELS[type as keyof typeof ADOPTION_TYPE_LABELS]
          : '';
      return name
        ? `采用：${name.startsWith('《') ? name : `《${name}》`}${typeLabel ? `（${typeLabel}）` : ''}`
        : label;
    }
    case 'edit':
    case 'hop_edit': {
      const no = data.versionNo;
      return typeof no === 'number' ? `${label}（第${no}版）` : label;
    }
    case 'sign':
    case 'approve_and_sign':
    case 'create':
    default:
      return label;
  }
}

export function ItemTimeline({
  events,
  hops,
}: {
  events: readonly TimelineEvent[];
  hops: readonly HopView[];
}) {
  if (events.length === 0) return <Empty description="暂无处理记录" />;
  const names = new Map<string, string>();
  for (const h of hops) {
    names.set(h.toOrgId, h.toOrgName);
    names.set(h.fromOrgId, h.fromOrgName);
  }
  const orgName = (id: string) => names.get(id) ?? null;
  // A hub's 退回 writes two events (the hop's and the item's move to 修改中); show them as one.
  const shown = events.filter(
    (e, i) =>
      !(
        e.action === 'revise_requested' &&
        events[i - 1]?.action === 'hop_return' &&
        events[i - 1]?.comment === e.comment
      ),
  );
  const items = [...shown].reverse().map((e) => ({
    key: e.id,
    color: eventColor(e.action),
    content: (
      <div data-testid="timeline-event">
        <div>
          <Typography.Text strong>{describe(e, hops, orgName)}</Typography.Text>
          {e.toState === 'returned' || e.action === 'hop_reject' ? (
            <Tag color="red" style={{ marginLeft: 8 }}>
              {e.action === 'hop_reject' ? '退稿' : '退回'}
            </Tag>
          ) : null}
        </div>
        <div className="zx-muted" style={{ fontSize: 13 }}>
          {e.actorName} · {e.orgName}
        </div>
        {e.comment ? (
          <div className="zx-reason" style={{ marginTop: 4 }}>
            {e.action.includes('return') || e.action === 'hop_reject' || e.action === 'revise_requested'
              ? '理由：'
              : '意见：'}
            {e.comment}
          </div>
        ) : null}
        <div className="zx-muted" style={{ fontSize: 12, marginTop: 2 }}>
          {formatTime(e.at)}
        </div>
      </div>
    ),
  }));
  return <Timeline items={items} />;
}
