import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { and, asc, gt, gte, isNotNull, lte, sql } from 'drizzle-orm';
import type { CryptoProvider } from '../../crypto/provider.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import { archiveMac, chainBase, rowHash, sealAll, verifyAuditChain } from './audit.js';
import { auditArchives, auditLog } from './schema.js';

/** 网络安全法 第二十一条: network logs are kept for at least six months. */
export const MIN_RETENTION_DAYS = 180;
const FORMAT = 'zhengxun-audit-archive';

/** The retention in days from ZX_AUDIT_RETENTION_DAYS (default 180); anything under 180 is refused. */
export function retentionDays(value: string | undefined): number {
  const days = value === undefined || value === '' ? MIN_RETENTION_DAYS : Number(value);
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS)
    throw new AppError(
      'validation',
      `审计日志保存期限不得少于 ${MIN_RETENTION_DAYS} 天（《网络安全法》第二十一条），当前设置为「${value}」`,
      { field: 'ZX_AUDIT_RETENTION_DAYS' },
    );
  return days;
}

type Row = typeof auditLog.$inferSelect;
interface Header {
  format: typeof FORMAT;
  version: 1;
  firstSeq: number;
  throughSeq: number;
  /** The hash the first archived row links to (the previous archive's last hash, or the genesis). */
  prevHash: string;
  lastHash: string;
  count: number;
  retentionDays: number;
  cutoff: string;
  createdAt: string;
}

const serialise = (r: Row) => JSON.stringify({ ...r, at: r.at.toISOString() });
const parseRow = (line: string): Row => {
  const r = JSON.parse(line) as Row & { at: string };
  return { ...r, at: new Date(r.at) };
};
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface ArchiveResult {
  archived: number;
  file: string | null;
  firstSeq: number | null;
  throughSeq: number | null;
}

/**
 * Moves sealed audit rows older than the retention into a signed JSONL archive file, then removes them from
 * audit_log (SECURITY.md §18). Only the owner of the table can do the removal: it briefly disables the
 * append-only trigger inside the transaction, which the application role (zx_app) is not allowed to do. The
 * archive record (its range, last hash and the file's digest under the audit HMAC) becomes the chain's base,
 * so verify-audit continues from the archived head and verify-audit-archive checks the file.
 */
export async function archiveAudit(
  db: Db,
  crypto: CryptoProvider,
  opts: { retentionDays: number; dir: string; now?: Date },
): Promise<ArchiveResult> {
  retentionDays(String(opts.retentionDays));
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - opts.retentionDays * 86_400_000);
  await sealAll(db, crypto);
  const report = await verifyAuditChain(db, crypto);
  if (!report.ok) throw new AppError('conflict', `审计日志哈希链损坏，不能归档：${report.problem}`);
  const base = await chainBase(db, crypto);
  // The archived part is a prefix of the chain: everything before the first row still inside the retention.
  const [keep] = await db
    .select({ seq: auditLog.seq })
    .from(auditLog)
    .where(and(isNotNull(auditLog.seq), gte(auditLog.at, cutoff)))
    .orderBy(asc(auditLog.seq))
    .limit(1);
  const [last] = await db
    .select({ seq: sql<number>`max(${auditLog.seq})`.mapWith(Number) })
    .from(auditLog)
    .where(isNotNull(auditLog.seq));
  const throughSeq = keep && keep.seq !== null ? keep.seq - 1 : (last?.seq ?? base.seq);
  if (!throughSeq || throughSeq <= base.seq)
    return { archived: 0, file: null, firstSeq: null, throughSeq: null };
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(gt(auditLog.seq, base.seq), lte(auditLog.seq, throughSeq)))
    .orderBy(asc(auditLog.seq));
  const firstSeq = base.seq + 1;
  const lastHash = rows.at(-1)!.hash!;
  const header: Header = {
    format: FORMAT,
    version: 1,
    firstSeq,
    throughSeq,
    prevHash: base.hash,
    lastHash,
    count: rows.length,
    retentionDays: opts.retentionDays,
    cutoff: cutoff.toISOString(),
    createdAt: now.toISOString(),
  };
  const body = [JSON.stringify(header), ...rows.map(serialise)].join('\n') + '\n';
  const fileSha256 = sha256(body);
  const signature = archiveMac(crypto, { firstSeq, throughSeq, lastHash, fileSha256 });
  const text = body + JSON.stringify({ sha256: fileSha256, signature }) + '\n';
  mkdirSync(opts.dir, { recursive: true });
  const file = join(
    opts.dir,
    `audit-${String(firstSeq).padStart(10, '0')}-${String(throughSeq).padStart(10, '0')}.jsonl`,
  );
  // Written (and flushed by the OS on close) before any row is removed; a failure below leaves the rows.
  writeFileSync(file, text, { flag: 'wx' });
  await db.transaction(async (tx) => {
    await tx.insert(auditArchives).values({
      firstSeq,
      throughSeq,
      lastHash,
      rowCount: rows.length,
      fileName: basename(file),
      fileSha256,
      signature,
      archivedAt: now,
    });
    // Owner only: the application role owns nothing and may not touch the trigger or delete rows.
    await tx.execute(sql.raw('alter table audit_log disable trigger audit_log_no_update'));
    await tx.delete(auditLog).where(and(gt(auditLog.seq, base.seq), lte(auditLog.seq, throughSeq)));
    await tx.execute(sql.raw('alter table audit_log enable trigger audit_log_no_update'));
  });
  return { archived: rows.length, file, firstSeq, throughSeq };
}

export interface ArchiveCheck {
  ok: boolean;
  problem: string | null;
  count: number;
  firstSeq: number | null;
  throughSeq: number | null;
}

/** Checks an archive file: its signature, every row's place, link and HMAC, and its declared range. */
export function verifyArchiveFile(path: string, crypto: CryptoProvider): ArchiveCheck {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const bad = (problem: string): ArchiveCheck => ({
    ok: false,
    problem,
    count: 0,
    firstSeq: null,
    throughSeq: null,
  });
  if (lines.length < 2) return bad('归档文件不完整');
  let header: Header;
  let seal: { sha256: string; signature: string };
  try {
    header = JSON.parse(lines[0]!) as Header;
    seal = JSON.parse(lines.at(-1)!) as { sha256: string; signature: string };
  } catch {
    return bad('归档文件格式不正确');
  }
  if (header.format !== FORMAT) return bad('不是政讯审计归档文件');
  const body = lines.slice(0, -1).join('\n') + '\n';
  if (sha256(body) !== seal.sha256) return bad('归档文件内容与摘要不符（被改动）');
  const { firstSeq, throughSeq, lastHash } = header;
  if (seal.signature !== archiveMac(crypto, { firstSeq, throughSeq, lastHash, fileSha256: seal.sha256 }))
    return bad('归档文件签名无效');
  let prev = header.prevHash;
  let expected = firstSeq;
  for (const line of lines.slice(1, -1)) {
    const r = parseRow(line);
    if (r.seq !== expected) return bad(`归档中第 ${expected} 条记录缺失`);
    if (r.prevHash !== prev || r.hash !== rowHash(crypto, r, prev))
      return bad(`归档中记录编号 ${r.id} 的内容或链接被改动`);
    prev = r.hash;
    expected++;
  }
  if (expected - 1 !== throughSeq || prev !== lastHash || header.count !== throughSeq - firstSeq + 1)
    return bad('归档文件的记录范围与签名不符');
  return { ok: true, problem: null, count: header.count, firstSeq, throughSeq };
}
