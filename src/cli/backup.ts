import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { getCrypto } from '../server/crypto/current.js';
import { openDatabase, type Db } from '../server/db/client.js';
import { notifyEverythingChanged } from '../server/db/cache-channels.js';
import * as schema from '../server/db/schema.js';
import { sealAll, verifyAuditChain } from '../server/modules/audit/audit.js';

/**
 * Backups and restores (SECURITY.md item 29). A backup is a directory: the database (PostgreSQL: pg_dump's
 * custom format taken in one snapshot; PGlite: its data directory as a tarball, taken while the server is
 * stopped), a copy of the attachment files, and manifest.json naming the time, engine, migration level,
 * row count of every table, the audit chain's signed head and the sha256 of every file.
 */

export interface Location {
  /** DATABASE_URL: PostgreSQL when set, else the embedded PGlite in dataDir/pgdata. */
  url: string | undefined;
  dataDir: string;
}

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface DatabaseFacts {
  migrations: { count: number; last: string | null };
  auditHead: { seq: number; lastHash: string } | null;
  tables: Record<string, number>;
}

export interface Manifest extends DatabaseFacts {
  format: 'zhengxun-backup';
  version: 1;
  createdAt: string;
  engine: 'postgres' | 'pglite';
  /** PostgreSQL: the server and pg_dump versions. */
  versions?: { server: string; pgDump: string };
  files: ManifestFile[];
}

export const MANIFEST = 'manifest.json';
const PG_DUMP_FILE = 'database.pgdump';
const PGLITE_FILE = 'pgdata.tar.gz';
const ATTACHMENTS = 'attachments';

/** Errors meant for the operator, printed as they are. */
export class BackupError extends Error {}

