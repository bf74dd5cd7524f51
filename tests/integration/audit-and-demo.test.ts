import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { getCrypto } from '../../src/server/crypto/current.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { sealAll, verifyAuditChain } from '../../src/server/modules/audit/audit.js';
import { hops, items } from '../../src/server/modules/items/schema.js';
import { memberships, orgs, users } from '../../src/server/modules/orgs/schema.js';
import { periodicals } from '../../src/server/modules/periodicals/schema.js';
import { DEMO_PASSWORD, loadDemoData } from '../../src/demo/seed.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  await loadDemoData(t.app.database.db);
});
afterAll(async () => t.close());

describe('demo data', () => {
  it('loads a realistic tree once, with items in every unit-side and hop state', async () => {
    const db = t.app.database.db;
    const [counts] = await queryRows<{ orgs: number; hubs: number; users: number }>(
      db,
      sql`select (select count(*)::int from orgs) as orgs, (select count(*)::int from orgs where is_hub) as hubs, (select count(*)::int from users) as users`,
    );
    expect(counts!.hubs).toBeGreaterThanOrEqual(9);
    expect(counts!.orgs).toBeGreaterThanOrEqual(20);
    expect(counts!.users).toBeGreaterThanOrEqual(50);
    const itemStates = new Set((await db.select({ s: items.state }).from(items)).map((r) => r.s));
    for (const s of ['draft', 'in_review', 'awaiting_signoff', 'submitted', 'revising'])
      expect(itemStates).toContain(s);
    const hopStates = new Set((await db.select({ s: hops.state }).from(hops)).map((r) => r.s));
    for (const s of ['pending', 'received', 'returned', 'handled']) expect(hopStates).toContain(s);
    expect(await loadDemoData(db)).toBe(false);
    const [province] = await db
      .select()
      .from(orgs)
      .where(sql`${orgs.name} = '山西省人民政府办公厅'`);
    expect(province?.isHub).toBe(true);
  });

  it('SEC-22 demo accounts have phones, stored only encrypted (no plain number in the users table)', async () => {
    const db = t.app.database.db;
    const rows = await db.select({ id: users.id, phoneEnc: users.phoneEnc }).from(users);
    expect(rows.filter((r) => r.phoneEnc !== null).length).toBeGreaterThanOrEqual(50);
    const raw = await queryRows<{ j: string }>(db, sql`select row_to_json(u)::text as j from users u`);
    expect(raw.map((r) => r.j).join('\n')).not.toMatch(/1390000\d{4}/);
  });

  it('sets every demo periodical up with a distribution list, 报/送/发 lines and a print run', async () => {
    const rows = await t.app.database.db.select().from(periodicals);
    expect(rows.length).toBeGreaterThan(5);
    for (const p of rows) {
      expect(p.defaultRecipientOrgIds.length, p.name).toBeGreaterThan(0);
      expect(p.defaultRecipientOrgIds, p.name).toContain(p.hubId);
      expect(p.defaultCopies, p.name).toBeGreaterThan(0);
      expect(
        p.defaultLines.bao.length + p.defaultLines.song.length + p.defaultLines.fa.length,
      ).toBeGreaterThan(2);
    }
  });

  it('lets every demo account listed in the README log in', async () => {
    for (const u of [
      'thq_xxy',
      'thq_shr',
      'thq_qfr',
      'fy_bj',
      'fy_zb',
      'll_bj',
      'jz_bj',
      'sx_bj',
      'sysadmin',
      'auditadmin',
    ])
      await Client.login(t.app, u, DEMO_PASSWORD);
  });

  it('SEC-08 keeps the three administrators apart from business roles (database trigger)', async () => {
    const db = t.app.database.db;
    const [admin] = await db
      .select()
      .from(users)
      .where(sql`${users.username} = 'sysadmin'`);
    const [org] = await db.select().from(orgs).limit(1);
    await expect(
      db.insert(memberships).values({ userId: admin!.id, orgId: org!.id, role: 'editor' }),
    ).rejects.toThrow();
  });
});

describe('audit log', () => {
  it('SEC-16 SEC-17 writes one hash-chained row per workflow event and login, verifiable end to end', async () => {
    const db = t.app.database.db;
    const [c] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from audit_log where event like 'item.%'`,
    );
    const [e] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from item_events`);
    expect(c!.n).toBe(e!.n);
    const logins = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.event} = 'auth.login'`);
    expect(logins.length).toBeGreaterThan(0);
    await sealAll(db, getCrypto());
    expect(await verifyAuditChain(db, getCrypto())).toMatchObject({ ok: true, brokenAt: null, unsealed: 0 });
  });

  it('SEC-17 refuses UPDATE and DELETE on audit rows', async () => {
    const db = t.app.database.db;
    await expect(db.execute(sql`update audit_log set event = 'x' where id = 1`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_log where id = 1`)).rejects.toThrow();
  });

  it('names the first broken row when a row is altered behind the trigger', async () => {
    const db = t.app.database.db;
    await sealAll(db, getCrypto());
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
      await tx.execute(sql`update audit_log set result = 'failure' where id = 3`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    });
    expect((await verifyAuditChain(db, getCrypto())).brokenAt).toBe(3);
  });
});
