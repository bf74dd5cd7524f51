import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Location, Manifest } from '../../src/cli/backup.js';
import { runCli } from '../../src/cli/commands.js';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { getCrypto } from '../../src/server/crypto/current.js';
import { openDatabase, queryRows, type Database } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';
import { verifyAuditChain } from '../../src/server/modules/audit/audit.js';
import { Client } from '../helpers/app.js';
import { ENGINE } from '../helpers/db.js';
import { buildOrgTree, PASSWORD, type OrgTree } from '../helpers/factories.js';

/**
 * SECURITY.md item 29: the restore drill. Data is made through HTTP (items, an adoption, an attachment,
 * audit rows), backed up with `backup`, restored with `restore` into a fresh database and data directory,
 * and compared table by table (row counts and a hash of every row); the audit chain verifies and the app
 * started on the restored copy logs a user in and serves the item and its image. On the engine under test.
 */
const config = () => ({ ...loadConfig({}), loginPerMinute: 10_000, mode: 'demo' as const });
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const dirs: string[] = [];
const pgDatabases: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

/** A new, empty place for data: a PGlite data directory, or a new PostgreSQL database plus a directory. */
async function newLocation(): Promise<Location> {
  const dataDir = tempDir('zx-backup-data-');
  if (ENGINE === 'pglite') return { url: undefined, dataDir };
  const base = process.env.TEST_DATABASE_URL!;
  const name = `zx_test_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  pgDatabases.push(name);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), dataDir };
}

async function cli(loc: Location, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    database: () => Promise.reject(new Error('backup and restore open the database themselves')),
    location: () => loc,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Row count and a hash over every row's text, per table: equal digests mean equal contents. */
async function digests(loc: Location): Promise<Record<string, { rows: number; hash: string }>> {
  const database = await openDatabase(loc);
  try {
    const tables = await queryRows<{ name: string }>(
      database.db,
      sql`select table_name as name from information_schema.tables
           where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    const out: Record<string, { rows: number; hash: string }> = {};
    for (const { name } of tables) {
      const [r] = await queryRows<{ rows: number; hash: string }>(
        database.db,
        sql.raw(
          `select count(*)::int as rows, coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '') as hash from "${name}" t`,
        ),
      );
      out[name] = r!;
    }
    return out;
  } finally {
    await database.close();
  }
}

let source: Location;
let tree: OrgTree;
let itemId = '';
let attachmentId = '';
let backupDir = '';

beforeAll(async () => {
  source = await newLocation();
  const database: Database = await openDatabase(source);
  await migrate(database);
  const app = await buildApp({ database, config: { ...config(), dataDir: source.dataDir }, logger: false });
  await app.ready();
  tree = await buildOrgTree(database.db);
  const as = (u: string) => Client.login(app, u, PASSWORD);
  const w = await as(tree.T.writer);
  const up = await app.inject({
    method: 'POST',
    url: '/api/attachments',
    payload: PNG,
    headers: {
      cookie: w.cookie,
      'x-csrf-token': w.csrf,
      'content-type': 'image/png',
      'x-file-name': 'a.png',
    },
  });
  expect(up.statusCode, up.body).toBe(200);
  attachmentId = up.json<{ id: string }>().id;
  const created = await w.post('/api/items', {
    orgId: tree.T.id,
    title: '某街道推行网格化治理见成效',
    bodyHtml: `<p>今年以来，某街道推行网格化治理。</p><figure><img src="/files/${attachmentId}" alt=""><figcaption>图为网格员入户走访</figcaption></figure>`,
    category: 'experience',
    urgency: 'normal',
    disclosure: 'internal',
  });
  expect(created.statusCode, created.body).toBe(201);
  itemId = created.json<{ id: string }>().id;
  expect((await w.post(`/api/items/${itemId}/submit`)).statusCode).toBe(200);
  expect(
    (await (await as(tree.T.reviewer)).post(`/api/items/${itemId}/approve`, { opinion: '同意' })).statusCode,
  ).toBe(200);
  const signed = await (await as(tree.T.signer)).post(`/api/items/${itemId}/sign`, { opinion: '同意报送' });
  expect(signed.statusCode, signed.body).toBe(200);
  const hopId = signed.json<{ hops: { id: string }[] }>().hops[0]!.id;
  const editor = await as(tree.K.editor);
  expect((await editor.post(`/api/hops/${hopId}/receive`)).statusCode).toBe(200);
  const adopted = await editor.post(`/api/hops/${hopId}/adopt`, {
    periodicalId: tree.K.periodicalId,
    type: 'single',
  });
  expect(adopted.statusCode, adopted.body).toBe(200);
  // The server stops before a PGlite backup (its data directory is then consistent and unlocked).
  await app.close();
  await database.close();
}, 180_000);

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (pgDatabases.length) {
    const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await c.connect();
    for (const name of pgDatabases) await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  }
});

