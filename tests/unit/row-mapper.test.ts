import * as drizzleOrm from 'drizzle-orm';
import { Column, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { compileRowMapper } from '../../src/server/db/prepared.js';

/**
 * The prepared statements' row mapper (db/prepared.ts compileRowMapper) answers what drizzle's own
 * mapResultRow answers, row for row, for every shape of selection the server uses: flat columns and SQL
 * with decoders, nested objects, inner and left joins, and every pattern of nulls a left join produces.
 */
const a = pgTable('rm_a', {
  id: uuid('id').primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  n: integer('n'),
  doc: jsonb('doc'),
  flag: boolean('flag'),
});
const b = pgTable('rm_b', {
  id: uuid('id').primaryKey(),
  aId: uuid('a_id'),
  name: text('name'),
  seen: timestamp('seen', { withTimezone: true, mode: 'string' }),
});
const c = pgTable('rm_c', { id: uuid('id').primaryKey(), bId: uuid('b_id'), label: text('label') });

const db = drizzle.mock();

/** Drizzle's own mapper: exported by drizzle-orm at run time, left out of its type declarations. */
const { mapResultRow } = drizzleOrm as unknown as {
  mapResultRow(
    fields: Internals['fields'],
    row: unknown[],
    joinsNotNullableMap: Record<string, boolean> | undefined,
  ): Record<string, unknown>;
};

interface Internals {
  fields: { path: string[]; field: unknown }[];
  joinsNotNullableMap?: Record<string, boolean>;
}

const internals = (q: { prepare(name: string): unknown }) => q.prepare('rm') as unknown as Internals;

/** A driver value the field's decoder accepts. */
function rawFor(field: unknown, i: number): unknown {
  if (field instanceof Column)
    switch (field.columnType) {
      case 'PgTimestamp':
        return `2026-0${(i % 9) + 1}-1${i % 10} 0${i % 10}:30:00.${i}+00`;
      case 'PgTimestampString':
        return `2026-11-2${i % 10} 08:00:00+08`;
      case 'PgInteger':
        return i * 7;
      case 'PgJsonb':
        return { k: i, list: [i, '字'] };
      case 'PgBoolean':
        return i % 2 === 0;
      default:
        return `值${i}`;
    }
  return String(i * 3);
}

/** Every pattern of nulls over the columns (2^n for few columns), else a few thousand random ones. */
function rowsFor(fields: Internals['fields']): unknown[][] {
  const n = fields.length;
  const patterns = n <= 12 ? Array.from({ length: 1 << n }, (_, m) => m) : [];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xffff) / 0x10000;
  const masks: boolean[][] = patterns.length
    ? patterns.map((m) => fields.map((_, i) => ((m >> i) & 1) === 1))
    : Array.from({ length: 4000 }, () => fields.map(() => random() < 0.4));
  // Whole joined objects null, as a left join answers them.
  for (const prefix of new Set(fields.filter((f) => f.path.length > 1).map((f) => f.path[0]!)))
    masks.push(fields.map((f) => f.path[0] === prefix));
  return masks.map((nulls, r) => fields.map((f, i) => (nulls[i] ? null : rawFor(f.field, r + i))));
}

const shapes: Record<string, { prepare(name: string): unknown }> = {
  'flat columns and SQL with decoders': db
    .select({
      id: a.id,
      at: a.at,
      n: a.n,
      doc: a.doc,
      flag: a.flag,
      count: sql<number>`count(*)`.mapWith(Number),
      label: sql<string>`'x'`,
      aliased: sql<number>`1`.mapWith(Number).as('aliased'),
    })
    .from(a),
  'flat columns of an inner and a left join': db
    .select({ id: a.id, name: b.name, seen: b.seen, label: c.label })
    .from(a)
    .innerJoin(b, eq(b.aId, a.id))
    .leftJoin(c, eq(c.bId, b.id)),
  'whole tables of an inner join': db.select().from(a).innerJoin(b, eq(b.aId, a.id)),
  'whole tables of a left join': db.select().from(a).leftJoin(b, eq(b.aId, a.id)),
  'two left joins, nested partial objects': db
    .select({
      a: { id: a.id, at: a.at },
      b: { id: b.id, name: b.name },
      c: { label: c.label, n: sql<number>`2`.mapWith(Number) },
    })
    .from(a)
    .leftJoin(b, eq(b.aId, a.id))
    .leftJoin(c, eq(c.bId, b.id)),
  'an object mixing two tables': db
    .select({ mixed: { id: a.id, name: b.name, label: c.label } })
    .from(a)
    .leftJoin(b, eq(b.aId, a.id))
    .leftJoin(c, eq(c.bId, b.id)),
};

describe('compileRowMapper', () => {
  for (const [name, query] of Object.entries(shapes))
    it(`maps as drizzle's mapResultRow: ${name}`, () => {
      const { fields, joinsNotNullableMap } = internals(query);
      const rows = rowsFor(fields);
      const expected = rows.map((row) => mapResultRow(fields, row, joinsNotNullableMap));
      expect(compileRowMapper(fields, joinsNotNullableMap)(rows)).toEqual(expected);
    });

  it('keeps Date objects, decoded numbers and nulls as drizzle does', () => {
    const { fields, joinsNotNullableMap } = internals(shapes['flat columns and SQL with decoders']!);
    const [row] = compileRowMapper(
      fields,
      joinsNotNullableMap,
    )([['id', '2026-11-27 08:00:00+00', null, { k: 1 }, true, '12', 'x', '1']]);
    expect(row).toEqual({
      id: 'id',
      at: new Date('2026-11-27T08:00:00Z'),
      n: null,
      doc: { k: 1 },
      flag: true,
      count: 12,
      label: 'x',
      aliased: 1,
    });
  });
});
