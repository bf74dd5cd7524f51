/**
 * Where the benchmark's data lives. PostgreSQL: the data set is built once into a named database
 * (`zx_bench_province`, or `zx_bench_province_<items>` for another size, or the one `--database` names) that carries a size marker and is
 * reused while the marker matches; each run measures on a fresh copy (`…_run`, CREATE DATABASE … TEMPLATE),
 * so every run starts from the same rows and the built set is never worn down by the writes. PGlite: the
 * same with data directories (the built one copied for each run).
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';
import { hashPassword } from '../../src/server/modules/auth/passwords.js';
import {
  BENCH_PASSWORD,
  buildDataset,
  DATASET_VERSION,
  datasetSize,
  readMarker,
  type SqlRunner,
} from './dataset.js';

export function pgRunner(client: pg.Client): SqlRunner {
  return {
    exec: async (text) => {
      await client.query(text);
    },
    rows: async <T>(text: string) => (await client.query(text)).rows as T[],
  };
}

export function pgliteRunner(client: PGlite): SqlRunner {
  return {
    exec: async (text) => {
      await client.exec(text);
    },
    rows: async <T>(text: string) => (await client.query<T>(text)).rows,
  };
}

export function urlFor(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

async function databaseExists(base: string, name: string): Promise<boolean> {
  return withClient(base, async (c) => {
    const r = await c.query('select 1 from pg_database where datname = $1', [name]);
    return r.rowCount === 1;
  });
}

/**
 * Applies the product's migrations (the code under test may have added some since the set was built) and
 * answers the names applied.
 */
async function migrateUrl(url: string): Promise<string[]> {
  const database = await openDatabase({ url, dataDir: '' });
  try {
    return await migrate(database);
  } finally {
    await database.close();
  }
}

export interface PreparedDatabase {
  url: string;
  built: boolean;
  name: string;
}

/**
 * Makes sure the PostgreSQL data set of `items` exists (in `database`, default by size as above) (building it when missing, of another shape, or when
 * `rebuild`), then copies it to the run database and returns that database's URL.
 */
export async function preparePostgres(
  base: string,
  items: number,
  rebuild: boolean,
  log: (line: string) => void,
  database?: string,
): Promise<PreparedDatabase> {
  const name = database ?? (items === 1_000_000 ? 'zx_bench_province' : `zx_bench_province_${items}`);
  if (!/^[a-z_][a-z0-9_]{0,58}$/.test(name)) throw new Error(`database name ${name}: a-z, 0-9 and _ only`);
  const run = `${name}_run`;
  const admin = (text: string) => withClient(base, (c) => c.query(text));
  let built = false;
  let ok = false;
  if (!rebuild && (await databaseExists(base, name))) {
    const marker = await withClient(urlFor(base, name), (c) => readMarker(pgRunner(c)));
    ok = marker?.items === items && marker.version === DATASET_VERSION;
    log(
      ok
        ? `data set ${name}: reused (built ${marker!.built_at})`
        : `data set ${name}: marker ${JSON.stringify(marker)} does not match; rebuilding`,
    );
  }
  if (!ok) {
    await admin(`drop database if exists ${run} with (force)`);
    await admin(`drop database if exists ${name} with (force)`);
    await admin(`create database ${name}`);
    log(`data set ${name}: building ${items.toLocaleString('en')} items`);
    await migrateUrl(urlFor(base, name));
    const hash = await hashPassword(BENCH_PASSWORD);
    await withClient(urlFor(base, name), (c) => buildDataset(pgRunner(c), datasetSize(items), hash, log));
    built = true;
  }
  if (!built) {
    // Migrations added since the set was built run once on the set itself, followed by what autovacuum
    // would do in a deployment (a backfill rewrites rows: dead tuples and stale statistics otherwise mislead
    // the planner on every run copy).
    const applied = await migrateUrl(urlFor(base, name));
    if (applied.length) {
      const v = performance.now();
      await withClient(urlFor(base, name), (c) => c.query('vacuum analyze'));
      log(
        `data set ${name}: migrated (${applied.join(', ')}), vacuum analyze ${((performance.now() - v) / 1000).toFixed(1)} s`,
      );
    }
  }
  const t = performance.now();
  await admin(`drop database if exists ${run} with (force)`);
  await admin(`create database ${run} template ${name} strategy file_copy`);
  await migrateUrl(urlFor(base, run));
  log(`run database ${run}: copied in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { url: urlFor(base, run), built, name: run };
}

/** The PGlite counterpart: a built data directory reused by marker, copied to a run directory. */
export async function preparePglite(
  root: string,
  items: number,
  rebuild: boolean,
  log: (line: string) => void,
): Promise<{ dataDir: string; built: boolean }> {
  const builtDir = join(root, `pglite-${items}`);
  const runDir = join(root, `pglite-${items}-run`);
  let ok = false;
  if (!rebuild && existsSync(join(builtDir, 'pgdata'))) {
    const client = new PGlite(join(builtDir, 'pgdata'));
    await client.waitReady;
    const marker = await readMarker(pgliteRunner(client));
    await client.close();
    ok = marker?.items === items && marker.version === DATASET_VERSION;
    log(ok ? `PGlite data set ${builtDir}: reused` : `PGlite data set ${builtDir}: rebuilding`);
  }
  if (!ok) {
    rmSync(builtDir, { recursive: true, force: true });
    log(`PGlite data set ${builtDir}: building ${items.toLocaleString('en')} items`);
    const database = await openDatabase({ dataDir: builtDir });
    await migrate(database);
    await database.close();
    const client = new PGlite(join(builtDir, 'pgdata'));
    await client.waitReady;
    try {
      await buildDataset(pgliteRunner(client), datasetSize(items), await hashPassword(BENCH_PASSWORD), log);
    } finally {
      await client.close();
    }
  }
  rmSync(runDir, { recursive: true, force: true });
  cpSync(builtDir, runDir, { recursive: true });
  const database = await openDatabase({ dataDir: runDir });
  await migrate(database);
  await database.close();
  return { dataDir: runDir, built: !ok };
}
