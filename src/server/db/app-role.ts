import { sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import { openDatabase, queryRows, type Database } from './client.js';

export interface AppDatabase {
  database: Database;
  /** The role the server's queries run as (null on PGlite, which has one user). */
  role: string | null;
  /** Why the server still runs as the owner, when it does. */
  warning: string | null;
}

/**
 * The database the server works with, opened after migrating as the owner (SECURITY.md §17): on PostgreSQL
 * every connection runs as the application role (ZX_DB_APP_ROLE, default zx_app, granted by migration 0013),
 * or logs in with DATABASE_APP_URL; that role may only INSERT and SELECT the audit log (plus sealing), so
 * the server cannot delete, rewrite or truncate audit rows nor disable the trigger. The owner connection is
 * closed. PGlite is single-user: the owner connection is returned as is.
 */
export async function openAppDatabase(owner: Database, config: Config): Promise<AppDatabase> {
  if (owner.kind !== 'postgres' || !config.databaseUrl) return { database: owner, role: null, warning: null };
  if (!config.databaseAppUrl && !config.dbAppRole)
    return { database: owner, role: null, warning: 'ZX_DB_APP_ROLE=none：服务以数据库属主身份运行' };
  if (!config.databaseAppUrl && config.dbAppRole) {
    const found = await queryRows<{ ok: number }>(
      owner.db,
      sql`select 1 as ok from pg_roles where rolname = ${config.dbAppRole}`,
    );
    if (found.length === 0) {
      const message = `数据库角色 ${config.dbAppRole} 不存在（迁移 0013 需要 CREATEROLE 权限创建它）`;
      if (config.mode === 'production') throw new Error(message);
      return { database: owner, role: null, warning: `${message}：服务以数据库属主身份运行` };
    }
  }
  const database = await openDatabase({
    url: config.databaseAppUrl ?? config.databaseUrl,
    dataDir: config.dataDir,
    role: config.databaseAppUrl ? undefined : config.dbAppRole,
  });
  const [who] = await queryRows<{ role: string }>(database.db, sql`select current_user as role`);
  await owner.close();
  return { database, role: who?.role ?? null, warning: null };
}
