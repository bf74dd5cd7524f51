/**
 * Probe (not part of the benchmark): does naming the hot load as a prepared statement help? Runs the
 * receive path's one-statement hop load inside a transaction, plain and via drizzle `.prepare(name)`,
 * alternating batches, on the bench run database. Prints the mean per transaction.
 */
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../../src/server/db/client.js';
import { hops, items } from '../../src/server/modules/items/schema.js';

const url = process.argv[2] ?? 'postgres://root@127.0.0.1:5432/zx_bench_province_20000_run';
const database = await openDatabase({ url, dataDir: '' });
const db = database.db;
const c = new pg.Client({ connectionString: url });
await c.connect();
const ids = (await c.query<{ id: string }>('select id from hops limit 200')).rows.map((r) => r.id);
await c.end();

const cols = {
  hop: hops,
  item: items,
  coReporterOrgIds: sql`coalesce((select json_agg(cr.org_id) from item_co_reporters cr where cr.item_id = items.id), '[]'::json)`,
  stages: sql`coalesce((select json_agg(json_build_object('position', s.position, 'role', s.role)) from hub_stages s where s.hub_id = hops.to_org_id), '[]'::json)`,
};
async function plain(id: string) {
  await db.transaction(async (tx) => {
    await tx
      .select(cols)
      .from(hops)
      .innerJoin(items, eq(items.id, hops.itemId))
      .where(eq(hops.id, id))
      .for('update', { of: hops });
  });
}
async function prepared(id: string) {
  await db.transaction(async (tx) => {
    await tx
      .select(cols)
      .from(hops)
      .innerJoin(items, eq(items.id, hops.itemId))
      .where(eq(hops.id, sql.placeholder('id')))
      .for('update', { of: hops })
      .prepare('probe_load_hop')
      .execute({ id });
  });
}
const totals = { plain: 0, prepared: 0 };
const n = { plain: 0, prepared: 0 };
for (let round = 0; round < 10; round++)
  for (const [name, f] of [
    ['plain', plain],
    ['prepared', prepared],
  ] as const) {
    const t = performance.now();
    for (const id of ids) await f(id);
    totals[name] += performance.now() - t;
    n[name] += ids.length;
  }
console.log(
  `per transaction (BEGIN, load, COMMIT): plain ${(totals.plain / n.plain).toFixed(3)} ms, prepared ${(totals.prepared / n.prepared).toFixed(3)} ms over ${n.plain} each`,
);
await database.close();