type Query = (text: string) => Promise<Record<string, unknown>[]>;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Migration level, audit head and table row counts, read through one connection (one snapshot). */
export async function databaseFacts(query: Query): Promise<DatabaseFacts> {
  const [m] = await query('select count(*)::int as n, max(name) as last from schema_migrations');
  const [head] = await query('select seq::bigint::text as seq, last_hash from audit_head where id = 1');
  const tableRows = await query(
    `select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const tables: Record<string, number> = {};
  for (const t of tableRows) {
    const name = String(t.table_name);
    const [c] = await query(`select count(*)::bigint::text as n from ${quoteIdent(name)}`);
    tables[name] = Number(c?.n ?? 0);
  }
  return {
    migrations: { count: Number(m?.n ?? 0), last: (m?.last as string | null) ?? null },
    auditHead: head ? { seq: Number(head.seq), lastHash: String(head.last_hash) } : null,
    tables,
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}

async function isEmptyDir(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  return (await readdir(dir)).length === 0;
}

/** Copies every finished file under `from` to `to` (temporary upload names are skipped). */
async function copyTree(from: string, to: string): Promise<number> {
  let n = 0;
  for (const file of await listFiles(from)) {
    if (file.endsWith('.tmp')) continue;
    const target = join(to, relative(from, file));
    await mkdir(join(target, '..'), { recursive: true });
    await copyFile(file, target);
    n++;
  }
  return n;
}

/** The major version of a PostgreSQL client tool, or null when it is not installed. */
function toolVersion(tool: 'pg_dump' | 'pg_restore'): { major: number; text: string } | null {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const m = /(\d+)(?:\.(\d+))?/.exec(r.stdout);
  return m ? { major: Number(m[1]), text: r.stdout.trim() } : null;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new BackupError(`${cmd} 失败（退出码 ${code}）：${err.trim()}`)),
    );
  });
}

const pgliteDir = (dataDir: string) => join(dataDir, 'pgdata');

function checkPgliteStopped(dataDir: string): void {
  // PGlite writes postmaster.pid while the database is open and removes it on a clean close.
  if (existsSync(join(pgliteDir(dataDir), 'postmaster.pid')))
    throw new BackupError(
      `内嵌数据库 ${pgliteDir(dataDir)} 正在使用或上次未正常关闭：请先停止服务（若服务异常退出过，先启动再正常停止一次）后再执行`,
    );
}

function pgliteDb(client: PGlite): Db {
  return drizzlePglite(client, { schema }) as unknown as Db;
}

/** Writes a backup of the database and the attachments into `out` (which must be new or empty). */
export async function backup(
  loc: Location,
  out: string,
  log: (line: string) => void,
  now = new Date(),
): Promise<Manifest> {
  if (!(await isEmptyDir(out))) throw new BackupError(`备份目录 ${out} 已存在且不为空：请指定新目录`);
  await mkdir(out, { recursive: true });
  let facts: DatabaseFacts;
  let versions: Manifest['versions'];
  const engine = loc.url ? 'postgres' : 'pglite';
  if (loc.url) {
    const dump = toolVersion('pg_dump');
    if (!dump)
      throw new BackupError(
        '未找到 pg_dump：请安装与数据库服务器同一主版本的 PostgreSQL 客户端（Debian：apt-get install postgresql-client）',
      );
    // Audit rows written in the last second are sealed first, so the head in the manifest covers them.
    const sealing = await openDatabase({ url: loc.url, dataDir: loc.dataDir });
    try {
      await sealAll(sealing.db, getCrypto());
    } finally {
      await sealing.close();
    }
    const client = new pg.Client({ connectionString: loc.url });
    await client.connect();
    try {
      const [v] = (
        await client.query<{ n: string; text: string }>(
          "select current_setting('server_version_num') as n, current_setting('server_version') as text",
        )
      ).rows;
      const serverMajor = Math.floor(Number(v!.n) / 10000);
      if (dump.major < serverMajor)
        throw new BackupError(
          `pg_dump 版本（${dump.text}）低于数据库服务器（${v!.text}）：请安装 PostgreSQL ${serverMajor} 或更新的客户端`,
        );
      versions = { server: v!.text, pgDump: dump.text };
      // One snapshot for the dump and the manifest's facts: pg_dump takes the exported snapshot, and the
      // transaction that exported it stays open until the dump is written.
      await client.query('begin isolation level repeatable read read only');
      const [snap] = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows;
      facts = await databaseFacts(async (text) => (await client.query(text)).rows);
      log(`正在导出 PostgreSQL 数据库（pg_dump 自定义格式）…`);
      await run('pg_dump', [
        '--format=custom',
        `--snapshot=${snap!.id}`,
        '--no-owner',
        '--no-acl',
        `--file=${join(out, PG_DUMP_FILE)}`,
        `--dbname=${loc.url}`,
      ]);
      await client.query('commit');
    } finally {
      await client.end();
    }
  } else {
    const dir = pgliteDir(loc.dataDir);
    if (!existsSync(join(dir, 'PG_VERSION'))) throw new BackupError(`内嵌数据库 ${dir} 不存在`);
    checkPgliteStopped(loc.dataDir);
    const client = new PGlite(dir);
    try {
      await client.waitReady;
      await sealAll(pgliteDb(client), getCrypto());
      facts = await databaseFacts(async (text) => (await client.query<Record<string, unknown>>(text)).rows);
      log('正在导出内嵌数据库（PGlite 数据目录）…');
      const tarball = await client.dumpDataDir('gzip');
      await writeFile(join(out, PGLITE_FILE), Buffer.from(await tarball.arrayBuffer()));
    } finally {
      await client.close();
    }
  }
  // Attachments after the database: every file a backed-up row names was written before that row committed.
  const copied = await copyTree(join(loc.dataDir, ATTACHMENTS), join(out, ATTACHMENTS));
  const files: ManifestFile[] = [];
  for (const file of await listFiles(out)) {
    const path = relative(out, file).split(sep).join('/');
    if (path === MANIFEST) continue;
    files.push({ path, bytes: (await stat(file)).size, sha256: await sha256File(file) });
  }
  const manifest: Manifest = {
    format: 'zhengxun-backup',
    version: 1,
    createdAt: now.toISOString(),
    engine,
    ...(versions ? { versions } : {}),
    ...facts,
    files,
  };
  await writeFile(join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  log(
    `备份完成：${out}（${engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}，迁移 ${facts.migrations.last ?? '无'}，` +
      `${Object.keys(facts.tables).length} 张表，附件 ${copied} 个，审计链头 ${facts.auditHead?.seq ?? 0} 条）`,
  );
  return manifest;
}

/** Reads a backup's manifest and checks every file it lists against its sha256; throws on any mismatch. */
export async function verifyBackup(from: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(from, MANIFEST), 'utf8')) as Manifest;
  } catch {
    throw new BackupError(`${join(from, MANIFEST)} 不存在或不是有效的备份清单`);
  }
  if (manifest.format !== 'zhengxun-backup' || manifest.version !== 1 || !Array.isArray(manifest.files))
    throw new BackupError('备份清单格式不正确');
  const db = manifest.engine === 'postgres' ? PG_DUMP_FILE : PGLITE_FILE;
  if (!manifest.files.some((f) => f.path === db)) throw new BackupError(`备份清单中没有数据库文件 ${db}`);
  for (const f of manifest.files) {
    const path = normalize(f.path);
    if (isAbsolute(path) || path.startsWith('..') || path.includes(`${sep}..${sep}`))
      throw new BackupError(`备份清单中的路径不安全：${f.path}`);
    const file = join(from, path);
    if (!existsSync(file)) throw new BackupError(`备份文件缺失：${f.path}`);
    const actual = await sha256File(file);
    if (actual !== f.sha256) throw new BackupError(`备份文件校验失败（sha256 不符）：${f.path}`);
  }
  return manifest;
}

async function postgresIsEmpty(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
        where s.nspname not in ('pg_catalog', 'information_schema') and s.nspname not like 'pg_toast%'
          and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`,
    );
    return rows[0]!.n === 0;
  } finally {
    await client.end();
  }
}

