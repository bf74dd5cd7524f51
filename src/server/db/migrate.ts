import { readdirSync, readFileSync } from 'node:fs';
import { MIGRATIONS_DIR } from '../paths.js';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from './client.js';

/**
 * Applies the committed SQL migrations in `drizzle/` in file-name order, each once, each in its own
 * transaction, under an advisory lock so that several instances starting together do not race.
 */
export async function migrate(database: Database): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
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
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(sql`insert into schema_migrations (name) values (${file})`);
      applied.push(file);
    }
  });
  return applied;
}
