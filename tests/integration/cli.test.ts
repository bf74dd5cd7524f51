import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq, inArray, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { runCli } from '../../src/cli/commands.js';
import { loadConfig } from '../../src/server/config.js';
import { testDatabase } from '../helpers/db.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { directReportPoints, memberships, orgs, users } from '../../src/server/modules/orgs/schema.js';

/** A fresh database for this file: in-memory PGlite, or a new PostgreSQL database (tests/helpers/db.ts). */
const openTestDatabase = testDatabase;

let database: Awaited<ReturnType<typeof testDatabase>>;
let app: App;
let dir: string;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    database: async () => database,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  database = await openTestDatabase();
  // buildApp installs the crypto provider with the config's audit key; the CLI then uses the same one.
  app = await buildApp({
    database,
    config: { ...loadConfig({}), mode: 'demo', loginPerMinute: 10_000 },
    logger: false,
  });
  dir = mkdtempSync(join(tmpdir(), 'zx-cli-'));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('SEC-01 bootstrap-admin', () => {
  it('creates the three administrators once, with one-time passwords that must be changed', async () => {
    const first = await cli('bootstrap-admin', '--username', 'ops');
    expect(first.code, first.err).toBe(0);
    const passwords = [...first.out.matchAll(/用户名: (\S+) {2}一次性密码: (\S+)/g)].map((m) => ({
      username: m[1]!,
      password: m[2]!,
    }));
    expect(passwords.map((p) => p.username)).toEqual(['ops-sys', 'ops-sec', 'ops-audit']);

    const rows = await database.db
      .select({
        username: users.username,
        must: users.mustChangePassword,
        role: memberships.role,
        orgName: orgs.name,
      })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .innerJoin(orgs, eq(orgs.id, memberships.orgId));
    expect(rows.map((r) => r.role).sort()).toEqual(['audit_admin', 'sec_admin', 'sys_admin']);
    expect(rows.every((r) => r.must && r.orgName === '系统管理')).toBe(true);

    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: passwords[0]! });
    expect(login.statusCode).toBe(200);
    expect(login.json<{ mustChangePassword: boolean }>().mustChangePassword).toBe(true);

    const second = await cli('bootstrap-admin', '--username', 'other');
    expect(second.code).toBe(1);
    expect(second.err).toContain('已有管理员');
    expect(
      await database.db
        .select()
        .from(users)
        .where(inArray(users.username, ['other-sys', 'other-sec', 'other-audit'])),
    ).toHaveLength(0);
  });

  it('requires a valid --username', async () => {
    expect((await cli('bootstrap-admin')).code).toBe(1);
    expect((await cli('bootstrap-admin', '--username', '坏 名')).code).toBe(1);
  });
});

describe('import-orgs', () => {
  it('imports a CSV file, and again without duplicates', async () => {
    const file = join(dir, 'orgs.csv');
    writeFileSync(
      file,
      '\uFEFF单位名称,类型,行政级别,上级单位,是否信息汇总单位\r\n某市政府办公室,政府办公厅/办公室,市级,,是\r\n某市教育局,部门,市级,某市政府办公室,否\r\n',
    );
    const first = await cli('import-orgs', file);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('新增 2 个');
    const again = await cli('import-orgs', file);
    expect(again.out).toContain('新增 0 个');
    expect(await database.db.select().from(orgs).where(eq(orgs.name, '某市教育局'))).toHaveLength(1);
  });

  it('imports an .xlsx workbook, with numeric cells and direct-report hubs', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('单位');
    sheet.addRow([
      '单位名称',
      '简称',
      '类型',
      '行政级别',
      '行政区划代码',
      '上级单位',
      '是否信息汇总单位',
      '直报单位',
    ]);
    sheet.addRow(['某县政府办公室', '县政府办', '办公室', '县级', 330102, '某市政府办公室', '是', '']);
    sheet.addRow(['某县某镇', '某镇', '乡镇', '乡级', '', '某县政府办公室', '否', '某市政府办公室']);
    const file = join(dir, 'orgs.xlsx');
    await workbook.xlsx.writeFile(file);
    const res = await cli('import-orgs', file);
    expect(res.code, res.err).toBe(0);
    const [county] = await database.db.select().from(orgs).where(eq(orgs.name, '某县政府办公室'));
    expect(county).toMatchObject({ divisionCode: '330102', isHub: true, level: 'county' });
    const [town] = await database.db.select().from(orgs).where(eq(orgs.name, '某县某镇'));
    const [city] = await database.db.select().from(orgs).where(eq(orgs.name, '某市政府办公室'));
    expect(
      await database.db
        .select({ hubId: directReportPoints.hubId })
        .from(directReportPoints)
        .where(eq(directReportPoints.orgId, town!.id)),
    ).toEqual([{ hubId: city!.id }]);
  });

  it('prints errors by row and column and exits 1', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, '单位名称,类型,行政级别\n坏单位,部委,县级\n');
    const res = await cli('import-orgs', file);
    expect(res.code).toBe(1);
    expect(res.err).toContain('第2行「类型」');
    expect((await cli('import-orgs', join(dir, 'missing.csv'))).err).toContain('文件不存在');
    expect((await cli('import-orgs', join(dir, 'orgs.pdf'))).code).toBe(1);
  });

  it('reads GBK-encoded CSV saved by Excel', async () => {
    const file = join(dir, 'gbk.csv');
    // "单位名称,类型,行政级别\n某县档案馆,直属单位,县级\n" in GBK
    const gbk = Buffer.from(
      'b5a5cebbc3fbb3c62cc0e0d0cd2cd0d0d5febcb6b1f00ac4b3cfd8b5b5b0b8b9dd2cd6b1caf4b5a5cebb2ccfd8bcb60a',
      'hex',
    );
    writeFileSync(file, gbk);
    const res = await cli('import-orgs', file, '--dry-run');
    expect(res.code, res.err).toBe(0);
    expect(res.out).toContain('检查通过');
  });
});

describe('verify-audit', () => {
  it('prints the number of rows checked, and the first broken row with exit 1', async () => {
    const ok = await cli('verify-audit');
    expect(ok.code, ok.err).toBe(0);
    const [count] = await database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(ok.out).toContain(`已校验 ${count!.n} 条`);

    const [row] = await database.db.select({ id: auditLog.id }).from(auditLog).orderBy(auditLog.id).limit(1);
    await database.exec('alter table audit_log disable trigger audit_log_no_update');
    await database.db.update(auditLog).set({ event: 'tampered' }).where(eq(auditLog.id, row!.id));
    await database.exec('alter table audit_log enable trigger audit_log_no_update');
    const broken = await cli('verify-audit');
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(`编号 ${row!.id}`);
  });
});

describe('npm run cli', () => {
  it('runs as a process against an on-disk database, refusing a second bootstrap', async () => {
    const run = promisify(execFile);
    const env = {
      ...process.env,
      DATA_DIR: join(dir, 'data'),
      ZX_MODE: 'production',
      ZX_AUDIT_KEY: 'cli-test-key',
      DATABASE_URL: '',
    };
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const first = await run(tsx, ['src/cli/main.ts', 'bootstrap-admin', '--username', 'prod'], { env });
    expect(first.stdout).toContain('prod-audit');
    const second = await run(tsx, ['src/cli/main.ts', 'bootstrap-admin', '--username', 'prod'], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('已有管理员');
    const verify = await run(tsx, ['src/cli/main.ts', 'verify-audit'], { env });
    expect(verify.stdout).toContain('已校验 1 条');
  }, 120_000);
});
