import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../orgs/schema.js';

export const OUTBOX_STATUSES = ['pending', 'sent', 'superseded'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * Transactional outbox of mail to people (one-time passwords, account notices). A row is written in the same
 * transaction as the account change it reports, and sent after commit by the background sender, which retries
 * until the mail server accepts it: a crash between commit and send loses nothing. The one-time password is
 * never stored in clear: `secret` holds it encrypted by the crypto provider (SM4 + HMAC-SM3) and is blanked as
 * soon as the mail is accepted (or superseded by a newer one-time password for the same account).
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey(),
    /** The account the mail is about (and addressed to). */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** one_time_password | account_notice */
    kind: text('kind').notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    /** Plain text; `{{password}}` marks where the decrypted secret goes at send time. */
    body: text('body').notNull(),
    secret: text('secret'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    /** A sender working on the row (one per row across instances); expires if that sender dies. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('mail_outbox_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('mail_outbox_user_idx').on(t.userId, t.createdAt),
  ],
);

export type MailOutboxRow = typeof mailOutbox.$inferSelect;
