import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ORG_KINDS } from '../orgs/domain.js';
import { orgs, users } from '../orgs/schema.js';
import { ENTRY_KINDS, QUOTA_PERIODS, type ScoringRules, type TargetLevel } from './domain.js';

/** One rule set per evaluating hub; `version` increases with every change (the ledger records which it used). */
export const scoringRuleSets = pgTable('scoring_rule_sets', {
  hubId: uuid('hub_id')
    .primaryKey()
    .references(() => orgs.id),
  rules: jsonb('rules').$type<ScoringRules>().notNull(),
  version: integer('version').notNull().default(1),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * The points ledger (积分台账) of an evaluating hub: one row per unit per cause. Automatic rows (adoption,
 * instruction) are recomputed from their causes idempotently — unique per (hub, unit, kind, cause); manual
 * rows (bonus, deduction, penalty, missed solicitation) carry who decided and why.
 */
export const scoreEntries = pgTable(
  'score_entries',
  {
    id: uuid('id').primaryKey(),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: text('kind', { enum: ENTRY_KINDS }).notNull(),
    /** When the cause happened (the adoption, the instruction, the decision's effective date). */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    points: numeric('points', { precision: 12, scale: 4, mode: 'number' }).notNull(),
    /** adoption id, instruction id, or null for manual rows. */
    causeId: uuid('cause_id'),
    itemId: uuid('item_id'),
    /** How the points were reached, for people: “《晋政信息·普刊》单篇 4分 × 转报2倍 ÷ 合报2家”. */
    explanation: text('explanation').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    manual: boolean('manual').notNull().default(false),
    reason: text('reason'),
    createdBy: uuid('created_by').references(() => users.id),
    ruleVersion: integer('rule_version'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('score_entries_hub_at_idx').on(t.hubId, t.occurredAt),
    index('score_entries_hub_org_idx').on(t.hubId, t.orgId, t.occurredAt),
    // Recomputing one adoption or instruction finds its rows in every hub's ledger by cause.
    index('score_entries_cause_idx').on(t.causeId),
    // The adoption-rate numerator: was this unit's submitted item credited an adoption by this hub? And
    // a unit's ledger rows for one item in a period (unit-figures.sql, ledger_multi): with the time in the
    // key a city's month ranked in 8 ms, not 32 (the planner had scanned the unit's month per item).
    index('score_entries_hub_org_item_at_idx').on(t.hubId, t.orgId, t.itemId, t.occurredAt),
    uniqueIndex('score_entries_auto_uq')
      .on(t.hubId, t.orgId, t.kind, t.causeId)
      .where(sql`${t.manual} = false`),
  ],
);

/**
 * 任务指标: minimum submissions per target level, adoptions and adoption rate per period, for one unit or
 * for a category of units (部门/乡镇…) a hub evaluates.
 */
export const quotaRules = pgTable(
  'quota_rules',
  {
    id: uuid('id').primaryKey(),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    orgId: uuid('org_id').references(() => orgs.id),
    orgKind: text('org_kind', { enum: ORG_KINDS }),
    period: text('period', { enum: QUOTA_PERIODS }).notNull(),
    minSubmitted: jsonb('min_submitted').$type<Partial<Record<TargetLevel, number>>>().notNull(),
    minAdopted: integer('min_adopted'),
    /** 0..1 */
    minAdoptionRate: numeric('min_adoption_rate', { precision: 5, scale: 4, mode: 'number' }),
    active: boolean('active').notNull().default(true),
    /** Optimistic concurrency: every edit bumps it; a stale one answers 409. */
    rowVersion: integer('row_version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('quota_rules_hub_idx').on(t.hubId)],
);

/** A monthly (or any period's) 通报: a frozen snapshot of the statistics, sent to the evaluated units. */
export const notices = pgTable(
  'notices',
  {
    id: uuid('id').primaryKey(),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    title: text('title').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    periodLabel: text('period_label').notNull(),
    /** Preamble written by the editor. */
    remarks: text('remarks'),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: ['draft', 'issued'] }).notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
  },
  (t) => [index('notices_hub_idx').on(t.hubId, t.createdAt)],
);

export const noticeRecipients = pgTable(
  'notice_recipients',
  {
    noticeId: uuid('notice_id')
      .notNull()
      .references(() => notices.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    firstReadAt: timestamp('first_read_at', { withTimezone: true }),
    firstReadBy: uuid('first_read_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('notice_recipients_uq').on(t.noticeId, t.orgId),
    index('notice_recipients_org_idx').on(t.orgId),
  ],
);

/*
 * Pre-aggregated statistics (统计汇总), kept by triggers on score_entries, hops and orgs in the same
 * transaction as every write (drizzle/0011_scoring_aggregates.sql): the ranking of any period reads whole
 * years, the whole months beside them and the days at its edges instead of every ledger row and hop. Counts of distinct items are the
 * row counts here minus the excess of the few (unit, item) pairs holding more than one row, read from the
 * ledger and hops themselves (see sql/unit-figures.sql). `grain` is 'day', 'month' or 'year' (drizzle/0022:
 * a year's ranking reads one bucket per unit); `bucket` the Beijing date (the first of the month or year). sql/aggregates-check.sql recomputes them from the sources.
 */

/** Ledger sums per (hub, unit, bucket, kind, periodical): points, rows, rows with an item. */
export const scoringLedgerBuckets = pgTable(
  'scoring_ledger_buckets',
  {
    hubId: uuid('hub_id').notNull(),
    grain: text('grain', { enum: ['day', 'month', 'year'] }).notNull(),
    bucket: date('bucket').notNull(),
    orgId: uuid('org_id').notNull(),
    kind: text('kind').notNull(),
    /** detail.periodicalId of adoption rows; '' for none. */
    periodicalId: text('periodical_id').notNull(),
    points: numeric('points', { precision: 16, scale: 4, mode: 'number' }).notNull(),
    entries: integer('entries').notNull(),
    items: integer('items').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hubId, t.grain, t.bucket, t.orgId, t.kind, t.periodicalId] })],
);

/** Adoption rows per (hub, unit, item): all of them and the automatic ones (the adoption-rate numerator). */
export const scoringLedgerItems = pgTable(
  'scoring_ledger_items',
  {
    hubId: uuid('hub_id').notNull(),
    orgId: uuid('org_id').notNull(),
    itemId: uuid('item_id').notNull(),
    adoptions: integer('adoptions').notNull(),
    autoAdoptions: integer('auto_adoptions').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.hubId, t.orgId, t.itemId] }),
    index('scoring_ledger_items_item_idx').on(t.orgId, t.itemId),
    index('scoring_ledger_items_multi_idx')
      .on(t.hubId, t.orgId)
      .where(sql`${t.adoptions} > 1`),
  ],
);

