import { and, asc, desc, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import type { UseCaseContext } from '../../http/context.js';
import { auditArchives, auditHead, auditLog, type AuditResult } from './schema.js';

export interface AuditEntry {
  at: Date;
  userId: string | null;
  ip: string | null;
  requestId: string | null;
  event: string;
  objectType?: string | null;
  objectId?: string | null;
  result: AuditResult;
  detail?: Record<string, unknown> | null;
}

export const GENESIS = '0'.repeat(64);
/** Held by the one sealer at work (try-lock); writers never take it. */
const CHAIN_LOCK = 762832;

/** JSON with object keys sorted at every depth: jsonb does not keep key order, the hash must not care. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function canonical(e: AuditEntry, prevHash: string): string {
  return stableStringify([
    e.at.toISOString(),
    e.userId,
    e.ip,
    e.requestId,
    e.event,
    e.objectType ?? null,
    e.objectId ?? null,
    e.result,
    e.detail ?? null,
    prevHash,
  ]);
}

/**
 * Appends one row to the audit log in the caller's transaction: if this write fails, the action it records
 * fails with it. The row is written unsealed and takes no lock, so no write waits for another's audit row;
 * the sealer chains it within a second of its commit (sealAudit).
 */
export async function writeAudit(tx: Db, entry: AuditEntry): Promise<void> {
  await writeAuditBatch(tx, [entry]);
}

/**
 * The audit row of a successful change made by the acting user, in the change's own transaction: if it
 * cannot be written, the change is rolled back with it (SECURITY.md §16). Every module's audit helper is
 * this call with its event prefix.
 */
export async function auditAction(
  ctx: UseCaseContext,
  event: string,
  object: { type: string; id: string | null },
  detail?: Record<string, unknown> | null,
): Promise<void> {
  await ctx.tx.insert(auditLog).values(auditActionRow(ctx, event, object, detail));
}

/**
 * The row `auditAction` writes, for a caller that inserts it in a statement of its own making (a
 * module's event row and its audit row in one statement); still unsealed, still in the caller's
 * transaction.
 */
export function auditActionRow(
  ctx: UseCaseContext,
  event: string,
  object: { type: string; id: string | null },
  detail?: Record<string, unknown> | null,
): typeof auditLog.$inferInsert {
  return auditRowOf({
    at: ctx.now,
    userId: ctx.actor.userId,
    ip: ctx.ip,
    requestId: ctx.requestId,
    event,
    objectType: object.type,
    objectId: object.id,
    result: 'success',
    detail: detail ?? null,
  });
}

function auditRowOf(e: AuditEntry): typeof auditLog.$inferInsert {
  return {
    at: new Date(Math.floor(e.at.getTime())),
    userId: e.userId,
    ip: e.ip,
    requestId: e.requestId,
    event: e.event,
    objectType: e.objectType ?? null,
    objectId: e.objectId ?? null,
    result: e.result,
    detail: e.detail ?? null,
  };
}

/** Appends many rows at once (bulk loads such as the demo history), in chunks. */
export async function writeAuditBatch(tx: Db, entries: readonly AuditEntry[]): Promise<void> {
  const rows = entries.map(auditRowOf);
  for (let i = 0; i < rows.length; i += 500) await tx.insert(auditLog).values(rows.slice(i, i + 500));
}

const HEAD_ID = 1;
const headMac = (crypto: CryptoProvider, seq: number, lastHash: string) =>
  crypto.mac(`audit_head:${seq}:${lastHash}`);

/** A sealed row's HMAC given the previous row's hash (what the sealer computes and the verifiers recompute). */
export function rowHash(crypto: CryptoProvider, r: typeof auditLog.$inferSelect, prevHash: string): string {
  return crypto.mac(canonical(entryOf(r), prevHash));
}

/** The HMAC binding an archive record: its seq range, the last archived hash and the file's digest. */
export const archiveMac = (
  crypto: CryptoProvider,
  a: { firstSeq: number; throughSeq: number; lastHash: string; fileSha256: string },
) => crypto.mac(`audit_archive:${a.firstSeq}:${a.throughSeq}:${a.lastHash}:${a.fileSha256}`);

/**
 * Where the chain in audit_log starts: after the newest archive (its last seq and hash, signature checked),
 * or at the genesis. Null signature check result means intact.
 */
export async function chainBase(
  db: Db,
  crypto: CryptoProvider,
): Promise<{ seq: number; hash: string; problem: string | null }> {
  const [a] = await db.select().from(auditArchives).orderBy(desc(auditArchives.throughSeq)).limit(1);
  if (!a) return { seq: 0, hash: GENESIS, problem: null };
  const problem = a.signature === archiveMac(crypto, a) ? null : `归档记录 ${a.id} 的签名无效`;
  return { seq: a.throughSeq, hash: a.lastHash, problem };
}

function entryOf(r: typeof auditLog.$inferSelect): AuditEntry {
  return {
    at: r.at,
    userId: r.userId,
    ip: r.ip,
    requestId: r.requestId,
    event: r.event,
    objectType: r.objectType,
    objectId: r.objectId,
    result: r.result,
    detail: r.detail,
  };
}

/**
 * Seals committed rows into the chain, oldest first, up to `limit` rows: each gets the next place (seq),
 * the previous row's hash and its own HMAC, and the signed head moves to the last one, all in one short
 * transaction. Only one sealer works at a time across every instance (a try-lock: the others skip), and
 * nothing else ever takes that lock, so sealing never holds up a request. Returns how many rows it sealed.
 */
export async function sealAudit(db: Db, crypto: CryptoProvider, limit = 2000): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = await queryRows<{ ok: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(${CHAIN_LOCK}) as ok`,
    );
    if (!lock?.ok) return 0;
    const pending = await tx
      .select()
      .from(auditLog)
      // A row that arrived with a hash was not written by the application (writers never hash): it is left
      // for verification to report, never sealed into the chain.
      .where(and(isNull(auditLog.seq), isNull(auditLog.hash), isNull(auditLog.prevHash)))
      .orderBy(asc(auditLog.id))
      .limit(limit);
    if (pending.length === 0) return 0;
    const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, HEAD_ID));
    let seq = head?.seq ?? 0;
    let prevHash = head?.lastHash ?? GENESIS;
    if (!head) {
      // First sealing on a log chained before sealing existed: continue from its last row.
      const [last] = await tx
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .where(isNotNull(auditLog.seq))
        .orderBy(desc(auditLog.seq))
        .limit(1);
      seq = last?.seq ?? 0;
      prevHash = last?.hash ?? GENESIS;
    }
    const sealed = pending.map((r) => {
      const hash = crypto.mac(canonical(entryOf(r), prevHash));
      const row = { id: r.id, seq: ++seq, prev: prevHash, hash };
      prevHash = hash;
      return row;
    });
    await tx.execute(sql`
      update audit_log a set seq = v.seq, prev_hash = v.prev, hash = v.hash
      from jsonb_to_recordset(${JSON.stringify(sealed)}::jsonb) as v(id bigint, seq bigint, prev text, hash text)
      where a.id = v.id and a.seq is null`);
    const values = {
      seq,
      lastHash: prevHash,
      signature: headMac(crypto, seq, prevHash),
      sealedAt: new Date(),
    };
    await tx
      .insert(auditHead)
      .values({ id: HEAD_ID, ...values })
      .onConflictDoUpdate({ target: auditHead.id, set: values });
    return sealed.length;
  });
}

/** Seals until nothing is left (start-up, shutdown, before a verification). */
export async function sealAll(db: Db, crypto: CryptoProvider): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealAudit(db, crypto);
    total += n;
    if (n === 0) return total;
  }
}

export interface ChainReport {
  ok: boolean;
  /** Id of the first row whose place, link or HMAC does not hold; null when the rows hold. */
  brokenAt: number | null;
  /** What is wrong, in Chinese, for the CLI and the audit administrator's screen; null when intact. */
  problem: string | null;
  checked: number;
  /** Rows not yet sealed (normally only those of the last second). */
  unsealed: number;
}

/**
 * Walks the chain in seal order and checks every row's place, link and HMAC, then the signed head: a
 * changed, inserted, reordered or removed row, or removed newest rows, all show. Read-only.
 */
export async function verifyAuditChain(db: Db, crypto: CryptoProvider): Promise<ChainReport> {
  // Rows archived under the retention rule (archive.ts) are gone from the table: the chain continues from
  // the newest archive's signed last hash.
  const base = await chainBase(db, crypto);
  let prevHash = base.hash;
  let expected = base.seq + 1;
  let checked = 0;
  const [count] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from audit_log where seq is null and hash is null`,
  );
  const unsealed = count?.n ?? 0;
  const broken = (id: number | null, problem: string): ChainReport => ({
    ok: false,
    brokenAt: id,
    problem,
    checked,
    unsealed,
  });
  if (base.problem) return broken(null, base.problem);
  for (let after = base.seq; ;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, after))
      .orderBy(asc(auditLog.seq))
      .limit(1000);
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.seq !== expected) return broken(r.id, `第 ${expected} 条记录缺失（记录编号 ${r.id} 之前）`);
      if (r.prevHash !== prevHash || r.hash !== crypto.mac(canonical(entryOf(r), prevHash)))
        return broken(r.id, `记录编号 ${r.id} 的内容或链接被改动`);
      prevHash = r.hash;
      after = r.seq;
      expected++;
      checked++;
    }
  }
  const [forged] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(isNull(auditLog.seq), or(isNotNull(auditLog.hash), isNotNull(auditLog.prevHash))))
    .orderBy(asc(auditLog.id))
    .limit(1);
  if (forged) return broken(forged.id, `记录编号 ${forged.id} 不是由本系统写入的（带有伪造的哈希）`);
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, HEAD_ID));
  if (!head)
    return checked === 0
      ? { ok: true, brokenAt: null, problem: null, checked, unsealed }
      : broken(null, '链头记录缺失');
  if (head.signature !== headMac(crypto, head.seq, head.lastHash)) return broken(null, '链头签名无效');
  if (head.seq !== base.seq + checked || head.lastHash !== prevHash)
    return broken(null, `链头记录有 ${head.seq - base.seq} 条，实有 ${checked} 条：最新的记录被删除或替换`);
  return { ok: true, brokenAt: null, problem: null, checked, unsealed };
}
