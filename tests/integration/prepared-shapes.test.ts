import { and, asc, inArray, like, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/client.js';
import { preparedShapes } from '../../src/server/db/prepared.js';
import { orgs } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { ENGINE } from '../helpers/db.js';
import { buildOrg } from '../helpers/factories.js';

/**
 * The lists' statements (items/queries.ts) vary with their shape — which filters, how many ids — and run
 * as one named prepared statement per shape with every value a placeholder. Whatever the filters, a call
 * answers what the statement built afresh with the values answers, and on PostgreSQL one connection holds
 * one statement per shape.
 */
let t: TestApp;
const ids: string[] = [];
beforeAll(async () => {
  t = await buildTestApp();
  for (const n of ['甲', '乙', '丙'])
    ids.push(
      await buildOrg(t.app.database.db, {
        name: `${n}县政府办`,
        parentId: null,
        level: 'county',
        isHub: true,
      }),
    );
});
afterAll(async () => t.close());

interface Shape {
  ids: number;
  name: boolean;
}

const select = (db: Db, where: SQL[]) =>
  db
    .select({ id: orgs.id, name: orgs.name, upper: sql<string>`upper(${orgs.name})` })
    .from(orgs)
    .where(and(...where))
    .orderBy(asc(orgs.name));

const page = preparedShapes('zx_test_orgs', (db, s: Shape) => {
  const where: SQL[] = [
    inArray(
      orgs.id,
      Array.from({ length: s.ids }, (_, i) => sql.placeholder(`id${i}`)),
    ),
  ];
  if (s.name) where.push(like(orgs.name, sql.placeholder('name')));
  return select(db, where);
});

function run(db: Db, f: { ids: string[]; name?: string }) {
  return page(
    db,
    { ids: f.ids.length, name: f.name !== undefined },
    { ...Object.fromEntries(f.ids.map((id, i) => [`id${i}`, id])), name: f.name },
  );
}

function afresh(db: Db, f: { ids: string[]; name?: string }) {
  const where: SQL[] = [inArray(orgs.id, f.ids)];
  if (f.name) where.push(like(orgs.name, f.name));
  return select(db, where);
}

describe('statements prepared per shape', () => {
  it('answer as the statement built afresh, for every filter combination, called again and again', async () => {
    await t.app.database.db.transaction(async (tx) => {
      const filters = [
        { ids: ids.slice(0, 1) },
        { ids },
        { ids, name: '乙%' },
        { ids: ids.slice(1), name: '%县政府办%' },
        { ids: [ids[2]!] },
      ];
      // Seven rounds: past the five runs after which PostgreSQL may switch to a generic plan.
      for (let round = 0; round < 7; round++)
        for (const f of filters) expect(await run(tx, f)).toEqual(await afresh(tx, f));
      const only = await run(tx, { ids, name: '乙%' });
      expect(only.map((r) => r.id)).toEqual([ids[1]]);
      expect(only[0]!.upper).toBe(only[0]!.name.toUpperCase());
      if (ENGINE === 'postgres') {
        const rows = await tx.execute(
          sql`select count(*)::int as n from pg_prepared_statements where name like 'zx_test_orgs_%'`,
        );
        // Five filters, four shapes (one unit and another unit are the same shape).
        expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(4);
      }
    });
  });

  it('a refused value is a query error, not a broken statement for the next caller', async () => {
    await expect(
      t.app.database.db.transaction(async (tx) => {
        await run(tx, { ids: ['not-a-uuid'] });
      }),
    ).rejects.toThrow();
    expect(await run(t.app.database.db, { ids: ids.slice(0, 1) })).toHaveLength(1);
  });
});
