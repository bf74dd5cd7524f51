/**
 * The embedded PGlite reached through node-postgres (db/pglite-link.ts), on the server's thread by default
 * or in a worker thread with ZX_PGLITE_THREAD=1 (both below): one session
 * lent to one client at a time, so concurrent transactions never interleave; errors end a statement or a
 * transaction, never the session; named prepared statements survive a replaced client; notifications are
 * heard once committed and never when rolled back; a data directory keeps what was committed across a
 * close; answers of any size arrive whole; and an idle database does not hold a finished process open.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beginWithFirstStatement,
  commitWithNextStatement,
  openDatabase,
  queryRows,
  type Database,
} from '../../src/server/db/client.js';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from '../../src/server/db/schema.js';
import { openPgliteThread, pgliteInThread, type PgliteLink } from '../../src/server/db/pglite-link.js';
import { ENGINE } from '../helpers/db.js';

describe.skipIf(ENGINE !== 'pglite')('PGlite through node-postgres', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await database.exec(
      'create table counter (id int primary key, n int not null); insert into counter values (1, 0);',
    );
  });
  afterAll(async () => {
    await database?.close();
  });

  it('runs 25 concurrent read-then-write transactions one after another: none is lost', async () => {
    await Promise.all(
      Array.from({ length: 25 }, () =>
        database.db.transaction(async (tx) => {
          const [row] = await queryRows<{ n: number }>(tx, sql`select n from counter where id = 1`);
          // Give every other transaction the chance to interleave, were the session shared.
          await new Promise((r) => setTimeout(r, 1));
          await tx.execute(sql`update counter set n = ${row!.n + 1} where id = 1`);
        }),
      ),
    );
    const [row] = await queryRows<{ n: number }>(database.db, sql`select n from counter where id = 1`);
    expect(row!.n).toBe(25);
  });

  it('a failed statement ends its transaction, not the session', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`update counter set n = n + 100 where id = 1`);
        await tx.execute(sql`select no_such_column from counter`);
      }),
    ).rejects.toThrow(/no_such_column/);
    await expect(database.db.execute(sql`select 1/0`)).rejects.toMatchObject({ cause: { code: '22012' } });
    const [row] = await queryRows<{ n: number }>(database.db, sql`select n from counter where id = 1`);
    expect(row!.n).toBe(25);
  });

  it('hears a NOTIFY once its transaction commits, and never one rolled back', async () => {
    const heard: string[] = [];
    const stop = await database.listen('zx_thread_test', (p) => heard.push(p ?? 'null'));
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('zx_thread_test', 'committed')`);
      expect(heard).toEqual([]);
    });
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_notify('zx_thread_test', 'rolled back')`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await database.exec(`select pg_notify('zx_thread_test', 'again')`);
    await stop();
    await database.exec(`select pg_notify('zx_thread_test', 'after stop')`);
    expect(heard).toEqual(['committed', 'again']);
  });

  it('answers of several megabytes arrive whole', async () => {
    const rows = await queryRows<{ i: number; s: string }>(
      database.db,
      sql`select i, repeat('政', 500) || i as s from generate_series(1, 4000) as i`,
    );
    expect(rows).toHaveLength(4000);
    expect(rows[3999]!.s).toBe(`${'政'.repeat(500)}4000`);
  });

  it('keeps nothing of what it answered: the heap does not grow with the rows answered', async () => {
    // PGlite's execProtocolRaw kept every parsed message of every answer (~16 KB a 50-row page): 2,000 pages
    // grew the heap by some 30 MB. The link reads the raw stream instead (pglite-thread.ts answerBytes).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const page = () =>
      queryRows(
        database.db,
        sql`select i, repeat('标题', 20) || i as title from generate_series(1, 50) as i`,
      );
    for (let i = 0; i < 200; i++) await page();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2000; i++) await page();
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });
});

describe.skipIf(ENGINE !== 'pglite')('in a worker thread (ZX_PGLITE_THREAD=1)', () => {
  it('answers, keeps a transaction whole, hears a NOTIFY and closes', async () => {
    process.env.ZX_PGLITE_THREAD = '1';
    let link: PgliteLink;
    try {
      expect(pgliteInThread()).toBe(true);
      link = await openPgliteThread('memory://');
    } finally {
      delete process.env.ZX_PGLITE_THREAD;
    }
    expect(pgliteInThread()).toBe(false);
    try {
      const heard: string[] = [];
      await link.subscribe('zx_probe', (p) => heard.push(p));
      const tx = beginWithFirstStatement(drizzle(link.pool, { schema }), link.pool);
      await link.pool.query('create table t (v int)');
      await tx.transaction(async (t) => {
        await t.execute(sql`insert into t values (1)`);
        commitWithNextStatement(t);
        await t.execute(sql`select pg_notify('zx_probe', 'one')`);
      });
      expect((await link.pool.query('select count(*)::int as n from t')).rows).toEqual([{ n: 1 }]);
      expect(heard).toEqual(['one']);
      expect(link.requests()).toBeGreaterThan(0);
    } finally {
      await link.close();
    }
  });
});

describe.skipIf(ENGINE !== 'pglite')('the thread link itself', () => {
  let link: PgliteLink;
  beforeAll(async () => {
    link = await openPgliteThread('memory://');
  });
  afterAll(async () => {
    await link?.close();
  });

  it('a transaction’s BEGIN travels with its first statement: one round trip to the thread fewer', async () => {
    const database = drizzle(link.pool, { schema });
    const tx = beginWithFirstStatement(database, link.pool);
    await link.pool.query('create table if not exists trips (v int)');
    const before = link.requests();
    await tx.transaction(async (t) => {
      await t.execute(sql`insert into trips values (1)`);
      await t.execute(sql`insert into trips values (2)`);
    });
    // BEGIN with the first insert, the second insert, COMMIT.
    expect(link.requests() - before).toBe(3);
    expect((await link.pool.query('select count(*)::int as n from trips')).rows).toEqual([{ n: 2 }]);
  });

  it('a statement marked last travels with COMMIT: one round trip to the thread fewer again', async () => {
    const database = drizzle(link.pool, { schema });
    const tx = beginWithFirstStatement(database, link.pool);
    await link.pool.query('create table if not exists trips (v int)');
    await link.pool.query('truncate trips');
    const before = link.requests();
    await tx.transaction(async (t) => {
      await t.execute(sql`insert into trips values (1)`);
      commitWithNextStatement(t);
      await t.execute(sql`insert into trips values (2)`);
    });
    // BEGIN with the first insert, the second insert with COMMIT.
    expect(link.requests() - before).toBe(2);
    expect((await link.pool.query('select count(*)::int as n from trips')).rows).toEqual([{ n: 2 }]);
  });

  it('a client replacing a failed one reuses the session’s named statements', async () => {
    const first = await link.pool.connect();
    expect(
      (await first.query({ name: 'zx_named', text: 'select $1::int + 1 as v', values: [1] })).rows,
    ).toEqual([{ v: 2 }]);
    // Released with an error: the pool throws this client away and opens another on the same session.
    first.release(new Error('discard'));
    const second = await link.pool.connect();
    expect(second).not.toBe(first);
    expect(
      (await second.query({ name: 'zx_named', text: 'select $1::int + 1 as v', values: [41] })).rows,
    ).toEqual([{ v: 42 }]);
    second.release();
  });
});

describe.skipIf(ENGINE !== 'pglite')('a connection discarded while the session is busy', () => {
  let link: PgliteLink;
  beforeAll(async () => {
    link = await openPgliteThread('memory://');
    await link.pool.query('create table discarded (v int)');
  });
  afterAll(async () => {
    await link?.close();
  });

  it('takes its transaction with it, as a closed socket does: nothing leaks into the next request', async () => {
    const open = await link.pool.connect();
    await open.query('begin');
    await open.query('insert into discarded values (1)');
    open.release(new Error('discarded mid-transaction'));
    await link.pool.query('insert into discarded values (2)');
    // A later ROLLBACK (the next failing transaction's) must not take the autocommitted row with it.
    await link.pool.query('rollback');
    const aborted = await link.pool.connect();
    await aborted.query('begin');
    await aborted.query('select 1/0').catch(() => undefined);
    aborted.release(new Error('discarded in an aborted transaction'));
    expect((await link.pool.query('select v from discarded order by v')).rows).toEqual([{ v: 2 }]);
  });

  it('a named statement whose connection timed out while parsing it can be used again', async () => {
    await expect(
      link.pool.query({
        name: 'zx_slow',
        text: 'select pg_sleep(0.3) as v',
        query_timeout: 50,
      } as pg.QueryConfig),
    ).rejects.toThrow(/timeout/i);
    await new Promise((r) => setTimeout(r, 400));
    const again = await link.pool.query({ name: 'zx_slow', text: 'select pg_sleep(0.3) as v' });
    expect(again.rowCount).toBe(1);
  });

  it('a listener that throws neither hangs the database nor loses the query that carried the notification', async () => {
    const heard: string[] = [];
    const stopBad = await link.subscribe('zx_thread_bad', () => {
      throw new Error('a listener bug');
    });
    const stopGood = await link.subscribe('zx_thread_bad', (p) => heard.push(p));
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      await link.pool.query(`select pg_notify('zx_thread_bad', 'x')`);
    } finally {
      console.error = original;
    }
    expect(heard).toEqual(['x']);
    expect(String(errors[0])).toContain('a listener bug');
    expect((await link.pool.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    await stopBad();
    await stopGood();
  });
});

describe.skipIf(ENGINE !== 'pglite')('a data directory through the thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zx-pglite-thread-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was committed across a close and a reopen', async () => {
    const first = await openDatabase({ dataDir: dir });
    await first.exec(`create table kept (v text); insert into kept values ('政讯');`);
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    expect(await queryRows<{ v: string }>(second.db, sql`select v from kept`)).toEqual([{ v: '政讯' }]);
    await second.close();
  });

  it('an idle database does not keep a finished process alive', () => {
    // A command-line run that forgets to close would otherwise hang on the worker thread.
    const script = `
      import { openDatabase } from ${JSON.stringify(join(process.cwd(), 'src/server/db/client.ts'))};
      const d = await openDatabase({ dataDir: 'memory://' });
      const r = await d.db.execute('select 7 as v');
      console.log('answered', r.rows[0].v);
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out).toContain('answered 7');
  });
});
