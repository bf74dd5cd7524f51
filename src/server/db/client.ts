import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A database or an open transaction: use cases take this and never know which. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs raw multi-statement SQL (migrations). */
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens PostgreSQL when a URL is given, else the embedded PGlite in `dataDir` (or in memory when
 * `dataDir` is 'memory://').
 */
export async function openDatabase(opts: {
  url?: string | undefined;
  dataDir: string;
  /** PostgreSQL: every connection of the pool runs as this role (startup option `role`). */
  role?: string | undefined;
}): Promise<Database> {
  if (opts.url) {
    if (opts.role !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(opts.role))
      throw new Error(`invalid database role name: ${opts.role}`);
    // JIT off: our statements are short OLTP queries and index-driven reports, where JIT compilation costs
    // more than it saves (measured: 1.2 s of JIT inside one ledger query at province scale).
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: Number(process.env.ZX_DB_POOL_SIZE ?? 20),
      options: opts.role ? `-c jit=off -c role=${opts.role}` : '-c jit=off',
    });
    // An idle connection the server closes (restart, failover, admin shutdown) must not crash the process:
    // the pool drops it and opens a fresh one on the next query.
    pool.on('error', (err) => console.error(`PostgreSQL idle connection closed: ${err.message}`));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      exec: async (text) => {
        await pool.query(text);
      },
      close: () => pool.end(),
    };
  }
  let client: PGlite;
  if (opts.dataDir === 'memory://') client = new PGlite();
  else {
    mkdirSync(opts.dataDir, { recursive: true });
    client = new PGlite(`${opts.dataDir}/pgdata`);
  }
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    exec: async (text) => {
      await client.exec(text);
    },
    close: () => client.close(),
  };
}

/** Raw SQL returning rows, identical on PGlite and node-postgres (both answer `{ rows }`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
