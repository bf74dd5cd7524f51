import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgs, users } from '../orgs/schema.js';

/**
 * What a unit is told: an adoption in an issue, a notice, a return… addressed to an org; everyone with a
 * role there sees it, and each person's reading is recorded separately.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: text('kind').notNull(),
    /** Addressed to one person (an account notice): only they see it, whatever their roles. Null: the whole unit. */
    userId: uuid('user_id').references(() => users.id),
    title: text('title').notNull(),
    body: text('body'),
    /** What to open: e.g. { type: 'issue', id } or { type: 'item', id }. */
    link: jsonb('link').$type<{ type: string; id: string }>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('notifications_org_idx').on(t.orgId, t.createdAt),
    index('notifications_user_idx').on(t.userId, t.createdAt),
  ],
);

export const notificationReads = pgTable(
  'notification_reads',
  {
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    readAt: timestamp('read_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.userId] })],
);
