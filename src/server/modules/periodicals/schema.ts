import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { adoptions } from '../items/schema.js';
import { orgs, users } from '../orgs/schema.js';
import { ISSUE_STATES, PERIODICAL_KINDS, RECIPIENT_KINDS, REVIEW_DECISIONS } from './domain.js';

/** The 版记 lines of an issue: 报 (upward), 送 (leaders and peers), 发 (downward). Free text, as printed. */
export interface DistributionLines {
  bao: string[];
  song: string[];
  fa: string[];
}

/** A hub's periodical (刊物) with its numbering and default distribution. */
export const periodicals = pgTable(
  'periodicals',
  {
    id: uuid('id').primaryKey(),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: PERIODICAL_KINDS }).notNull(),
    /** 编印单位 printed under the masthead; the hub's name when null. */
    publisherName: text('publisher_name'),
    /**
     * 总期号 continues across years: the first issue ever issued in the system gets
     * `totalNoBase + 1` (so a periodical that already printed 300 issues on paper starts at 301).
     */
    totalNoBase: integer('total_no_base').notNull().default(0),
    /** 年度期号 of issues printed before the system this year, likewise. */
    yearNoBase: integer('year_no_base').notNull().default(0),
    yearNoBaseYear: integer('year_no_base_year'),
    defaultLines: jsonb('default_lines')
      .$type<DistributionLines>()
      .notNull()
      .default(sql`'{"bao":[],"song":[],"fa":[]}'::jsonb`),
    /** Orgs that receive every issue in the system by default (the 发送范围 preset). */
    defaultRecipientOrgIds: jsonb('default_recipient_org_ids')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    defaultCopies: integer('default_copies').notNull().default(0),
    active: boolean('active').notNull().default(true),
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('periodicals_hub_idx').on(t.hubId)],
);

/**
 * An issue (期) of a periodical. Numbers are assigned when it is issued, so abandoned drafts leave no
 * gaps; (periodical, year, yearNo) and (periodical, totalNo) are unique.
 */
export const periodicalIssues = pgTable(
  'periodical_issues',
  {
    id: uuid('id').primaryKey(),
    periodicalId: uuid('periodical_id')
      .notNull()
      .references(() => periodicals.id),
    state: text('state', { enum: ISSUE_STATES }).notNull(),
    year: integer('year'),
    yearNo: integer('year_no'),
    totalNo: integer('total_no'),
    /** Optional headline for a 专报/专刊 issue. */
    title: text('title'),
    /** Date printed on the issue (Asia/Shanghai calendar date), set at issue time when null. */
    issueDate: text('issue_date'),
    lines: jsonb('lines').$type<DistributionLines>().notNull(),
    copies: integer('copies').notNull().default(0),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    signedBy: uuid('signed_by').references(() => users.id),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    issuedBy: uuid('issued_by').references(() => users.id),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    recalledAt: timestamp('recalled_at', { withTimezone: true }),
    recallReason: text('recall_reason'),
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('periodical_issues_periodical_idx').on(t.periodicalId, t.createdAt),
    uniqueIndex('periodical_issues_year_no_uq').on(t.periodicalId, t.year, t.yearNo),
    uniqueIndex('periodical_issues_total_no_uq').on(t.periodicalId, t.totalNo),
  ],
);

/**
 * One article in an issue: a single adopted item, or a 综合 text merged from several adoptions. The text is
 * the editor's, starting from the adopted version; the sources are credited in `sourceLine`.
 */
export const issueEntries = pgTable(
  'issue_entries',
  {
    id: uuid('id').primaryKey(),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => periodicalIssues.id),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    bodyHtml: text('body_html').notNull(),
    /** 编者按, printed before the article. */
    editorNote: text('editor_note'),
    /** e.g. “（汾阳市人民政府办公室报送）”; for 综合 entries every source unit. */
    sourceLine: text('source_line').notNull(),
    combined: boolean('combined').notNull().default(false),
    /** Optimistic concurrency: every edit bumps it; a stale one answers 409. */
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('issue_entries_issue_idx').on(t.issueId, t.position)],
);

/** Which adoptions an entry publishes (one for 单篇, several for 综合). An adoption is in one issue at most. */
export const issueEntrySources = pgTable(
  'issue_entry_sources',
  {
    entryId: uuid('entry_id')
      .notNull()
      .references(() => issueEntries.id),
    adoptionId: uuid('adoption_id')
      .notNull()
      .references(() => adoptions.id),
  },
  (t) => [
    primaryKey({ columns: [t.entryId, t.adoptionId] }),
    uniqueIndex('issue_entry_sources_adoption_uq').on(t.adoptionId),
  ],
);

/** 审签: each reviewer's 同意/不同意 with an opinion; the chief editor's sign-off is the last. */
export const issueReviews = pgTable(
  'issue_reviews',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => periodicalIssues.id),
    reviewerId: uuid('reviewer_id')
      .notNull()
      .references(() => users.id),
    decision: text('decision', { enum: REVIEW_DECISIONS }).notNull(),
    opinion: text('opinion'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('issue_reviews_issue_idx').on(t.issueId)],
);

/**
 * 发送范围: every org an issue went to, how (initial, 增发 later, 摘发 of some entries), and its read receipt.
 * Recall (收回) stamps `recalledAt` on every row of the issue; nothing is deleted.
 */
export const issueRecipients = pgTable(
  'issue_recipients',
  {
    issueId: uuid('issue_id')
      .notNull()
      .references(() => periodicalIssues.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: text('kind', { enum: RECIPIENT_KINDS }).notNull(),
    /** For 摘发: the entries sent; null means the whole issue. */
    entryIds: jsonb('entry_ids').$type<string[]>(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    sentBy: uuid('sent_by')
      .notNull()
      .references(() => users.id),
    firstReadAt: timestamp('first_read_at', { withTimezone: true }),
    firstReadBy: uuid('first_read_by').references(() => users.id),
    recalledAt: timestamp('recalled_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.issueId, t.orgId] }),
    index('issue_recipients_org_idx').on(t.orgId, t.sentAt),
  ],
);

/** Who in a recipient org opened the issue, and when first: the basis of 阅读率. */
export const issueReads = pgTable(
  'issue_reads',
  {
    issueId: uuid('issue_id')
      .notNull()
      .references(() => periodicalIssues.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    readAt: timestamp('read_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.issueId, t.userId] })],
);

export type PeriodicalRow = typeof periodicals.$inferSelect;
export type IssueRow = typeof periodicalIssues.$inferSelect;
export type IssueEntryRow = typeof issueEntries.$inferSelect;
