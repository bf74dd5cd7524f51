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
  | 'adoption-insert'
  | 'adoption-rows-by-periodical'
  | 'hop-parents'
  | 'instruction-facts'
  | 'ledger-update'
  | 'unit-figures'
  | 'unit-stats-source'
  | 'aggregates-check'
  | 'notice-snapshot'
  | 'rewards';

type Param = string | number | boolean | null;

function compiledOf(name: SqlName): Compiled {
  const c = compiled.get(name);
  if (!c) throw new Error(`unknown sql ${name}`);
  return c;
}

/** A missing parameter is a programming error, caught before anything reaches the database. */
function checkParams(name: SqlName, c: Compiled, params: Record<string, Param>): void {
  for (const p of c.params) if (!(p in params)) throw new Error(`sql ${name}: parameter :${p} not given`);
}

/** The query's text with each `:name` replaced by what `bind` makes of it (a value or a placeholder). */
function joinChunks(c: Compiled, bind: (param: string) => SQL): SQL {
  const chunks: SQL[] = [];
  c.text.forEach((t, i) => {
    chunks.push(sql.raw(t));
    const p = c.params[i];
    if (p !== undefined) chunks.push(bind(p));
  });
  return sql.join(chunks);
}

/** The named query with its parameters bound. */
export function namedQuery(name: SqlName, params: Record<string, Param>): SQL {
  const c = compiledOf(name);
  checkParams(name, c, params);
  return joinChunks(c, (p) => sql`${params[p]}`);
}

export function runNamed<T>(db: Db, name: SqlName, params: Record<string, Param>): Promise<T[]> {
  return queryRows<T>(db, namedQuery(name, params));
}

const prepared = new Map<SqlName, (db: Db, values: Record<string, unknown>) => Promise<unknown[]>>();

/**
 * The named query as a named prepared statement (db/prepared.ts): its text is built once and PostgreSQL
 * parses it once per connection, and after five runs may keep a generic plan instead of planning again.
 * For statements whose generic plan was measured on the 1M-item province to be as good as the custom one
 * or better: the adoption's facts (planning that recursive statement cost 5–6 ms of every adoption, twice
 * its run time), the units a hub evaluates, the statistics of a ranking or notice (use-cases/stats.ts).
 */
export function runPrepared<T>(db: Db, name: SqlName, params: Record<string, Param>): Promise<T[]> {
  const c = compiledOf(name);
  checkParams(name, c, params);
  let run = prepared.get(name);
  if (!run) {
    run = preparedSql<unknown>(
      `zx_sql_${name.replaceAll('-', '_')}`,
      joinChunks(c, (p) => sql`${sql.placeholder(p)}`),
    );
    prepared.set(name, run);
  }
  return run(db, params) as Promise<T[]>;
}

/**
 * A named fragment (not a whole statement) with every `:name` a placeholder, for a statement built
 * elsewhere that fills them by name: the CTEs an adoption adds to its transition's statement.
 */
export function namedFragment(name: SqlName): SQL {
  return joinChunks(compiledOf(name), (p) => sql`${sql.placeholder(p)}`);
}

/** The text of a named query with its includes, for review, EXPLAIN and the benchmark. */
export function sqlText(name: SqlName): string {
  return expand(name, files);
}
