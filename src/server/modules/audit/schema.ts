import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** success; denied (refused by authorization, CSRF, throttling); failure (tried and failed, e.g. a wrong password). */
export const AUDIT_RESULTS = ['success', 'denied', 'failure'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

/**
 * Append-only audit log. UPDATE and DELETE are refused by a trigger (see the migrations), except the one
 * update that seals a row. Writers insert rows unsealed, without any lock; the sealer (audit.ts sealAudit)
 * takes committed rows in order, gives each its place in the chain (`seq`) and an HMAC over its content and
 * the previous row's hash, so any later change, removal or reordering breaks the chain, and moves the
 * signed head (audit_head) that makes removing the newest rows detectable too.
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
    /** Place in the chain, given at sealing (null until then). */
    seq: bigint('seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_object_idx').on(t.objectType, t.objectId),
    uniqueIndex('audit_log_seq_idx').on(t.seq),
    // The audit viewer's filters, each read newest first by id (keyset pagination).
    index('audit_log_user_id_idx').on(t.userId, t.id),
    index('audit_log_event_id_idx').on(t.event, t.id),
    index('audit_log_result_id_idx').on(t.result, t.id),
  ],
);

/** The chain's signed head: how many rows are sealed and the last one's hash, under an HMAC. One row. */
export const auditHead = pgTable('audit_head', {
  id: integer('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  lastHash: text('last_hash').notNull(),
  signature: text('signature').notNull(),
  sealedAt: timestamp('sealed_at', { withTimezone: true }).notNull(),
});

/**
 * One row per archiving run (SECURITY.md §18): the sealed rows `firstSeq`..`throughSeq` moved to a signed
 * archive file and removed from audit_log by the owner. The newest row is the chain's new base: verification
 * starts after `throughSeq` from `lastHash`. Append-only (trigger), and the application role may only read it.
 */
export const auditArchives = pgTable('audit_archives', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  firstSeq: bigint('first_seq', { mode: 'number' }).notNull(),
  throughSeq: bigint('through_seq', { mode: 'number' }).notNull(),
  lastHash: text('last_hash').notNull(),
  rowCount: integer('row_count').notNull(),
  fileName: text('file_name').notNull(),
  fileSha256: text('file_sha256').notNull(),
  signature: text('signature').notNull(),
  archivedAt: timestamp('archived_at', { withTimezone: true }).notNull(),
});

/** How far the syslog forwarder got (SECURITY.md §18): the seq of the last audit row sent. One row. */
export const syslogCursor = pgTable('syslog_cursor', {
  id: integer('id').primaryKey(),
  forwardedSeq: bigint('forwarded_seq', { mode: 'number' }).notNull(),
  forwardedAt: timestamp('forwarded_at', { withTimezone: true }).notNull(),
});