/** Counted hops (not withdrawn) per (sending unit, bucket of submitted_at, level of the receiver). */
export const scoringSentBuckets = pgTable(
  'scoring_sent_buckets',
  {
    fromOrgId: uuid('from_org_id').notNull(),
    grain: text('grain', { enum: ['day', 'month', 'year'] }).notNull(),
    bucket: date('bucket').notNull(),
    level: text('level').notNull(),
    hops: integer('hops').notNull(),
  },
  (t) => [primaryKey({ columns: [t.fromOrgId, t.grain, t.bucket, t.level] })],
);

/** Counted hops per (sending unit, item): more than one marks a pair whose distinct count needs care. */
export const scoringSentItems = pgTable(
  'scoring_sent_items',
  {
    fromOrgId: uuid('from_org_id').notNull(),
    itemId: uuid('item_id').notNull(),
    hops: integer('hops').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.fromOrgId, t.itemId] }),
    index('scoring_sent_items_multi_idx')
      .on(t.fromOrgId)
      .where(sql`${t.hops} > 1`),
  ],
);

/** Counted hops per (hub, sending unit, bucket) whose item the hub's ledger credits the unit automatically. */
export const scoringCohortBuckets = pgTable(
  'scoring_cohort_buckets',
  {
    hubId: uuid('hub_id').notNull(),
    grain: text('grain', { enum: ['day', 'month', 'year'] }).notNull(),
    bucket: date('bucket').notNull(),
    orgId: uuid('org_id').notNull(),
    hops: integer('hops').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hubId, t.grain, t.bucket, t.orgId] })],
);
