/**
 * Autovacuum's work for the embedded database. PGlite is PostgreSQL in one process without background
 * workers: nothing ever vacuums or analyzes its tables. Left alone, a unit's database that runs for a year
 * keeps every dead row version the workflow's updates leave (hops and items move through their states, the
 * statistics buckets are upserted on every adoption) and plans every query from the statistics of the day
 * its tables were small. So the server does what autovacuum would, with autovacuum's own rule (PostgreSQL's
 * default thresholds): a table is vacuumed when its dead rows pass 50 + 20% of its rows, or its inserts
 * since the last vacuum pass 1,000 + 20% (that keeps the visibility map, and so index-only scans, current),
 * and analyzed when its changes since the last analyze pass 50 + 10%.
 *
 * PGlite has one session: a VACUUM holds every request while it runs, as any statement does. A run
 * therefore handles the due tables one statement each, most overdue first, and requests waiting for the
 * session go between them; tables are vacuumed while their dead rows are still a fifth of them, so each
 * statement is short. On PostgreSQL this never runs: its autovacuum does the work.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from './client.js';

/** What the cumulative statistics say of one table, as autovacuum reads it. */
export interface TableActivity {
  /** The table as an SQL identifier (schema-qualified, quoted where needed: from `format('%I.%I')`). */
  table: string;
  /** Rows as the last vacuum or analyze counted them (`pg_class.reltuples`; never counted: 0). */
  rows: number;
  dead: number;
  modifiedSinceAnalyze: number;
  insertedSinceVacuum: number;
}

/** PostgreSQL's defaults for autovacuum's thresholds (postgresql.conf: autovacuum_*). */
export const AUTOVACUUM_DEFAULTS = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  insertThreshold: 1000,
  insertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
} as const;

export interface Due {
  vacuum: boolean;
  analyze: boolean;
  /** How far past its threshold the table is (the largest of the three ratios); above 1 when due. */
  urgency: number;
}

/** Autovacuum's decision for one table (pure). */
export function dueMaintenance(t: TableActivity, s: typeof AUTOVACUUM_DEFAULTS = AUTOVACUUM_DEFAULTS): Due {
  const rows = Math.max(t.rows, 0);
  const vacuumBy = t.dead / (s.vacuumThreshold + s.vacuumScaleFactor * rows);
  const insertBy = t.insertedSinceVacuum / (s.insertThreshold + s.insertScaleFactor * rows);
  const analyzeBy = t.modifiedSinceAnalyze / (s.analyzeThreshold + s.analyzeScaleFactor * rows);
  return {
    vacuum: vacuumBy > 1 || insertBy > 1,
    analyze: analyzeBy > 1,
    urgency: Math.max(vacuumBy, insertBy, analyzeBy),
  };
}

/** The tables due, most overdue first. */
export function dueTables(tables: readonly TableActivity[]): (TableActivity & Due)[] {
  return tables
    .map((t) => ({ ...t, ...dueMaintenance(t) }))
    .filter((t) => t.vacuum || t.analyze)
    .sort((a, b) => b.urgency - a.urgency || a.table.localeCompare(b.table));
}

export interface MaintenanceDone {
  table: string;
  vacuumed: boolean;
  analyzed: boolean;
  ms: number;
}

/** One run: reads every table's activity, then vacuums and/or analyzes each table due. Returns what it did. */
export async function maintainEmbedded(database: Database): Promise<MaintenanceDone[]> {
  const tables = await queryRows<TableActivity>(
    database.db,
    sql`select format('%I.%I', s.schemaname, s.relname) as "table",
               greatest(c.reltuples, 0)::float8 as "rows",
               s.n_dead_tup::float8 as "dead",
               s.n_mod_since_analyze::float8 as "modifiedSinceAnalyze",
               s.n_ins_since_vacuum::float8 as "insertedSinceVacuum"
          from pg_stat_user_tables s join pg_class c on c.oid = s.relid`,
  );
  const done: MaintenanceDone[] = [];
  for (const t of dueTables(tables)) {
    const started = performance.now();
    // VACUUM cannot run in a transaction: a statement of its own on the pool (the one session, in turn).
    // The identifier comes from the catalog through format('%I'), never from input.
    await database.exec(t.vacuum ? `vacuum (analyze) ${t.table}` : `analyze ${t.table}`);
    // VACUUM (ANALYZE) analyzes whether or not the analyze threshold was passed.
    done.push({ table: t.table, vacuumed: t.vacuum, analyzed: true, ms: performance.now() - started });
  }
  return done;
}
