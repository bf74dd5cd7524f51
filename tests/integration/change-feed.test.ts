/**
 * The change feed (db/change-feed.ts, drizzle/0028): every committed transaction's rows heard exactly once,
 * whatever order transactions take their ids and commit in; rolled-back rows never; a gap longer than the
 * retention, or a database that fails the reader, heard as "anything may have changed"; concurrent
 * catch-ups sharing reads; pruning never taking a row a reader has yet to see.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_FEED_DEFAULTS, ChangeFeed, type ChangeFeedOptions } from '../../src/server/db/change-feed.js';
import { openDatabase, queryRows, type Database } from '../../src/server/db/client.js';
import { ENGINE, testDatabase } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  database = await testDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** A feed on `db` that reads only when asked, and what it told its listeners of channel `t`. */
async function feedOn(db: Database, options: Partial<ChangeFeedOptions> = {}) {
  const feed = new ChangeFeed(db, { ...CHANGE_FEED_DEFAULTS, pollMs: 600_000, ...options });
  const heard: (string | null)[] = [];
  const states: boolean[] = [];
  await feed.listen(
    't',
    (p) => heard.push(p),
    (up) => states.push(up),
  );
  await feed.start();
  /** What was heard since the last call, after a catch-up. */
  const next = async () => {
    await feed.sync();
    return heard.splice(0).sort();
  };
  return { feed, heard, states, next };
}

const put = (subject: string, db = database.db) =>
  db.execute(sql`insert into change_feed (channel, subject) values ('t', ${subject})`);

