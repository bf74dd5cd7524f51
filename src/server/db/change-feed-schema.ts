import { sql } from 'drizzle-orm';
import { customType, index, pgTable, text } from 'drizzle-orm/pg-core';

/** A 64-bit transaction id (PostgreSQL 13+), read and written as its decimal text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * What committed transactions changed, for the instances' caches and live streams (db/change-feed.ts): a
 * row per subject a transaction names on a channel, stamped with the writing transaction's id, so that a
 * reader can tell exactly which rows became visible since its last snapshot. Written by triggers and use
 * cases inside the changing transaction; pruned once every instance has had time to read it.
 */
export const changeFeed = pgTable(
  'change_feed',
  {
    xid: xid8('xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    channel: text('channel').notNull(),
    subject: text('subject').notNull(),
  },
  (t) => [index('change_feed_xid').on(t.xid)],
);
