import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { UseCaseContext } from '../../http/context.js';
import { notifications } from './schema.js';

/** The channel every instance LISTENs on; the payload names the units told (see live.ts). */
export const NOTIFY_CHANNEL = 'zx_notifications';
/** PostgreSQL caps a NOTIFY payload at 8,000 bytes: beyond this many units, the payload says "everyone". */
const MAX_ORGS_IN_PAYLOAD = 150;

/** The payload for these units: their ids joined by commas, or `*` when they would not fit. */
export function livePayload(orgIds: readonly string[]): string {
  const unique = [...new Set(orgIds)];
  return unique.length > MAX_ORGS_IN_PAYLOAD ? '*' : unique.join(',');
}

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
  // Delivered when (and only if) the transaction commits, to every instance's listener.
  await ctx.tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${livePayload(rows.map((r) => r.orgId))})`);
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
