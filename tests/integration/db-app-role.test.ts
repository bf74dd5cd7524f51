import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { getCrypto } from '../../src/server/crypto/current.js';
import { openAppDatabase, type AppDatabase } from '../../src/server/db/app-role.js';
import { openDatabase, queryRows, type Db } from '../../src/server/db/client.js';
import { sealAll, verifyAuditChain, writeAudit } from '../../src/server/modules/audit/audit.js';
import { archiveAudit } from '../../src/server/modules/audit/archive.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { Client } from '../helpers/app.js';
import { ENGINE, testDatabase } from '../helpers/db.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

/**
 * SECURITY.md §17 (issue 8, failure 3): on PostgreSQL the server runs as the application role zx_app, which
 * may only INSERT and SELECT the audit log (plus the sealing UPDATE); the owner only migrates. PGlite is a
 * single-user engine with no roles to switch to: the role tests are skipped there, and the PGlite test only
 * checks that the server keeps its one connection.
 */
let owner: Awaited<ReturnType<typeof testDatabase>>;
let appDb: AppDatabase | null = null;

const configFor = (url: string | undefined): Config => ({
  ...loadConfig({}),
  databaseUrl: url,
  mode: 'production',
  loginPerMinute: 10_000,
});

beforeAll(async () => {
  owner = await testDatabase();
});
afterAll(async () => {
  await owner.drop();
});

/** A login of its own for DATABASE_APP_URL, a member of zx_app (what a DBA creates in production). */
let loginRole: string | null = null;
afterAll(async () => {
  if (!loginRole) return;
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  await c.query(`drop role if exists ${loginRole}`);
  await c.end();
});

