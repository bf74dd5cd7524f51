import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.js';
import { getCrypto } from '../../src/server/crypto/current.js';
import { retentionDays } from '../../src/server/modules/audit/archive.js';
import { sealAll, verifyAuditChain, writeAudit } from '../../src/server/modules/audit/audit.js';
import { auditArchives, auditLog } from '../../src/server/modules/audit/schema.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * SECURITY.md §18 (issue 8, failure 3): audit rows are kept at least 180 days; older ones are archived into a
 * signed JSONL file and removed by the owner, and the chain in the table continues from the archived head.
 * Rows are back-dated by writing them with an old time. Runs on PGlite and PostgreSQL.
 */
let t: TestApp;
let dir: string;
const DAY = 86_400_000;
const db = () => t.app.database.db;

async function cli(env: Record<string, string | undefined>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = process.env.ZX_AUDIT_RETENTION_DAYS;
  if ('ZX_AUDIT_RETENTION_DAYS' in env) process.env.ZX_AUDIT_RETENTION_DAYS = env.ZX_AUDIT_RETENTION_DAYS;
  try {
    const code = await runCli(argv, {
      database: async () => t.app.database,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    if (saved === undefined) delete process.env.ZX_AUDIT_RETENTION_DAYS;
    else process.env.ZX_AUDIT_RETENTION_DAYS = saved;
  }
}

const write = (daysAgo: number, n: number, event: string) =>
  db().transaction(async (tx) => {
    for (let i = 0; i < n; i++)
      await writeAudit(tx, {
        at: new Date(Date.now() - daysAgo * DAY + i * 1000),
        userId: null,
        ip: '10.0.0.1',
        requestId: null,
        event,
        objectType: 'test',
        objectId: String(i),
        result: 'success',
        detail: { i, note: '归档测试' },
      });
  });

beforeAll(async () => {
  t = await buildTestApp();
  dir = mkdtempSync(join(tmpdir(), 'zx-archive-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SEC-18 audit retention and archiving', () => {
  it('SEC-18 refuses a retention under 180 days', async () => {
    expect(() => retentionDays('90')).toThrow(/不得少于 180 天/);
    expect(() => retentionDays('abc')).toThrow(/不得少于 180 天/);
    expect(retentionDays(undefined)).toBe(180);
    expect(retentionDays('365')).toBe(365);
    const res = await cli({ ZX_AUDIT_RETENTION_DAYS: '179' }, 'archive-audit', '--out', dir);
    expect(res.code).toBe(1);
    expect(res.err).toContain('不得少于 180 天');
  });

  it('SEC-18 archives rows older than the retention into a signed file; the chain continues from its head', async () => {
    // Everything written so far (start-up rows) is older than nothing: first, rows 400 and 200 days old.
    await sealAll(db(), getCrypto());
    await write(400, 3, 'test.very_old');
    await write(200, 4, 'test.old');
    await write(10, 5, 'test.recent');
    await sealAll(db(), getCrypto());
    const before = await db().select().from(auditLog);
    const old = before.filter((r) => r.at.getTime() < Date.now() - 180 * DAY);
    expect(old.length).toBeGreaterThanOrEqual(7);

    const res = await cli({ ZX_AUDIT_RETENTION_DAYS: '180' }, 'archive-audit', '--out', dir);
    expect(res.code, res.err).toBe(0);
    const file = /到 (.+\.jsonl)$/.exec(res.out)?.[1];
    expect(file).toBeTruthy();

    const after = await db().select().from(auditLog);
    expect(after.some((r) => r.event === 'test.very_old' || r.event === 'test.old')).toBe(false);
    expect(after.filter((r) => r.event === 'test.recent')).toHaveLength(5);
    // The file holds every archived row, in chain order, with the range and hashes in its header.
    const lines = readFileSync(file!, 'utf8').trim().split('\n');
    const header = JSON.parse(lines[0]!) as { firstSeq: number; throughSeq: number; count: number };
    expect(header.firstSeq).toBe(1);
    expect(header.count).toBe(before.length - after.length);
    expect(lines).toHaveLength(header.count + 2);

    expect(await verifyAuditChain(db(), getCrypto())).toMatchObject({ ok: true, checked: after.length });
    expect((await cli({}, 'verify-audit')).code).toBe(0);
    const checked = await cli({}, 'verify-audit-archive', file!);
    expect(checked.code, checked.err).toBe(0);
    expect(checked.out).toContain(`共 ${header.count} 条`);

    // A second run finds nothing more to archive; new rows still chain on.
    expect((await cli({ ZX_AUDIT_RETENTION_DAYS: '180' }, 'archive-audit', '--out', dir)).out).toContain(
      '没有超过 180 天',
    );
    await write(0, 2, 'test.after_archive');
    expect((await cli({}, 'verify-audit')).code).toBe(0);

    // A changed archive file fails its check.
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, readFileSync(file!, 'utf8').replace('test.very_old', 'test.harmless'));
    const bad = await cli({}, 'verify-audit-archive', tampered);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('被改动');
  });

  it('SEC-18 a forged archive record (moving the chain’s base) is detected', async () => {
    const [a] = await db().select().from(auditArchives);
    expect(a).toBeTruthy();
    await db()
      .insert(auditArchives)
      .values({ ...a!, id: undefined, throughSeq: a!.throughSeq + 3 });
    const report = await verifyAuditChain(db(), getCrypto());
    expect(report.ok).toBe(false);
    expect(report.problem).toContain('签名无效');
  });
});
