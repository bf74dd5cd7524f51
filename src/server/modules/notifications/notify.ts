import { randomUUID } from 'node:crypto';
import type { UseCaseContext } from '../../http/context.js';
import { notifications } from './schema.js';

/**
 * The change feed's channel every instance reads (see live.ts): a trigger on notifications names the units
 * of each insert, their ids joined by commas, or `*` beyond 150 (drizzle/0028_change_feed.sql).
 */
export const NOTIFY_CHANNEL = 'zx_notifications';

export const NOTIFICATION_KINDS = [
  'issue_adopted',
  'issue_received',
  'issue_recalled',
  'notice',
  'instruction',
  'follow_up',
  'account',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationInput {
  orgId: string;
  kind: NotificationKind;
  title: string;
  body?: string | null;
  link?: { type: string; id: string } | null;
  /** Only this person sees it (an account notice); `orgId` is then one of their units. */
  userId?: string | null;
}

/**
 * Tells units something, in the caller's transaction: the rows are part of the change (an issued issue
 * without its adoption notices would be a half-done change). One multi-row insert, however many units.
 */
export async function notifyMany(ctx: UseCaseContext, rows: readonly NotificationInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  await ctx.tx.insert(notifications).values(
    rows.map((r) => ({
      id: randomUUID(),
      orgId: r.orgId,
      kind: r.kind,
      title: r.title,
      body: r.body ?? null,
      link: r.link ?? null,
      userId: r.userId ?? null,
      createdAt: ctx.now,
    })),
  );
  // The insert's trigger tells the units' live streams, heard when (and only if) the transaction commits.
  return rows.length;
}

/** The same notice to several orgs (each org once). */
export async function notify(
  ctx: UseCaseContext,
  orgIds: readonly string[],
  n: Omit<NotificationInput, 'orgId'>,
): Promise<number> {
  return notifyMany(
    ctx,
    [...new Set(orgIds)].map((orgId) => ({ ...n, orgId })),
  );
}