describe.skipIf(ENGINE !== 'postgres').each([
  { mode: 'ZX_DB_APP_ROLE (role=zx_app on every connection)', separateLogin: false },
  { mode: 'DATABASE_APP_URL (a login that is a member of zx_app)', separateLogin: true },
])('SEC-17 the application database role (PostgreSQL, $mode)', ({ separateLogin }) => {
  let asApp: Db;
  let opened: AppDatabase;
  let server: App;
  beforeAll(async () => {
    let config = configFor(owner.url);
    if (separateLogin) {
      loginRole = `zx_web_${randomBytes(4).toString('hex')}`;
      await owner.db.execute(sql.raw(`create role ${loginRole} login in role zx_app`));
      const url = new URL(owner.url!);
      url.username = loginRole;
      config = { ...config, databaseAppUrl: url.toString() };
    }
    // A second owner connection for openAppDatabase to close, as main.ts does after migrating.
    const migrator = await openDatabase({ url: owner.url, dataDir: '' });
    opened = await openAppDatabase(migrator, config);
    asApp = opened.database.db;
    server = await buildApp({ database: opened.database, config, logger: false });
    await server.ready();
  });
  afterAll(async () => {
    await server.close();
    await opened.database.close();
  });

  it('SEC-17 the server does not run as the owner that migrated', async () => {
    expect(opened.role).toBe(separateLogin ? loginRole : 'zx_app');
    const [who] = await queryRows<{ s: boolean; member: boolean }>(
      asApp,
      sql`select (select rolsuper from pg_roles where rolname = current_user) as s,
                 pg_has_role(current_user, 'zx_app', 'USAGE') as member`,
    );
    expect(who).toEqual({ s: false, member: true });
    // Tables of later migrations get the grants by default privileges; the archive records stay read-only.
    const [grants] = await queryRows<Record<string, boolean>>(
      asApp,
      sql`select has_table_privilege('zx_app', 'syslog_cursor', 'UPDATE') as cursor_update,
                 has_table_privilege('zx_app', 'audit_archives', 'SELECT') as archives_select,
                 has_table_privilege('zx_app', 'audit_archives', 'INSERT') as archives_insert,
                 has_table_privilege('zx_app', 'audit_log', 'DELETE') as audit_delete`,
    );
    expect(grants).toEqual({
      cursor_update: true,
      archives_select: true,
      archives_insert: false,
      audit_delete: false,
    });
  });

  it('SEC-17 the app still works: login writes an audit row, the sealer chains it, the chain verifies', async () => {
    const orgId = await buildOrg(owner.db, { name: '角色测试单位', parentId: null, level: 'county' });
    const user = await buildUser(owner.db, orgId, ['writer']);
    const client = await Client.login(server, user.username, PASSWORD);
    expect(client.userId).toBe(user.id);
    const rows = await asApp.select().from(auditLog);
    expect(rows.some((r) => r.event.startsWith('auth.login') && r.userId === user.id)).toBe(true);
    expect(await sealAll(asApp, getCrypto())).toBeGreaterThan(0);
    expect(await verifyAuditChain(asApp, getCrypto())).toMatchObject({ ok: true, unsealed: 0 });
  });

  const refused = async (statement: string, reason: RegExp) => {
    const error = await asApp.execute(sql.raw(statement)).then(
      () => null,
      (e: unknown) => e as { message: string; cause?: { message?: string } },
    );
    expect(error, statement).not.toBeNull();
    expect(`${error!.message} ${error!.cause?.message ?? ''}`).toMatch(reason);
  };

  it('SEC-17 as the app role, DELETE, UPDATE, TRUNCATE and DISABLE TRIGGER on the audit log all fail', async () => {
    const before = await asApp.select().from(auditLog);
    expect(before.length).toBeGreaterThan(0);
    await refused('delete from audit_log', /permission denied/);
    await refused(`update audit_log set event = 'tampered'`, /permission denied/);
    await refused(`update audit_log set detail = '{}'::jsonb`, /permission denied/);
    // The sealing columns are writable by the role, but the trigger refuses them on a sealed row.
    await refused(`update audit_log set hash = repeat('0', 64) where seq is not null`, /append-only/);
    await refused('truncate audit_log', /permission denied/);
    await refused('alter table audit_log disable trigger audit_log_no_update', /must be owner/);
    await refused('alter table audit_log disable trigger all', /must be owner/);
    await refused('drop trigger audit_log_no_update on audit_log', /must be owner/);
    await refused('delete from audit_head', /permission denied/);
    // RESET ROLE returns to the role the connection started with: still the app's.
    await refused('reset role; delete from audit_log', /permission denied/);
    if (separateLogin) {
      // A login of its own has no owner identity to fall back to.
      await refused(
        'set role none; alter table audit_log disable trigger audit_log_no_update',
        /must be owner/,
      );
      await refused('set role none; delete from audit_log', /permission denied/);
    } else {
      // With ZX_DB_APP_ROLE the session user is still the owner: SET ROLE NONE would give its rights back,
      // though the append-only trigger still refuses the DELETE. Production uses DATABASE_APP_URL (README).
      await refused('set role none; delete from audit_log', /append-only/);
    }
    const after = await asApp.select().from(auditLog);
    expect(after.map((r) => [r.id, r.event, r.hash])).toEqual(before.map((r) => [r.id, r.event, r.hash]));
    expect(await verifyAuditChain(asApp, getCrypto())).toMatchObject({ ok: true });
  });

  it('SEC-18 archiving (which removes rows) is the owner’s: as the app role it is refused and removes nothing', async () => {
    await writeAudit(asApp, {
      at: new Date(Date.now() - 400 * 86_400_000),
      userId: null,
      ip: null,
      requestId: null,
      event: 'test.old',
      result: 'success',
    });
    await sealAll(asApp, getCrypto());
    const before = await asApp.select().from(auditLog);
    const dir = mkdtempSync(join(tmpdir(), 'zx-archive-role-'));
    try {
      // Seen from a year ahead, every row is past the retention.
      const now = new Date(Date.now() + 400 * 86_400_000);
      const error = await archiveAudit(asApp, getCrypto(), { retentionDays: 180, dir, now }).then(
        () => null,
        (e: unknown) => e as { message: string; cause?: { message?: string } },
      );
      expect(`${error?.message} ${error?.cause?.message ?? ''}`).toMatch(/permission denied|must be owner/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await asApp.select().from(auditLog)).toHaveLength(before.length);
    expect(await verifyAuditChain(asApp, getCrypto())).toMatchObject({ ok: true });
  });

  it('SEC-17 the owner, by contrast, could disable the trigger (so the refusals above are the role’s doing)', async () => {
    await owner.db
      .transaction(async (tx) => {
        await tx.execute(sql.raw('alter table audit_log disable trigger audit_log_no_update'));
        throw new Error('rollback');
      })
      .catch((e: unknown) => expect((e as Error).message).toBe('rollback'));
  });
});

describe.skipIf(ENGINE !== 'pglite')('SEC-17 PGlite keeps its single user', () => {
  it('SEC-17 PGlite: no role to switch to (single-user engine; the role tests run on PostgreSQL)', async () => {
    appDb = await openAppDatabase(owner, configFor(undefined));
    expect(appDb.database).toBe(owner);
    expect(appDb.role).toBeNull();
  });
});
