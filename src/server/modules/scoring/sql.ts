/**
 * The statistics SQL lives in sql/*.sql, checked in and reviewed as SQL. Files are read once at start;
 * `{{name}}` includes another file (static text), `:name` is a bound parameter. Values are never
 * spliced into the text: every `:name` becomes a placeholder ($1, $2 …) of the driver.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { preparedSql } from '../../db/prepared.js';
import { PROJECT_ROOT } from '../../paths.js';

/** Next to this module (src/ or dist/server/), else the checked-in copy (the one-file server bundle). */
const BESIDE = fileURLToPath(new URL('./sql/', import.meta.url));
const DIR = existsSync(BESIDE) ? BESIDE : join(PROJECT_ROOT, 'src/server/modules/scoring/sql/');
const PARAM = /(?<!:):([A-Za-z_][A-Za-z0-9_]*)/g;

interface Compiled {
  text: string[];
  params: string[];
}

function expand(name: string, files: ReadonlyMap<string, string>, depth = 0): string {
  const text = files.get(name);
  if (text === undefined || depth > 3) throw new Error(`sql file ${name}.sql missing or includes too deep`);
  return text.replace(/\{\{([a-z0-9-]+)\}\}/g, (_, inc: string) => expand(inc, files, depth + 1));
}

function compile(text: string): Compiled {
  const parts: string[] = [];
  const params: string[] = [];
  let last = 0;
  for (const m of text.matchAll(PARAM)) {
    parts.push(text.slice(last, m.index));
    params.push(m[1]!);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return { text: parts, params };
}

const files = new Map(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => [f.slice(0, -4), readFileSync(DIR + f, 'utf8').replace(/^--.*$/gm, '')] as const),
);
const compiled = new Map([...files.keys()].map((name) => [name, compile(expand(name, files))]));

export type SqlName =
  | 'evaluated-unit-ids'
  | 'evaluators-of'
  | 'counting-rule-sets'
  | 'counting-rule-sets-for-instruction'
  | 'ancestors'
  | 'adoption-rows-by-id'
  | 'adopt-facts'
  | 'adoption-rows-by-periodical'
  | 'hop-parents'
  | 'instruction-facts'
  | 'ledger-update'
  | 'unit-stats'
  | 'unit-stats-source'
  | 'aggregates-check'
  | 'adopted-titles'
  | 'rewards';

type Param = string | number | boolean | null;

/** The named query with its parameters bound; a missing parameter is a programming error. */
export function namedQuery(name: SqlName, params: Record<string, Param>): SQL {
  const c = compiled.get(name);
  if (!c) throw new Error(`unknown sql ${name}`);
  const chunks: SQL[] = [];
  c.text.forEach((t, i) => {
    chunks.push(sql.raw(t));
    const p = c.params[i];
    if (p === undefined) return;
    if (!(p in params)) throw new Error(`sql ${name}: parameter :${p} not given`);
    chunks.push(sql`${params[p]}`);
  });
  return sql.join(chunks);
}

export function runNamed<T>(db: Db, name: SqlName, params: Record<string, Param>): Promise<T[]> {
  return queryRows<T>(db, namedQuery(name, params));
}

const prepared = new Map<SqlName, (db: Db, values: Record<string, unknown>) => Promise<unknown[]>>();

/**
 * The named query as a named prepared statement (db/prepared.ts): its text is built once and PostgreSQL
 * parses it once per connection, and after five runs may keep a generic plan instead of planning again.
 * For large statements whose planning costs more than their run: the adoption's facts (planning that
 * recursive statement cost 5–6 ms of every adoption, twice its run time), the units a hub evaluates, the
 * statistics of a ranking or notice (8–20 ms to plan).
 */
export function runPrepared<T>(db: Db, name: SqlName, params: Record<string, Param>): Promise<T[]> {
  const c = compiled.get(name);
  if (!c) throw new Error(`unknown sql ${name}`);
  for (const p of c.params) if (!(p in params)) throw new Error(`sql ${name}: parameter :${p} not given`);
  let run = prepared.get(name);
  if (!run) {
    const chunks: SQL[] = [];
    c.text.forEach((t, i) => {
      chunks.push(sql.raw(t));
      const p = c.params[i];
      if (p !== undefined) chunks.push(sql`${sql.placeholder(p)}`);
    });
    run = preparedSql<unknown>(`zx_sql_${name.replaceAll('-', '_')}`, sql.join(chunks));
    prepared.set(name, run);
  }
  return run(db, params) as Promise<T[]>;
}

/** The text of a named query with its includes, for review, EXPLAIN and the benchmark. */
export function sqlText(name: SqlName): string {
  return expand(name, files);
}
