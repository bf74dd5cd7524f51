import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { items } from '../items/schema.js';
import { ORG_LEVELS } from '../orgs/domain.js';
import { orgs, users } from '../orgs/schema.js';
import { periodicalIssues } from '../periodicals/schema.js';

/**
 * A leader's instruction (批示) on an item or an issue. Scoring reads it for the instruction bonus by the
 * leader's level; the follow-up task workflow (落实反馈) builds on this table later.
 */
export const leaderInstructions = pgTable(
  'leader_instructions',
  {
    id: uuid('id').primaryKey(),
    itemId: uuid('item_id').references(() => items.id),
    issueId: uuid('issue_id').references(() => periodicalIssues.id),
    leaderId: uuid('leader_id')
      .notNull()
      .references(() => users.id),
    leaderOrgId: uuid('leader_org_id')
      .notNull()
      .references(() => orgs.id),
    /** The level of the leader's office when the instruction was written (国/省/市/县). */
    leaderLevel: text('leader_level', { enum: ORG_LEVELS }).notNull(),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('leader_instructions_item_idx').on(t.itemId),
    index('leader_instructions_at_idx').on(t.createdAt),
  ],
);
