/**
 * Changes made behind the naming triggers' back tell every cache channel that anything may have changed
 * (db/cache-channels.ts CACHE_CHANNELS): migrations that apply anything (a rolling upgrade runs beside
 * instances holding answers), and TRUNCATE of a table the caches are computed from (drizzle/0025). The
 * sessions' channel is NOTIFY, the rankings' the change feed (drizzle/0028): each is heard as the server
 * hears it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/server/db/migrate.js';
import { CHANGE_FEED_DEFAULTS, ChangeFeed } from '../../src/server/db/change-feed.js';
import { CACHE_CHANNELS } from '../../src/server/db/cache-channels.js';
import { testDatabase } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof testDatabase>>;
let feed: ChangeFeed;
const heard: { channel: string; payload: string | null }[] = [];
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await testDatabase({ stopBefore: (file) => file.startsWith('0025_') });
  feed = new ChangeFeed(database, { ...CHANGE_FEED_DEFAULTS, pollMs: 60_000 });
  await feed.start();
  stops.push(
    await database.listen(CACHE_CHANNELS.sessions, (payload) =>
      heard.push({ channel: CACHE_CHANNELS.sessions, payload }),
    ),
    await feed.listen(CACHE_CHANNELS.rankings, (payload) =>
      heard.push({ channel: CACHE_CHANNELS.rankings, payload }),
    ),
  );
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await feed?.stop();
  await database?.drop();
});

/** What every channel heard after `act`: the feed caught up, and a NOTIFY marker sent after it come back. */
async function heardAfter(act: () => Promise<unknown>) {
  heard.length = 0;
  await act();
  await feed.sync();
  const mark = `mark-${Math.random()}`;
  await database.db.execute(sql`select pg_notify(${CACHE_CHANNELS.sessions}, ${mark})`);
  await expect.poll(() => heard.some((h) => h.payload === mark), { timeout: 5_000, interval: 5 }).toBe(true);
  return heard
    .filter((h) => h.payload !== mark)
    .sort((a, b) => a.channel.localeCompare(b.channel) || String(a.payload).localeCompare(String(b.payload)));
}

const everything = [
  { channel: CACHE_CHANNELS.sessions, payload: '' },
  { channel: CACHE_CHANNELS.rankings, payload: '*' },
].sort((a, b) => a.channel.localeCompare(b.channel));

describe('cache channels told that anything may have changed', () => {
  it('by migrations that apply something, and not by those that apply nothing', async () => {
    expect(await heardAfter(() => migrate(database))).toEqual(everything);
    expect(await heardAfter(() => migrate(database))).toEqual([]);
  });

  it('by TRUNCATE of what rankings and sessions are computed from', async () => {
    for (const table of [
      'direct_report_points',
      'scoring_ledger_buckets',
      'scoring_ledger_items',
      'scoring_sent_buckets',
      'scoring_sent_items',
      'scoring_cohort_buckets',
    ])
      expect({
        table,
        heard: await heardAfter(() => database.db.execute(sql.raw(`truncate ${table}`))),
      }).toEqual({
        table,
        heard: [{ channel: CACHE_CHANNELS.rankings, payload: '*' }],
      });
    expect(await heardAfter(() => database.db.execute(sql`truncate sessions`))).toEqual([
      { channel: CACHE_CHANNELS.sessions, payload: '' },
    ]);
  });
});
