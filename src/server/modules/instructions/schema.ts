import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { items } from '../items/schema.js';
import { ORG_LEVELS } from '../orgs/domain.js';
import { orgs, users } from '../orgs/schema.js';
import { issueEntries, periodicalIssues } from '../periodicals/schema.js';
import { FLAG_STATES, FOLLOW_UP_STATES } from './domain.js';

/**
 * A leader's instruction (批示) on an item, on an issue, or on one entry of an issue. Scoring reads it for
 * the instruction bonus by the leader's level; a follow-up requirement creates 落实反馈 tasks for the origin
 * units of the items concerned.
 */
export const leaderInstructions = pgTable(
  'leader_instructions',
  {
    id: uuid('id').primaryKey(),
    itemId: uuid('item_id').references(() => items.id),
    issueId: uuid('issue_id').references(() => periodicalIssues.id),
    /** With `issueId`: the one entry the leader wrote on; null means the whole issue. */
    entryId: uuid('entry_id').references(() => issueEntries.id),
    leaderId: uuid('leader_id')
      .notNull()
      .references(() => users.id),
    leaderOrgId: uuid('leader_org_id')
      .notNull()
      .references(() => orgs.id),
    /** The level of the leader's office when the instruction was written (国/省/市/县). */
    leaderLevel: text('leader_level', { enum: ORG_LEVELS }).notNull(),
    text: text('text').notNull(),
    /** What the units must report back (落实要求); null when no follow-up is asked for. */
    followUpRequirement: text('follow_up_requirement'),
    followUpDueAt: timestamp('follow_up_due_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('leader_instructions_item_idx').on(t.itemId),
    index('leader_instructions_issue_idx').on(t.issueId),
    index('leader_instructions_at_idx').on(t.createdAt),
    index('leader_instructions_leader_idx').on(t.leaderId, t.createdAt, t.id),
  ],
);

/**
 * 呈阅/呈送领导批示: a hub editor puts an adopted item or an issued issue before one of the hub's leaders.
 * It stays open until the leader writes an instruction on it or marks it 已阅. A leader's 已阅 on an issue
 * their unit merely received is stored as a flag closed at once (flagged_by = the leader).
 */
export const instructionFlags = pgTable(
  'instruction_flags',
  {
    id: uuid('id').primaryKey(),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    itemId: uuid('item_id').references(() => items.id),
    issueId: uuid('issue_id').references(() => periodicalIssues.id),
    leaderId: uuid('leader_id')
      .notNull()
      .references(() => users.id),
    flaggedBy: uuid('flagged_by')
      .notNull()
      .references(() => users.id),
    note: text('note'),
    state: text('state', { enum: FLAG_STATES }).notNull(),
    instructionId: uuid('instruction_id').references(() => leaderInstructions.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('instruction_flags_leader_idx').on(t.leaderId, t.state, t.createdAt, t.id),
    uniqueIndex('instruction_flags_open_item_uq')
      .on(t.leaderId, t.itemId)
      .where(sql`${t.state} = 'open' and ${t.itemId} is not null`),
    uniqueIndex('instruction_flags_open_issue_uq')
      .on(t.leaderId, t.issueId)
      .where(sql`${t.state} = 'open' and ${t.issueId} is not null`),
  ],
);

/** 落实反馈: one task per instruction × origin unit; the unit answers once, the leader and the hub read it. */
export const followUpTasks = pgTable(
  'follow_up_tasks',
  {
    id: uuid('id').primaryKey(),
    instructionId: uuid('instruction_id')
      .notNull()
      .references(() => leaderInstructions.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    /** The unit's item the instruction concerns (the first one when an issue instruction covers several). */
    itemId: uuid('item_id').references(() => items.id),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    state: text('state', { enum: FOLLOW_UP_STATES }).notNull(),
    answer: text('answer'),
    answeredBy: uuid('answered_by').references(() => users.id),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('follow_up_tasks_instruction_org_uq').on(t.instructionId, t.orgId),
    index('follow_up_tasks_org_idx').on(t.orgId, t.createdAt, t.id),
  ],
);

export type InstructionRow = typeof leaderInstructions.$inferSelect;
export type FlagRow = typeof instructionFlags.$inferSelect;
export type FollowUpRow = typeof followUpTasks.$inferSelect;
