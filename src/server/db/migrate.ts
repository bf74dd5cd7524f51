import { readdirSync, readFileSync } from 'node:fs';
import { MIGRATIONS_DIR } from '../paths.js';
import { sql } from 'drizzle-orm';
import { getCrypto } from '../crypto/current.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { queryRows, type Database } from './client.js';
import { DATA_STEPS, dataStepOf } from './data-steps.js';
import { notifyEverythingChanged } from './cache-channels.js';

/**
 * Applies the committed SQL migrations in `drizzle/` in file-name order, each once, each in its own
 * transaction, under an advisory lock so that several instances starting together do not race. A
 * statement `-- zx:data-step <name>` runs that data step (data-steps.ts) with the process's crypto
 * provider, which must be set (setCrypto) before migrating.
 * `stopBefore` (tests of a data step): applies only the files before the first one it accepts.
 */
export async function migrate(
  database: Database,
  opts: { crypto?: CryptoProvider; stopBefore?: (file: string, text: string) => boolean } = {},
): Promise<string[]> {
  const all = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const stop = opts.stopBefore
    ? all.findIndex((f) => opts.stopBefore!(f, readFileSync(MIGRATIONS_DIR + f, 'utf8')))
    : -1;
  const files = stop >= 0 ? all.slice(0, stop) : all;
  await database.exec(
    'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
  );
  const applied: string[] = [];
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(762831)`);
    const done = await queryRows<{ name: string }>(tx, sql`select name from schema_migrations`);
    const have = new Set(done.map((r) => r.name));
    for (const file of files) {
      if (have.has(file)) continue;
      const text = readFileSync(MIGRATIONS_DIR + file, 'utf8');
      for (const statement of text.split('--> statement-breakpoint')) {
        const step = dataStepOf(statement);
        if (step) {
          const run = DATA_STEPS[step];
          if (!run) throw new Error(`${file}: unknown data step ${step}`);
          await run(tx, opts.crypto ?? getCrypto());
          continue;
        }
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(sql`insert into schema_migrations (name) values (${file})`);
      applied.push(file);
    }
    // Running instances (a rolling upgrade) may hold answers the migrations' changes made stale.
    if (applied.length) await notifyEverythingChanged(tx);
  });
  return applied;
}
