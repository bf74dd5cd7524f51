import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** success; denied (refused by authorization, CSRF, throttling); failure (tried and failed, e.g. a wrong password). */
export const AUDIT_RESULTS = ['success', 'denied', 'failure'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/**
 * Append-only audit log. UPDATE and DELETE are refused by a trigger (see the migration); each row carries
 * an HMAC of its content and the previous row's hash, so any change breaks the chain.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    userId: uuid('user_id'),
    ip: text('ip'),
    requestId: text('request_id'),
    event: text('event').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    result: text('result', { enum: AUDIT_RESULTS }).notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_object_idx').on(t.objectType, t.objectId),
    // The audit viewer's filters, each read newest first by id (keyset pagination).
    index('audit_log_user_id_idx').on(t.userId, t.id),
    index('audit_log_event_id_idx').on(t.event, t.id),
    index('audit_log_result_id_idx').on(t.result, t.id),
  ],
);
