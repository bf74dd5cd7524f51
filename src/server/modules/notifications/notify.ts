import { randomUUID } from 'node:crypto';
import type { UseCaseContext } from '../../http/context.js';
import { notifications } from './schema.js';

export const NOTIFICATION_KINDS = [
  'issue_adopted',
  'issue_received',
  'issue_recalled',
  'notice',
  'instruction',
  'follow_up',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationInput {
  orgId: string;
  kind: NotificationKind;
  title: string;
  body?: string | null;
  link?: { type: string; id: string } | null;
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
      createdAt: ctx.now,
    })),
  );
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
