import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../orgs/schema.js';

/**
 * The editor's unsaved work, one row per user and target (an item id, or `new` for a draft not yet
 * created). Private to its user; replaced on every save, deleted when the item itself is saved.
 */
export const autosaves = pgTable(
  'autosaves',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    target: text('target').notNull(),
    /** The item's row version the text was edited from (null for a new draft). */
    baseRowVersion: integer('base_row_version'),
    title: text('title').notNull(),
    bodyHtml: text('body_html').notNull(),
    /** The other form fields (category, urgency, targets …) as the editor had them. */
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull(),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('autosaves_user_target_uq').on(t.userId, t.target)],
);