async function clearPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select nspname as name from pg_namespace
        where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%'`,
    );
    for (const r of rows) await client.query(`drop schema ${quoteIdent(r.name)} cascade`);
    await client.query('create schema if not exists public');
  } finally {
    await client.end();
  }
}

export interface RestoreReport {
  manifest: Manifest;
  auditChecked: number;
  /** Where a replaced PGlite data directory or attachments folder was moved (--force), if anything. */
  setAside: string[];
}

/**
 * Restores a backup into an empty target (a database with no tables and no attachment files); a non-empty
 * target is refused unless `force`: then PostgreSQL's schemas are dropped, and a PGlite data directory
 * and the attachments folder are moved aside (kept, never deleted). Checksums are verified before anything
 * is touched; afterwards the row counts, migration level and audit head must equal the manifest's and the
 * audit chain must verify.
 */
export async function restore(
  loc: Location,
  from: string,
  opts: { force: boolean },
  log: (line: string) => void,
): Promise<RestoreReport> {
  const manifest = await verifyBackup(from);
  log(`备份校验通过：${manifest.files.length} 个文件（${manifest.createdAt}，${manifest.engine}）`);
  const engine = loc.url ? 'postgres' : 'pglite';
  if (manifest.engine !== engine)
    throw new BackupError(
      `备份来自 ${manifest.engine === 'postgres' ? 'PostgreSQL' : '内嵌数据库 PGlite'}，目标却是 ${engine === 'postgres' ? 'PostgreSQL' : '内嵌数据库 PGlite'}：请在同一种数据库上恢复`,
    );
  const attachmentsDir = join(loc.dataDir, ATTACHMENTS);
  const dbEmpty = loc.url ? await postgresIsEmpty(loc.url) : await isEmptyDir(pgliteDir(loc.dataDir));
  const filesEmpty = (await listFiles(attachmentsDir)).length === 0;
  if ((!dbEmpty || !filesEmpty) && !opts.force)
    throw new BackupError(
      `恢复目标不是空的（${!dbEmpty ? '数据库中已有数据表' : ''}${!dbEmpty && !filesEmpty ? '，' : ''}${!filesEmpty ? `${attachmentsDir} 中已有附件` : ''}）：确认覆盖请加 --force`,
    );
  const setAside: string[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (!filesEmpty) {
    const aside = `${attachmentsDir}.replaced-${stamp}`;
    await rename(attachmentsDir, aside);
    setAside.push(aside);
  }
  if (loc.url) {
    const tool = toolVersion('pg_restore');
    if (!tool) throw new BackupError('未找到 pg_restore：请安装 PostgreSQL 客户端');
    if (!dbEmpty) await clearPostgres(loc.url);
    log('正在恢复 PostgreSQL 数据库（pg_restore，单一事务）…');
    await run('pg_restore', [
      '--no-owner',
      '--no-acl',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${loc.url}`,
      join(from, PG_DUMP_FILE),
    ]);
  } else {
    const dir = pgliteDir(loc.dataDir);
    if (!dbEmpty) {
      checkPgliteStopped(loc.dataDir);
      const aside = `${dir}.replaced-${stamp}`;
      await rename(dir, aside);
      setAside.push(aside);
    }
    await mkdir(dir, { recursive: true });
    log('正在恢复内嵌数据库（PGlite 数据目录）…');
    const bytes = await readFile(join(from, PGLITE_FILE));
    const client = new PGlite(dir, { loadDataDir: new Blob([bytes]) });
    await client.waitReady;
    await client.close();
  }
  const copied = await copyTree(join(from, ATTACHMENTS), attachmentsDir);

  const database = await openDatabase({ url: loc.url, dataDir: loc.dataDir });
  try {
    const facts = await databaseFacts(
      async (text) =>
        ((await database.db.execute(sql.raw(text))) as unknown as { rows: Record<string, unknown>[] }).rows,
    );
    const problems: string[] = [];
    if (
      facts.migrations.count !== manifest.migrations.count ||
      facts.migrations.last !== manifest.migrations.last
    )
      problems.push(`迁移级别为 ${facts.migrations.last}，清单为 ${manifest.migrations.last}`);
    for (const [table, n] of Object.entries(manifest.tables))
      if (facts.tables[table] !== n)
        problems.push(`表 ${table} 有 ${facts.tables[table] ?? '（缺失）'} 行，清单为 ${n} 行`);
    if (JSON.stringify(facts.auditHead) !== JSON.stringify(manifest.auditHead))
      problems.push('审计链头与备份清单不符');
    if (problems.length) throw new BackupError(`恢复后的数据与备份清单不符：${problems.join('；')}`);
    const report = await verifyAuditChain(database.db, getCrypto());
    if (!report.ok)
      throw new BackupError(
        `恢复后审计日志哈希链校验失败：${report.problem}（请确认 ZX_AUDIT_KEY 与备份时相同）`,
      );
    // The backup's change-feed rows carry the source server's transaction ids: on another server they could
    // lie above every snapshot and be read again and again. Instances still running on this database keep
    // sessions and rankings of the data it replaced: one row tells them (db/change-feed.ts).
    await database.db.execute(sql`delete from change_feed`);
    await notifyEverythingChanged(database.db);
    log(
      `恢复完成：${Object.keys(manifest.tables).length} 张表的行数与清单一致，附件 ${copied} 个；审计日志完好：已校验 ${report.checked} 条记录`,
    );
    for (const p of setAside) log(`原有数据已移至 ${p}`);
    return { manifest, auditChecked: report.checked, setAside };
  } finally {
    await database.close();
  }
}
