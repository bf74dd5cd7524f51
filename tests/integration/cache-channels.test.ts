/**
 * Changes made behind the naming triggers' back tell every cache channel that anything may have changed
 * (db/notified-cache.ts CACHE_CHANNELS): migrations that apply anything (a rolling upgrade runs beside
 * instances holding answers), and TRUNCATE of a table the caches are computed from (drizzle/0025).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/server/db/migrate.js';
import { CACHE_CHANNELS } from '../../src/server/db/notified-cache.js';
import { testDatabase } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof testDatabase>>;
const heard: { channel: string; payload: string | null }[] = [];
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await testDatabase({ stopBefore: (file) => file.startsWith('0025_') });
  for (const channel of Object.values(CACHE_CHANNELS))
    stops.push(await database.listen(channel, (payload) => heard.push({ channel, payload })));
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await database?.drop();
});

/** What every channel heard after `act`, once a marker sent after it has come back on each. */
async function heardAfter(act: () => Promise<unknown>) {
  heard.length = 0;
  await act();
  const mark = `mark-${Math.random()}`;
  for (const channel of Object.values(CACHE_CHANNELS))
    await database.db.execute(sql`select pg_notify(${channel}, ${mark})`);
  await expect
    .poll(() => heard.filter((h) => h.payload === mark).length, { timeout: 5_000, interval: 5 })
    .toBe(Object.values(CACHE_CHANNELS).length);
  // Each channel has a connection of its own: what they heard arrives in either order.
  return heard
    .filter((h) => h.payload !== mark)
    .sort((a, b) => a.channel.localeCompare(b.channel) || String(a.payload).localeCompare(String(b.payload)));
}

const everything = Object.values(CACHE_CHANNELS)
  .sort()
  .map((channel) => ({ channel, payload: '' }));

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
