import { and, asc, inArray, like, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/client.js';
import { preparedByText } from '../../src/server/db/prepared.js';
import { orgs } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { ENGINE } from '../helpers/db.js';
import { buildOrg } from '../helpers/factories.js';

/**
 * The lists' statements (items/queries.ts) vary with their filters: each text runs as a named prepared
 * statement named by its digest. Whatever the filters, a call answers what the statement built afresh
 * answers, and on PostgreSQL one connection holds one statement per distinct text.
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

const page = preparedByText('zx_test_orgs');
function query(db: Db, f: { ids: string[]; name?: string }) {
  const where: SQL[] = [inArray(orgs.id, f.ids)];
  if (f.name) where.push(like(orgs.name, f.name));
  return db
    .select({ id: orgs.id, name: orgs.name, upper: sql<string>`upper(${orgs.name})` })
    .from(orgs)
    .where(and(...where))
    .orderBy(asc(orgs.name));
}

describe('statements prepared by their text', () => {
  it('answers as the statement built afresh, for every filter combination, called again and again', async () => {
    await t.app.database.db.transaction(async (tx) => {
      const shapes = [
        { ids: ids.slice(0, 1) },
        { ids },
        { ids, name: '乙%' },
        { ids: ids.slice(1), name: '%县政府办' },
        { ids: [ids[2]!] },
      ];
      // Seven rounds: past the five runs after which PostgreSQL may switch to a generic plan.
      for (let round = 0; round < 7; round++)
        for (const f of shapes) expect(await page(tx, query(tx, f))).toEqual(await query(tx, f));
      const only = await page(tx, query(tx, { ids, name: '乙%' }));
      expect(only.map((r) => r.id)).toEqual([ids[1]]);
      expect(only[0]!.upper).toBe(only[0]!.name.toUpperCase());
      if (ENGINE === 'postgres') {
        const rows = await tx.execute(
          sql`select count(*)::int as n from pg_prepared_statements where name like 'zx_test_orgs_%'`,
        );
        // Five shapes, four distinct texts (one unit and another unit read alike).
        expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(4);
      }
    });
  });

  it('a refused filter value is a query error, not a broken statement for the next caller', async () => {
    await expect(
      t.app.database.db.transaction(async (tx) => {
        await page(tx, query(tx, { ids: ['not-a-uuid'] }));
      }),
    ).rejects.toThrow();
    expect(await page(t.app.database.db, query(t.app.database.db, { ids: ids.slice(0, 1) }))).toHaveLength(1);
  });
});
