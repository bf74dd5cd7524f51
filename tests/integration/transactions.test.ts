/**
 * Transactions as openDatabase runs them on both engines (db/client.ts beginWithFirstStatement: BEGIN is
 * written together with the first statement instead of awaited on its own). Whatever a use case does —
 * fail before any statement, fail on a statement, throw after writing, succeed, nest a savepoint — only
 * what committed is there, and no connection is lent again inside a transaction.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitWithNextStatement, queryRows } from '../../src/server/db/client.js';
import { ENGINE, testDatabase } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  database = await testDatabase();
  await database.exec('create table tx_probe (id serial primary key, tag text not null)');
});
afterAll(async () => {
  await database?.drop();
});

const tags = async () =>
  (await queryRows<{ tag: string }>(database.db, sql`select tag from tx_probe order by tag`)).map(
    (r) => r.tag,
  );

/** No connection sits idle inside a transaction (PostgreSQL; PGlite's one session is checked by using it). */
async function expectNoTransactionLeftOpen() {
  if (ENGINE !== 'postgres') return;
  const [open] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%'`,
  );
  expect(open!.n).toBe(0);
}

describe('transactions', () => {
  it('keep exactly what committed, whatever 40 concurrent ones do', async () => {
    const kinds = ['ok', 'throw-first', 'sql-error', 'throw-after-write'] as const;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => {
        const kind = kinds[i % kinds.length]!;
        return database.db.transaction(async (tx) => {
          if (kind === 'throw-first') throw new Error('before any statement');
          await tx.execute(sql`insert into tx_probe (tag) values (${`${kind}-${i}`})`);
          if (kind === 'sql-error') await tx.execute(sql`select 1 / 0`);
          if (kind === 'throw-after-write') throw new Error('after a write');
        });
      }),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    const kept = await tags();
    expect(kept).toHaveLength(10);
    expect(kept.every((t) => t.startsWith('ok-'))).toBe(true);
    await expectNoTransactionLeftOpen();
  });

  it('a transaction that runs no statement commits nothing and leaves the connection usable', async () => {
    await expect(database.db.transaction(async () => 'nothing')).resolves.toBe('nothing');
    const [row] = await queryRows<{ inside: boolean }>(
      database.db,
      sql`select now() = statement_timestamp() as inside`,
    );
    // Outside a transaction, now() is this statement's start: nothing was left open.
    expect(row!.inside).toBe(true);
  });

  it.skipIf(ENGINE !== 'postgres')(
    'a server ending the connection between two statements fails that transaction, not the process',
    async () => {
      await expect(
        database.db.transaction(async (tx) => {
          const [me] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
          await queryRows(database.db, sql`select pg_terminate_backend(${me!.pid})`);
          // The termination arrives while this client runs no query: an error event, not an answer.
          await new Promise((r) => setTimeout(r, 300));
          await tx.execute(sql`insert into tx_probe (tag) values ('after termination')`);
        }),
      ).rejects.toThrow();
      expect(await tags()).not.toContain('after termination');
    },
  );

  it('a statement marked last commits with it; failing, it takes everything before it back', async () => {
    await database.exec('truncate tx_probe');
    const kinds = ['last-only', 'last-ok', 'last-fails', 'throw-after-last', 'statement-after-last'] as const;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => {
        const kind = kinds[i % kinds.length]!;
        return database.db.transaction(async (tx) => {
          if (kind !== 'last-only')
            await tx.execute(sql`insert into tx_probe (tag) values (${`${kind}-${i}-a`})`);
          commitWithNextStatement(tx);
          if (kind === 'last-fails') await tx.execute(sql`insert into tx_probe (tag) values (null)`);
          else await tx.execute(sql`insert into tx_probe (tag) values (${`${kind}-${i}-b`})`);
          if (kind === 'throw-after-last') throw new Error('after the last statement');
          if (kind === 'statement-after-last') await tx.execute(sql`select 1`);
        });
      }),
    );
    const failures = outcomes.flatMap((o, i) =>
      o.status === 'rejected'
        ? [
            `${kinds[i % kinds.length]}: ${((o.reason as Error).cause as Error | undefined)?.message ?? (o.reason as Error).message}`,
          ]
        : [],
    );
    expect(failures.filter((f) => f.startsWith('last-fails'))).toHaveLength(8);
    expect(failures.filter((f) => f.startsWith('throw-after-last: after the last statement'))).toHaveLength(
      8,
    );
    expect(
      failures.filter((f) =>
        f.startsWith('statement-after-last: a statement after the transaction was committed'),
      ),
    ).toHaveLength(8);
    expect(failures).toHaveLength(24);
    const kept = await tags();
    // A failed last statement rolled back the row written before it; a last statement that succeeded
    // committed everything, whatever the use case did next (which is why only a use case that can no longer
    // fail marks one).
    expect(kept.filter((t) => t.startsWith('last-fails'))).toEqual([]);
    for (const kind of ['last-ok', 'throw-after-last', 'statement-after-last'])
      expect(kept.filter((t) => t.startsWith(`${kind}-`))).toHaveLength(16);
    expect(kept.filter((t) => t.startsWith('last-only-'))).toHaveLength(8);
    expect(kept).toHaveLength(56);
    await expectNoTransactionLeftOpen();
    // Every connection went back to the pool outside a transaction.
    const [row] = await queryRows<{ inside: boolean }>(
      database.db,
      sql`select now() = statement_timestamp() as inside`,
    );
    expect(row!.inside).toBe(true);
  });

  it('a marked statement the driver refuses before writing it takes everything before it back', async () => {
    await database.exec('truncate tx_probe');
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into tx_probe (tag) values ('before a refused statement')`);
        commitWithNextStatement(tx);
        // node-postgres cannot serialise a BigInt inside a JSON value: it refuses the statement unsent.
        await tx.execute(sql`select ${{ big: 1n }}::jsonb`);
      }),
    ).rejects.toThrow();
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into tx_probe (tag) values ('before a savepoint')`);
        commitWithNextStatement(tx);
        await tx.transaction(async (inner) => {
          await inner.execute(sql`insert into tx_probe (tag) values ('inside the savepoint')`);
        });
      }),
      // Refused before it is written (drizzle's attempt to roll back to the savepoint then fails too).
    ).rejects.toThrow();
    expect(await tags()).toEqual([]);
    await expectNoTransactionLeftOpen();
  });

  it('a savepoint rolled back inside keeps the outer transaction’s work', async () => {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into tx_probe (tag) values ('outer')`);
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute(sql`insert into tx_probe (tag) values ('inner')`);
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
    });
    const kept = await tags();
    expect(kept).toContain('outer');
    expect(kept).not.toContain('inner');
  });
});
