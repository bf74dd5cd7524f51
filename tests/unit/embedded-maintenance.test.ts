import { describe, expect, it } from 'vitest';
import { dueMaintenance, dueTables, type TableActivity } from '../../src/server/db/maintenance.js';

const table = (over: Partial<TableActivity>): TableActivity => ({
  table: 'public.t',
  rows: 0,
  dead: 0,
  modifiedSinceAnalyze: 0,
  insertedSinceVacuum: 0,
  ...over,
});

describe('dueMaintenance: autovacuum’s rule with PostgreSQL’s default thresholds', () => {
  it('vacuums past 50 + 20% dead rows, not at the threshold', () => {
    expect(dueMaintenance(table({ rows: 1000, dead: 250 })).vacuum).toBe(false);
    expect(dueMaintenance(table({ rows: 1000, dead: 251 })).vacuum).toBe(true);
    expect(dueMaintenance(table({ rows: 0, dead: 50 })).vacuum).toBe(false);
    expect(dueMaintenance(table({ rows: 0, dead: 51 })).vacuum).toBe(true);
  });

  it('vacuums an insert-only table past 1,000 + 20% inserts (keeps the visibility map current)', () => {
    expect(dueMaintenance(table({ rows: 10_000, insertedSinceVacuum: 3000 })).vacuum).toBe(false);
    expect(dueMaintenance(table({ rows: 10_000, insertedSinceVacuum: 3001 })).vacuum).toBe(true);
  });

  it('analyzes past 50 + 10% changes since the last analyze', () => {
    expect(dueMaintenance(table({ rows: 1000, modifiedSinceAnalyze: 150 })).analyze).toBe(false);
    const due = dueMaintenance(table({ rows: 1000, modifiedSinceAnalyze: 151 }));
    expect(due).toMatchObject({ analyze: true, vacuum: false });
  });

  it('a never-counted table (rows −1) is judged on the thresholds alone', () => {
    expect(dueMaintenance(table({ rows: -1, modifiedSinceAnalyze: 51 })).analyze).toBe(true);
  });

  it('an idle table is due for nothing', () => {
    expect(dueMaintenance(table({ rows: 5000 }))).toEqual({ vacuum: false, analyze: false, urgency: 0 });
  });
});

describe('dueTables', () => {
  it('lists only the tables due, most overdue first', () => {
    const tables = [
      table({ table: 'public.idle', rows: 100 }),
      table({ table: 'public.some', rows: 1000, dead: 300 }),
      table({ table: 'public.many', rows: 1000, dead: 900 }),
      table({ table: 'public.stats', rows: 1000, modifiedSinceAnalyze: 200 }),
    ];
    expect(dueTables(tables).map((t) => [t.table, t.vacuum, t.analyze])).toEqual([
      ['public.many', true, false],
      ['public.stats', false, true],
      ['public.some', true, false],
    ]);
  });
});
