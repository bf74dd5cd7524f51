import { asc, desc, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { auditLog, type AuditResult } from './schema.js';

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

const GENESIS = '0'.repeat(64);
/** Serialises writers of the chain inside their transactions. */
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
 * Appends one row to the hash-chained audit log in the caller's transaction: if this write fails, the
 * action it records fails with it.
 */
export async function writeAudit(tx: Db, crypto: CryptoProvider, entry: AuditEntry): Promise<void> {
  await writeAuditBatch(tx, crypto, [entry]);
}

/** Walks the chain and names the first row whose hash or link does not hold; null when intact. */
export async function verifyAuditChain(
  db: Db,
  crypto: CryptoProvider,
): Promise<{ brokenAt: number | null; checked: number }> {
  let prevHash = GENESIS;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, lastId))
      .orderBy(asc(auditLog.id))
      .limit(1000);
    if (rows.length === 0) return { brokenAt: null, checked };
    for (const r of rows) {
      const entry: AuditEntry = {
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
      if (r.prevHash !== prevHash || r.hash !== crypto.mac(canonical(entry, prevHash)))
        return { brokenAt: r.id, checked };
      prevHash = r.hash;
      lastId = r.id;
      checked++;
    }
  }
}

/**
 * Appends many rows at once (bulk loads such as the demo history): one lock, one read of the chain's end,
 * hashes computed in order, inserted in chunks.
 */
export async function writeAuditBatch(
  tx: Db,
  crypto: CryptoProvider,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  let prevHash = last?.hash ?? GENESIS;
  const rows = entries.map((entry) => {
    const e = { ...entry, at: new Date(Math.floor(entry.at.getTime())) };
    const hash = crypto.mac(canonical(e, prevHash));
    const row = {
      at: e.at,
      userId: e.userId,
      ip: e.ip,
      requestId: e.requestId,
      event: e.event,
      objectType: e.objectType ?? null,
      objectId: e.objectId ?? null,
      result: e.result,
      detail: e.detail ?? null,
      prevHash,
      hash,
    };
    prevHash = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 500) await tx.insert(auditLog).values(rows.slice(i, i + 500));
}
