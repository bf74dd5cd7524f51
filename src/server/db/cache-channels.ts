/**
 * The channels that tell every instance's caches what changed: the sessions' (NOTIFY, drizzle/0023,
 * modules/auth/session-cache.ts) and the rankings' (the change feed, drizzle/0024, 0028, 0029,
 * modules/scoring/figures-cache.ts). Triggers in the changing transaction name what changed (or `*`,
 * everything), heard by every instance once committed.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from './client.js';

/**
 * Every channel whose listeners keep answers in memory (sessions: NOTIFY, drizzle/0023; rankings: the change
 * feed, 0024 and 0028), so that a change made behind the triggers' back can tell them all at once
 * (`notifyEverythingChanged`).
 */
export const CACHE_CHANNELS = { sessions: 'zx_sessions', rankings: 'zx_scoring' } as const;

/**
 * Tells every instance's caches that anything may have changed (an empty payload, or `*` on the feed: drop
 * everything), at the commit of `db`'s transaction: after migrations and a restore, which change tables
 * without the triggers that name what changed.
 */
export async function notifyEverythingChanged(db: Db): Promise<void> {
  await db.execute(sql`select pg_notify(${CACHE_CHANNELS.sessions}, '')`);
  // Before migration 0028 (a test of an older step) there is no feed, and no server reading one.
  const [feed] = await queryRows<{ ok: boolean }>(
    db,
    sql`select to_regclass('change_feed') is not null as ok`,
  );
  if (feed?.ok)
    await db.execute(
      sql`insert into change_feed (channel, subject) values (${CACHE_CHANNELS.rankings}, '*')`,
    );
}
