/**
 * The embedded database's autovacuum (db/maintenance.ts): PGlite has no background workers, so the server
 * vacuums and analyzes by autovacuum's rule. Checked on PGlite, where it runs (PostgreSQL's own autovacuum
 * would race the assertions there).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { maintainEmbedded } from '../../src/server/db/maintenance.js';
import { ENGINE, testDatabase } from '../helpers/db.js';

let database: Awaited<ReturnType<typeof testDatabase>>;

interface Stat {
  inserted: number;
  dead: number;
  vacuumed: boolean;
  analyzed: boolean;
}

const probe = async (): Promise<Stat> => {
  const [row] = await queryRows<Stat>(
    database.db,
    sql`select n_tup_ins::int as inserted, n_dead_tup::int as dead, last_vacuum is not null as vacuumed, last_analyze is not null as analyzed
          from pg_stat_user_tables where relname = 'maint_probe'`,
  );
  return row!;
};

describe.skipIf(ENGINE !== 'pglite')('embedded database maintenance', () => {
  beforeAll(async () => {
    database = await testDatabase();
    await database.exec(`create table maint_probe (id int primary key, v int not null);
      insert into maint_probe select g, 0 from generate_series(1, 5000) g`);
    // Whatever the migrations left due is done first: the assertions below are about this table's run.
    await maintainEmbedded(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('vacuums and analyzes a table once its dead rows pass autovacuum’s threshold, and only then', async () => {
    // Counted inserts flushed after the VACUUM would count as inserted since it: wait for them first.
    await waitForStats((s) => s.inserted >= 5000);
    await database.exec('vacuum (analyze) maint_probe');
    // 200 dead rows: under 50 + 20% of 5,000.
    await database.exec('update maint_probe set v = 1 where id <= 200');
    await waitForStats((s) => s.dead >= 200);
    expect((await maintainEmbedded(database)).map((d) => d.table)).not.toContain('public.maint_probe');

    await database.exec('update maint_probe set v = 2 where id <= 3000');
    // The statistics reach the shared counters at most once a second.
    await waitForStats((s) => s.dead >= 3000);
    const runs = await maintainEmbedded(database);
    expect(runs.find((d) => d.table === 'public.maint_probe')).toMatchObject({
      vacuumed: true,
      analyzed: true,
    });
    expect(await probe()).toMatchObject({ dead: 0, vacuumed: true, analyzed: true });
    expect((await maintainEmbedded(database)).map((d) => d.table)).not.toContain('public.maint_probe');
  });

  it('requests arriving during a run wait for the one session and all succeed', async () => {
    await database.exec('update maint_probe set v = 3');
    await waitForStats((s) => s.dead >= 5000);
    const [runs, ...writes] = await Promise.all([
      maintainEmbedded(database),
      ...Array.from({ length: 20 }, (_, i) =>
        database.db.transaction(async (tx) => {
          await tx.execute(sql`update maint_probe set v = v + 1 where id = ${i + 1}`);
          return i;
        }),
      ),
    ]);
    expect(runs.map((d) => d.table)).toContain('public.maint_probe');
    expect(writes).toHaveLength(20);
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from maint_probe where v = 4`,
    );
    expect(row!.n).toBe(20);
  });
});

async function waitForStats(ready: (s: Stat) => boolean): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (ready(await probe())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`statistics never showed the change: ${JSON.stringify(await probe())}`);
}
