import { readdirSync } from 'node:fs';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { namedQuery, sqlText, type SqlName } from '../../src/server/modules/scoring/sql.js';

const dialect = new PgDialect();
const NAMES = readdirSync(new URL('../../src/server/modules/scoring/sql/', import.meta.url))
  // Fragments are included into other files (`{{name}}`) and checked there, not run on their own.
  .filter((f) => f.endsWith('.sql') && !['evaluated-units.sql', 'adoption-columns.sql'].includes(f))
  .map((f) => f.slice(0, -4) as SqlName);

/** Every `:name` of a file, with the value "x" (type does not matter for compiling). */
function params(name: SqlName): Record<string, string> {
  const text = sqlText(name).replace(/^--.*$/gm, '');
  return Object.fromEntries([...text.matchAll(/(?<!:):([A-Za-z_]\w*)/g)].map((m) => [m[1]!, 'x']));
}

describe('checked-in statistics SQL', () => {
  it.each(NAMES)('%s binds every value as a placeholder and keeps casts', (name) => {
    const q = dialect.sqlToQuery(namedQuery(name, params(name)));
    expect(q.sql).not.toMatch(/(?<!:):[A-Za-z_]\w*(?!\w)/);
    expect(q.sql).not.toContain('{{');
    expect(q.params.every((p) => p === 'x')).toBe(true);
    // Every statistics query is bound to a hub or a period, except the whole-table consistency check.
    if (name !== 'aggregates-check') expect(q.params.length).toBeGreaterThan(0);
    else expect(q.params).toEqual([]);
  });

  it('a value is never spliced into the text', () => {
    const evil = "'; drop table orgs; --";
    const q = dialect.sqlToQuery(namedQuery('ancestors', { orgId: evil }));
    expect(q.sql).not.toContain('drop table');
    expect(q.params).toEqual([evil]);
    expect(q.sql).toContain('$1::uuid');
  });

  it('refuses a missing parameter', () => {
    expect(() => namedQuery('ancestors', {})).toThrow(/orgId/);
  });

  it('the ranking query includes no other definition of the evaluated units than evaluated-units.sql', () => {
    expect(sqlText('evaluated-unit-ids')).toContain(
      sqlText('evaluated-units' as SqlName)
        .trim()
        .split('\n')
        .at(-1)!,
    );
    expect(sqlText('rewards')).toContain('direct_report_points');
  });
});