describe('change feed', () => {
  it('hears each committed row once, grouped per read, and never a rolled-back one', async () => {
    const { feed, next } = await feedOn(database);
    try {
      expect(await next()).toEqual([]);
      await put('a');
      await database.db.transaction(async (tx) => {
        await put('b', tx);
        await put('b', tx);
        await tx.execute(sql`insert into change_feed (channel, subject) values ('other', 'x')`);
      });
      await database.db
        .transaction(async (tx) => {
          await put('rolled back', tx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      // A savepoint rolled back inside a committed transaction: its row goes, the rest stays.
      await database.db.transaction(async (tx) => {
        await put('kept', tx);
        await tx
          .transaction(async (sp) => {
            await put('savepoint rolled back', sp);
            sp.rollback();
          })
          .catch(() => undefined);
      });
      expect(await next()).toEqual(['a', 'b', 'kept']);
      expect(await next()).toEqual([]);
    } finally {
      await feed.stop();
    }
  });

  it.runIf(ENGINE === 'postgres')(
    'hears transactions that took their ids before another and committed after it (PostgreSQL)',
    async () => {
      const { feed, next } = await feedOn(database);
      const open = async () => {
        const c = new pg.Client({ connectionString: database.url });
        await c.connect();
        await c.query('begin');
        return c;
      };
      const early = await open();
      const idle = await open();
      const late = await open();
      try {
        await next();
        // `early` takes the lowest id and stays open across reads; `late` commits first.
        await early.query(`insert into change_feed (channel, subject) values ('t', 'early')`);
        await late.query(`insert into change_feed (channel, subject) values ('t', 'late')`);
        await late.query('commit');
        expect(await next()).toEqual(['late']);
        expect(await next()).toEqual([]);
        // `idle` began before those reads but takes its id only now.
        await idle.query(`insert into change_feed (channel, subject) values ('t', 'idle')`);
        expect(await next()).toEqual([]);
        await early.query('commit');
        expect(await next()).toEqual(['early']);
        await idle.query('commit');
        expect(await next()).toEqual(['idle']);
        expect(await next()).toEqual([]);
      } finally {
        for (const c of [early, idle, late]) await c.end();
        await feed.stop();
      }
    },
  );

  it.runIf(ENGINE === 'postgres')(
    'hears every row of many concurrent writers exactly once (PostgreSQL)',
    async () => {
      const { feed, heard } = await feedOn(database, { pollMs: 5 });
      const pool = new pg.Pool({ connectionString: database.url, max: 12 });
      try {
        await feed.sync();
        heard.length = 0;
        const writers = Array.from({ length: 12 }, (_, w) =>
          (async () => {
            for (let i = 0; i < 40; i++) {
              const c = await pool.connect();
              try {
                await c.query('begin');
                await c.query(`insert into change_feed (channel, subject) values ('t', $1)`, [`${w}-${i}`]);
                if (i % 3 === 0) await c.query('select pg_sleep(0.01)');
                await c.query(i % 7 === 6 ? 'rollback' : 'commit');
              } finally {
                c.release();
              }
            }
          })(),
        );
        // Catch-ups run all along beside the timer's reads.
        let writing = true;
        const syncing = (async () => {
          while (writing) await Promise.all([feed.sync(), feed.sync()]);
        })();
        await Promise.all(writers);
        writing = false;
        await syncing;
        await feed.sync();
        const expected = [];
        for (let w = 0; w < 12; w++) for (let i = 0; i < 40; i++) if (i % 7 !== 6) expected.push(`${w}-${i}`);
        expect([...heard].sort()).toEqual(expected.sort());
      } finally {
        await pool.end();
        await feed.stop();
      }
    },
    60_000,
  );

  it('shares reads between concurrent catch-ups: each waits for one begun after it', async () => {
    const { feed, next, heard } = await feedOn(database);
    try {
      await next();
      const before = feed.reads;
      await put('x');
      const many = Array.from({ length: 20 }, () => feed.sync());
      await Promise.all(many);
      // One read was running (or none): the 20 callers needed at most two.
      expect(feed.reads - before).toBeLessThanOrEqual(2);
      expect(heard.splice(0)).toEqual(['x']);
      expect(await next()).toEqual([]);
      expect(feed.reads - before).toBeLessThanOrEqual(3);
    } finally {
      await feed.stop();
    }
  });

  it('says anything may have changed after a pause longer than half the retention', async () => {
    const { feed, next, heard } = await feedOn(database, { retentionMs: 100, pruneEveryMs: 600_000 });
    try {
      await next();
      await put('during the pause');
      await new Promise((r) => setTimeout(r, 80));
      await feed.sync();
      expect(heard.splice(0)).toEqual([null]);
      await put('after');
      expect(await next()).toEqual(['after']);
    } finally {
      await feed.stop();
    }
  });

  it('prunes the rows of transactions that ended a retention ago, never one a reader has yet to see', async () => {
    const { feed, next } = await feedOn(database, { retentionMs: 300, pruneEveryMs: 0 });
    const count = async () =>
      (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from change_feed`))[0]!.n;
    try {
      await next();
      await put('old');
      expect(await next()).toEqual(['old']);
      expect(await count()).toBeGreaterThan(0);
      // Reads every 50 ms: within the retention nothing heard goes; past it, everything heard has gone.
      let fresh = '';
      for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, 50));
        fresh = `fresh-${i}`;
        await put(fresh);
        expect(await next()).toEqual([fresh]);
      }
      await expect
        .poll(
          async () => {
            await feed.sync();
            return (
              await queryRows<{ s: string }>(database.db, sql`select subject as s from change_feed`)
            ).map((r) => r.s);
          },
          // A transaction open anywhere on the server holds the horizon back (other test files' are short).
          { timeout: 20_000, interval: 100 },
        )
        .not.toContain('old');
    } finally {
      await feed.stop();
    }
  });

  it('serves nothing while the database fails it, and says what was missed when it reads again', async () => {
    // The feed reads whichever database `target` holds: swapped for a closed one, then back.
    const target: Database = { ...database };
    const closed = await openDatabase(
      database.url ? { url: database.url, dataDir: '' } : { dataDir: 'memory://' },
    );
    await closed.close();
    const errors: unknown[] = [];
    const { feed, heard, states, next } = await feedOn(target, { onError: (e) => errors.push(e) });
    try {
      await next();
      expect(states).toEqual([true]);
      target.db = closed.db;
      await put('while down');
      await feed.sync();
      await feed.sync();
      expect(states).toEqual([true, false]);
      expect(feed.up).toBe(false);
      expect(errors).toHaveLength(1);
      target.db = database.db;
      await feed.sync();
      expect(heard.splice(0)).toEqual([null]);
      expect(states).toEqual([true, false, true]);
      await put('back');
      expect(await next()).toEqual(['back']);
    } finally {
      await feed.stop();
    }
    expect(states.at(-1)).toBe(false);
  });

  it('goes out of force when a read hangs, and keeps telling the others when one listener throws', async () => {
    const target: Database = { ...database };
    const errors: unknown[] = [];
    const { feed, heard, states, next } = await feedOn(target, {
      readTimeoutMs: 200,
      onError: (e) => errors.push(e),
    });
    const thrower = await feed.listen('t', () => {
      throw new Error('a listener that throws');
    });
    try {
      await next();
      // A query that never answers (a half-open socket): the read gives up after readTimeoutMs.
      // (The feed's reads are prepared statements on the caller's session: its statements never answer.)
      const never = { execute: () => new Promise(() => undefined) };
      const hanging = { _: { session: { prepareQuery: () => never } } } as unknown as Database['db'];
      target.db = hanging;
      await feed.sync();
      expect(states).toEqual([true, false]);
      expect(String(errors[0])).toMatch(/took over 200 ms/);
      target.db = database.db;
      await feed.sync();
      expect(heard.splice(0)).toEqual([null]);
      await put('told');
      expect(await next()).toEqual(['told']);
      expect(errors.filter((e) => String(e).includes('a listener that throws')).length).toBeGreaterThan(0);
    } finally {
      await thrower();
      await feed.stop();
    }
  });
});
