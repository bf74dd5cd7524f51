import { and, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { users } from '../orgs/schema.js';
import { auditLog, AUDIT_RESULTS } from './schema.js';
import { idTextAsRecorded } from '../../http/entity-id.js';

/** The audit viewer's filters: who, what, on which object, when, with which result. */
export const AuditFilters = z.strictObject({
  actor: z.string().trim().max(64).optional(),
  action: z
    .string()
    .trim()
    .regex(/^[a-z_]+(\.[a-z_]+|\.\*)?$/, '操作类型格式不正确')
    .max(64)
    .optional(),
  objectType: z.string().trim().max(40).optional(),
  objectId: z.string().trim().max(100).overwrite(idTextAsRecorded).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  result: z.enum(AUDIT_RESULTS).optional(),
});
export type AuditFilterInput = z.infer<typeof AuditFilters>;

export const AuditListQuery = AuditFilters.extend({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const AuditRow = z.object({
  id: z.number(),
  at: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  event: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  result: z.enum(AUDIT_RESULTS),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

function whereOf(f: AuditFilterInput, before?: number): SQL | undefined {
  const conds: SQL[] = [];
  if (f.actor)
    conds.push(
      sql`${auditLog.userId} in (select ${users.id} from ${users} where lower(${users.username}) = lower(${f.actor}) or ${users.displayName} = ${f.actor})`,
    );
  if (f.action)
    conds.push(
      f.action.endsWith('.*')
        ? like(auditLog.event, `${f.action.slice(0, -1)}%`)
        : eq(auditLog.event, f.action),
    );
  if (f.objectType) conds.push(eq(auditLog.objectType, f.objectType));
  if (f.objectId) conds.push(eq(auditLog.objectId, f.objectId));
  if (f.from) conds.push(gte(auditLog.at, new Date(f.from)));
  if (f.to) conds.push(lt(auditLog.at, new Date(f.to)));
  if (f.result) conds.push(eq(auditLog.result, f.result));
  if (before) conds.push(lt(auditLog.id, before));
  return conds.length ? and(...conds) : undefined;
}

/** Newest first, by id (keyset): the next page starts below the last id shown. */
export async function listAudit(db: Db, f: AuditFilterInput, before: number | undefined, limit: number) {
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      userId: auditLog.userId,
      username: users.username,
      displayName: users.displayName,
      ip: auditLog.ip,
      requestId: auditLog.requestId,
      event: auditLog.event,
      objectType: auditLog.objectType,
      objectId: auditLog.objectId,
      result: auditLog.result,
      detail: auditLog.detail,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.userId))
    .where(whereOf(f, before))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    rows: page.map((r) => ({ ...r, at: r.at.toISOString() })),
    nextBefore: more ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** Midnight in Beijing time today, as an instant. */
export function startOfTodayShanghai(now: Date): Date {
  const shanghai = new Date(now.getTime() + 8 * 3_600_000);
  shanghai.setUTCHours(0, 0, 0, 0);
  return new Date(shanghai.getTime() - 8 * 3_600_000);
}
