import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';

/** Which engine this run tests: the test script runs the integration suite once per engine. */
export const ENGINE: 'pglite' | 'postgres' =
  process.env.ZX_TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new database on the
 * PostgreSQL server of TEST_DATABASE_URL (dropped again by `drop`). Files never share data, so they run
 * in parallel and never truncate.
 */
export async function testDatabase(
  /** Migration options (a data step's test stops before its migration, then migrates the rest itself). */
  migrateOpts: Parameters<typeof migrate>[1] = {},
): Promise<Database & { drop(): Promise<void>; url?: string }> {
  if (ENGINE === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrate(database, migrateOpts);
    return { ...database, drop: () => database.close() };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('ZX_TEST_ENGINE=postgres needs TEST_DATABASE_URL');
  const name = `zx_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), dataDir: '' });
  await migrate(database, migrateOpts);
  return {
    ...database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      // The pool's sockets may still be closing: wait for them rather than kill them (a killed idle
      // connection reports an error after the test has finished).
      for (let attempt = 0; ; attempt++) {
        try {
          await c.query(`drop database if exists ${name}${attempt >= 30 ? ' with (force)' : ''}`);
          break;
        } catch (err) {
          if (attempt >= 30) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await c.end();
    },
  };
}