describe('backup and restore', () => {
  it('SEC-29 restore drill: back up, restore into a fresh place, same rows, audit chain intact, the app logs in', async () => {
    backupDir = join(tempDir('zx-backup-'), 'b');
    const b = await cli(source, 'backup', '--out', backupDir);
    expect(b.code, b.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.engine).toBe(ENGINE);
    expect(manifest.migrations.last).toMatch(/^\d{4}_.*\.sql$/);
    expect(manifest.tables.items).toBe(1);
    expect(manifest.tables.adoptions).toBe(1);
    expect(manifest.tables.attachments).toBe(1);
    expect(manifest.auditHead!.seq).toBe(manifest.tables.audit_log);
    expect(manifest.auditHead!.seq).toBeGreaterThan(5);
    const db = ENGINE === 'postgres' ? 'database.pgdump' : 'pgdata.tar.gz';
    expect(manifest.files.map((f) => f.path)).toContain(db);
    expect(manifest.files.filter((f) => f.path.startsWith('attachments/'))).toHaveLength(1);
    for (const f of manifest.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);

    const before = await digests(source);
    const target = await newLocation();
    const r = await cli(target, 'restore', '--from', backupDir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('审计日志完好');
    const after = await digests(target);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    // The change feed is what running instances have yet to read, stamped with the source's transaction
    // ids: the restore empties it and adds one row, telling them that anything may have changed.
    expect(before.change_feed!.rows).toBeGreaterThan(0);
    for (const table of Object.keys(before).filter((t) => t !== 'change_feed'))
      expect(after[table], table).toEqual(before[table]);
    expect(after.change_feed!.rows).toBe(1);
    expect(after.audit_log!.rows).toBe(manifest.auditHead!.seq);

    const database = await openDatabase(target);
    const app: App = await buildApp({
      database,
      config: { ...config(), dataDir: target.dataDir },
      logger: false,
    });
    try {
      await app.ready();
      const report = await verifyAuditChain(database.db, getCrypto());
      expect(report).toMatchObject({ ok: true, checked: manifest.auditHead!.seq, unsealed: 0 });
      const w = await Client.login(app, tree.T.writer, PASSWORD);
      const item = await w.get(`/api/items/${itemId}`);
      expect(item.statusCode).toBe(200);
      expect(item.json<{ adoptions: unknown[] }>().adoptions).toHaveLength(1);
      const image = await w.get(`/files/${attachmentId}`);
      expect(image.statusCode).toBe(200);
      expect(image.rawPayload.equals(PNG)).toBe(true);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('SEC-29 restore refuses a non-empty target without --force and a backup whose checksums do not match', async () => {
    expect(backupDir).not.toBe('');
    // A file changed after the backup: refused before the target is touched.
    const tampered = join(tempDir('zx-backup-bad-'), 'b');
    cpSync(backupDir, tampered, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(tampered, 'manifest.json'), 'utf8')) as Manifest;
    const image = manifest.files.find((f) => f.path.startsWith('attachments/'))!;
    writeFileSync(join(tampered, image.path), Buffer.concat([PNG, Buffer.from([0])]));
    const fresh = await newLocation();
    const bad = await cli(fresh, 'restore', '--from', tampered);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('sha256');
    expect(readdirSync(fresh.dataDir)).toEqual([]);

    // The source is not empty: refused, and with --force restored over it.
    const refused = await cli(source, 'restore', '--from', backupDir);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--force');
    const forced = await cli(source, 'restore', '--from', backupDir, '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(forced.out).toContain('审计日志完好');
    if (ENGINE === 'pglite') expect(forced.out).toContain('原有数据已移至');

    // A backup never overwrites: the output directory must be new or empty.
    const again = await cli(source, 'backup', '--out', backupDir);
    expect(again.code).toBe(1);
  });

  it.runIf(ENGINE === 'pglite')(
    'SEC-29 a PGlite backup is refused while the server has the database open',
    async () => {
      const database = await openDatabase(source);
      try {
        expect(existsSync(join(source.dataDir, 'pgdata', 'postmaster.pid'))).toBe(true);
        const r = await cli(source, 'backup', '--out', join(tempDir('zx-backup-open-'), 'b'));
        expect(r.code).toBe(1);
        expect(r.err).toContain('停止服务');
      } finally {
        await database.close();
      }
    },
  );
});
