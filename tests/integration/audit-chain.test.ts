import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCrypto } from '../../src/server/crypto/current.js';
import { queryRows } from '../../src/server/db/client.js';
import { sealAll, sealAudit, verifyAuditChain, writeAudit } from '../../src/server/modules/audit/audit.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import type { Db } from '../../src/server/db/client.js';

/**
 * The audit chain with sealing: writers append without a lock, the sealer chains committed rows in order
 * and moves a signed head. Tampering with any sealed row, removing rows in the middle or at the end, and
 * forging the head are all detected; concurrent writers and sealers still produce one gap-free chain.
 */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const db = () => t.app.database.db;
const write = (n: number, event = 'test.event', d: Db = db()) =>
  d.transaction(async (tx) => {
    for (let i = 0; i < n; i++)
      await writeAudit(tx, {
        at: new Date(),
        userId: null,
        ip: '127.0.0.1',
        requestId: null,
        event,
        objectType: 'test',
        objectId: String(i),
        result: 'success',
        detail: { i, nested: { b: 2, a: 1 } },
      });
  });
const behindTheTrigger = (statement: string, d: Db = db()) =>
  d.transaction(async (tx) => {
    await tx.execute(sql.raw('alter table audit_log disable trigger audit_log_no_update'));
    await tx.execute(sql.raw(statement));
    await tx.execute(sql.raw('alter table audit_log enable trigger audit_log_no_update'));
  });

/** A database of its own, for a test that damages the chain. */
async function withOwnDatabase(fn: (d: Db) => Promise<void>): Promise<void> {
  const own = await buildTestApp();
  try {
    await fn(own.app.database.db);
  } finally {
    await own.close();
  }
}

describe('SEC-17 audit chain sealing', () => {
  it('leaves new rows unsealed until the sealer chains them, then verifies', async () => {
    await write(5);
    const before = await verifyAuditChain(db(), getCrypto());
    expect(before.unsealed).toBeGreaterThanOrEqual(5);
    expect(await sealAll(db(), getCrypto())).toBeGreaterThanOrEqual(5);
    expect(await verifyAuditChain(db(), getCrypto())).toMatchObject({ ok: true, unsealed: 0 });
  });

  it('chains 25 concurrent writers and 3 concurrent sealers into one gap-free chain', async () => {
    await Promise.all([
      ...Array.from({ length: 25 }, (_, i) => write(4, `burst.${i}`)),
      sealAudit(db(), getCrypto(), 7),
      sealAudit(db(), getCrypto(), 7),
      sealAudit(db(), getCrypto(), 7),
    ]);
    await sealAll(db(), getCrypto());
    const report = await verifyAuditChain(db(), getCrypto());
    expect(report).toMatchObject({ ok: true, unsealed: 0 });
    const [row] = await queryRows<{ n: number; max: number }>(
      db(),
      sql`select count(*)::int as n, max(seq)::int as max from audit_log`,
    );
    expect(row!.max).toBe(row!.n);
    expect(report.checked).toBe(row!.n);
  });

  it('refuses to re-seal or alter a sealed row, and refuses to move the head back', async () => {
    await expect(db().execute(sql`update audit_log set seq = seq + 1000 where seq = 1`)).rejects.toThrow();
    await expect(db().execute(sql`update audit_log set detail = null where seq = 2`)).rejects.toThrow();
    await expect(db().execute(sql`delete from audit_log where seq = 3`)).rejects.toThrow();
    await expect(db().execute(sql`update audit_head set seq = seq - 1`)).rejects.toThrow();
    await expect(db().execute(sql`delete from audit_head`)).rejects.toThrow();
  });

  it('detects the newest rows removed behind the trigger (the signed head counts them)', async () => {
    await write(3, 'to.remove');
    await sealAll(db(), getCrypto());
    await behindTheTrigger(`delete from audit_log where seq > (select max(seq) - 2 from audit_log)`);
    const report = await verifyAuditChain(db(), getCrypto());
    expect(report.ok).toBe(false);
    expect(report.problem).toContain('最新的记录被删除');
  });
});

describe('a row forged past the application', () => {
  it('is never sealed, does not stop the sealer, and is reported', () =>
    withOwnDatabase(async (d) => {
      const [forged] = await queryRows<{ id: number }>(
        d,
        sql`insert into audit_log (at, event, result, prev_hash, hash) values (now(), 'auth.login', 'success', ${'f'.repeat(64)}, ${'0'.repeat(64)}) returning id::int`,
      );
      await write(1, 'after', d);
      expect(await sealAll(d, getCrypto())).toBe(1);
      expect(await verifyAuditChain(d, getCrypto())).toMatchObject({ ok: false, brokenAt: forged!.id });
    }));
});

describe('audit chain tampering in the middle', () => {
  it('names the row whose content changed', () =>
    withOwnDatabase(async (d) => {
      await write(6, 'x', d);
      await sealAll(d, getCrypto());
      const [victim] = await queryRows<{ id: number }>(d, sql`select id::int from audit_log where seq = 4`);
      await behindTheTrigger(`update audit_log set event = 'y' where seq = 4`, d);
      expect(await verifyAuditChain(d, getCrypto())).toMatchObject({ ok: false, brokenAt: victim!.id });
    }));

  it('names the gap when a middle row is deleted', () =>
    withOwnDatabase(async (d) => {
      await write(6, 'x', d);
      await sealAll(d, getCrypto());
      await behindTheTrigger('delete from audit_log where seq = 3', d);
      const report = await verifyAuditChain(d, getCrypto());
      expect(report.ok).toBe(false);
      expect(report.problem).toContain('第 3 条记录缺失');
    }));
});
