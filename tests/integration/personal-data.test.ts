import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { getCrypto } from '../../src/server/crypto/current.js';
import { openPersonal, personalIndex, USER_PHONE } from '../../src/server/crypto/personal-data.js';
import { nodeCryptoProvider, type CryptoProvider } from '../../src/server/crypto/provider.js';
import { queryRows, type Db } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';
import { hashPassword } from '../../src/server/modules/auth/passwords.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import type { Role } from '../../src/server/modules/orgs/domain.js';
import { users } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

/**
 * SECURITY.md §22 on this engine: users' phones are stored only as SM4 ciphertext (raw SQL shows no digits
 * of them), answered masked by every endpoint, and revealed in plain only to the person themself and the
 * administrator of a unit they belong to, through an audited, rate-limited POST.
 */

/**
 * Values random by construction, which may hold any run of digits by chance: ids, the tests' generated
 * usernames (u_<hex>), argon2 hashes, the phone's ciphertext and blind index (checked apart: they must open to
 * the phone / match it), and timestamps (“…57.155663” once matched a phone's masked middle; “u_a12347a199”
 * once held “1234”).
 */
const RANDOM_COLUMNS = new Set(['id', 'username', 'password_hash', 'phone_enc', 'phone_index']);

/** Every other column of every users row as the database holds it, as text, those values blanked. */
async function rawUsers(db: Db): Promise<string> {
  const rows = await queryRows<{ j: string }>(db, sql`select row_to_json(u)::text as j from users u`);
  return rows
    .map((r) => {
      const row = JSON.parse(r.j) as Record<string, unknown>;
      for (const k of Object.keys(row)) if (RANDOM_COLUMNS.has(k) && row[k] !== null) row[k] = `<${k}>`;
      return JSON.stringify(row).replace(
        /"\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}(?::\d{2})?)"/g,
        '"<timestamp>"',
      );
    })
    .join('\n');
}

/** The digit runs of a phone that must never be stored or answered in plain. */
function expectNoDigitsOf(answer: string, phone: string): void {
  // Ids and the tests' generated usernames are random hex: any run of digits may turn up in them by chance.
  const text = answer
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\bu_[0-9a-f]{10}\b/g, '<username>');
  const digits = phone.replace(/\D/g, '');
  expect(text).not.toContain(phone);
  expect(text).not.toContain(digits);
  expect(text).not.toContain(digits.slice(3, -4)); // the masked middle
  expect(text).not.toContain(digits.slice(0, 8));
}

const marksPhoneStep = (_file: string, text: string) => text.includes('zx:data-step encrypt-user-phones');

describe('SEC-22 migration of plain phones', () => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  // The key the server of these tests uses (demo mode's audit key): what buildApp installs.
  const crypto = nodeCryptoProvider(Buffer.from(loadConfig({}).auditKey));
  const ids = { a: randomUUID(), b: randomUUID(), none: randomUUID(), blank: randomUUID() };

  beforeAll(async () => {
    // An older install: every migration before the one that encrypts phones, plain phones in the table.
    database = await testDatabase({ stopBefore: marksPhoneStep });
    const hash = await hashPassword(PASSWORD);
    const rows: [string, string | null][] = [
      [ids.a, '13800138000'],
      [ids.b, ' 139-0000-1111 '],
      [ids.none, null],
      [ids.blank, '  '],
    ];
    for (const [id, phone] of rows)
      await database.db.execute(
        sql`insert into users (id, username, display_name, phone, password_hash)
            values (${id}, ${'old_' + id.slice(0, 8)}, ${'旧用户'}, ${phone}, ${hash})`,
      );
    expect(await rawUsers(database.db)).toContain('13800138000');
  }, 60_000);
  afterAll(async () => database.drop());

  it('SEC-22 a failing data step rolls its whole migration back; the next start converts every plain phone', async () => {
    const broken: CryptoProvider = {
      ...crypto,
      seal: () => {
        throw new Error('key provider unavailable');
      },
    };
    await expect(migrate(database, { crypto: broken })).rejects.toThrow(/key provider unavailable/);
    // Nothing half-done: the plain column is still there with its values, no ciphertext column yet.
    expect(await rawUsers(database.db)).toContain('13800138000');

    const applied = await migrate(database, { crypto });
    expect(applied.some((f) => f.includes('users_phone_encrypted'))).toBe(true);
    const columns = await queryRows<{ column_name: string }>(
      database.db,
      sql`select column_name from information_schema.columns where table_name = 'users' and column_name like 'phone%'`,
    );
    expect(columns.map((c) => c.column_name).sort()).toEqual(['phone_enc', 'phone_index']);

    // No plain phone is left anywhere in the table (read directly from the database).
    const raw = await rawUsers(database.db);
    expectNoDigitsOf(raw, '13800138000');
    expectNoDigitsOf(raw, '13900001111');
    const stored = await database.db.select().from(users);
    const byId = new Map(stored.map((u) => [u.id, u]));
    expect(openPersonal(USER_PHONE, ids.a, byId.get(ids.a)!.phoneEnc!, crypto)).toBe('13800138000');
    expect(openPersonal(USER_PHONE, ids.b, byId.get(ids.b)!.phoneEnc!, crypto)).toBe('139-0000-1111');
    expect(byId.get(ids.a)!.phoneIndex).toBe(personalIndex(USER_PHONE, '13800138000', crypto));
    expect(byId.get(ids.b)!.phoneIndex).toBe(personalIndex(USER_PHONE, '13900001111', crypto));
    for (const id of [ids.none, ids.blank]) {
      expect(byId.get(id)!.phoneEnc).toBeNull();
      expect(byId.get(id)!.phoneIndex).toBeNull();
    }

    // Idempotent: another start applies nothing and changes nothing.
    expect(await migrate(database, { crypto })).toEqual([]);
    expect(await rawUsers(database.db)).toBe(raw);
    expect(await database.db.select().from(users)).toEqual(stored);
  });
});

describe('SEC-22 phones through the API', () => {
  let t: TestApp;
  let unitA: string;
  let unitB: string;
  const acc = {} as Record<string, { id: string; username: string }>;
  const cl = {} as Record<string, Client>;
  const PHONE = '13812345678';
  const NEW_PHONE = '021-5566 7788';
  let person: { id: string; username: string };
  let personClient: Client;

  const accounts: [string, 'root' | 'A' | 'B', Role[]][] = [
    ['sys', 'root', ['sys_admin']],
    ['sec', 'root', ['sec_admin']],
    ['audit', 'root', ['audit_admin']],
    ['adminA', 'A', ['org_admin']],
    ['adminB', 'B', ['org_admin']],
    ['colleague', 'A', ['writer', 'reviewer']],
  ];

  beforeAll(async () => {
    t = await buildTestApp({ config: { revealPerHour: 8 } });
    const db = t.app.database.db;
    const root = await buildOrg(db, { name: '市政府办', parentId: null, level: 'city', isHub: true });
    unitA = await buildOrg(db, { name: '甲局', parentId: root, level: 'county', kind: 'department' });
    unitB = await buildOrg(db, { name: '乙局', parentId: root, level: 'county', kind: 'department' });
    const where = { root, A: unitA, B: unitB };
    for (const [name, w, roles] of accounts) {
      acc[name] = await buildUser(db, where[w], roles, name);
      cl[name] = await Client.login(t.app, acc[name].username, PASSWORD);
    }
    // The unit administrator opens the account with a phone: the write path encrypts.
    const created = await cl.adminA!.post('/api/users', {
      username: 'zhang_pii',
      displayName: '张三',
      phone: PHONE,
      memberships: [{ orgId: unitA, role: 'writer' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{ id: string; phoneMasked: string; temporaryPassword: string }>();
    expect(body.phoneMasked).toBe('138****5678');
    expectNoDigitsOf(created.body, PHONE);
    person = { id: body.id, username: 'zhang_pii' };
    // First login with the one-time password, then a password of their own.
    const first = await Client.login(t.app, person.username, body.temporaryPassword);
    const changed = await first.post('/api/auth/password', {
      currentPassword: body.temporaryPassword,
      newPassword: PASSWORD,
    });
    expect(changed.statusCode, changed.body).toBeLessThan(300);
    personClient = await Client.login(t.app, person.username, PASSWORD);
  }, 90_000);
  afterAll(async () => t.close());

  const reveals = async (objectId: string) =>
    (
      await t.app.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.event, 'user.phone_reveal'), eq(auditLog.objectId, objectId)))
    ).length;

  it('SEC-22 the phone is stored encrypted: raw SQL shows no digits of it, the ciphertext opens to it', async () => {
    const raw = await rawUsers(t.app.database.db);
    expectNoDigitsOf(raw, PHONE);
    const [row] = await t.app.database.db.select().from(users).where(eq(users.id, person.id));
    expect(row!.phoneEnc).toMatch(/^v2\.[0-9a-f]{12}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(openPersonal(USER_PHONE, person.id, row!.phoneEnc!, getCrypto())).toBe(PHONE);
    expect(row!.phoneIndex).toBe(personalIndex(USER_PHONE, PHONE));
  });

  it('SEC-22 every answer carrying the account masks the phone; only who may reveal is offered 查看', async () => {
    for (const who of ['adminA', 'sys', 'sec'] as const) {
      const res = await cl[who]!.get(`/api/users?orgId=${unitA}`);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      expectNoDigitsOf(res.body, PHONE);
      const u = res
        .json<{ id: string; phoneMasked: string | null; abilities: { revealPhone: boolean } }[]>()
        .find((x) => x.id === person.id)!;
      expect(u.phoneMasked).toBe('138****5678');
      expect(u).not.toHaveProperty('phone');
      expect(u.abilities.revealPhone, who).toBe(who === 'adminA');
      const others = res
        .json<{ id: string; phoneMasked: string | null }[]>()
        .filter((x) => x.id !== person.id);
      for (const o of others) expect(o.phoneMasked).toBeNull();
    }
    // The OpenAPI document describes the masked field and the reveal, never a plain phone.
    const doc = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const text = doc.body;
    expect(text).toContain('phoneMasked');
    expect(text).toContain('/api/users/{id}/phone/reveal');
    const spec = doc.json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    const listSchema = JSON.stringify(spec.paths['/api/users']!.get!.responses['200']);
    expect(listSchema).toContain('phoneMasked');
    expect(listSchema).not.toMatch(/"phone"/);
  });

  it('SEC-22 reveal: the person themself and their unit administrator, audited in the same transaction', async () => {
    const before = await reveals(person.id);
    const self = await personClient.post(`/api/users/${person.id}/phone/reveal`);
    expect(self.statusCode, self.body).toBe(200);
    expect(self.json()).toEqual({ phone: PHONE });
    expect(self.headers['cache-control']).toBe('no-store');
    const admin = await cl.adminA!.post(`/api/users/${person.id}/phone/reveal`);
    expect(admin.statusCode, admin.body).toBe(200);
    expect(admin.json()).toEqual({ phone: PHONE });
    expect(await reveals(person.id)).toBe(before + 2);
    const [row] = await t.app.database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.event, 'user.phone_reveal'),
          eq(auditLog.objectId, person.id),
          eq(auditLog.userId, acc.adminA!.id),
        ),
      );
    expect(row).toMatchObject({ objectType: 'user', result: 'success' });
    expect(row!.detail).toMatchObject({ username: person.username, self: false, field: 'users.phone' });
    // The audit row never holds the number.
    expectNoDigitsOf(JSON.stringify(row), PHONE);
  });

  it('SEC-22 reveal refused to everyone else: 403 for the 三员 who list accounts, 404 (one body) outside scope', async () => {
    const before = await reveals(person.id);
    const missing = await cl.adminA!.post(`/api/users/${randomUUID()}/phone/reveal`);
    expect(missing.statusCode).toBe(404);
    const cases: [string, number][] = [
      ['sys', 403],
      ['sec', 403],
      ['audit', 404],
      ['adminB', 404],
      ['colleague', 404],
    ];
    for (const [who, status] of cases) {
      const res = await cl[who]!.post(`/api/users/${person.id}/phone/reveal`);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(status);
      expectNoDigitsOf(res.body, PHONE);
      if (status === 404) expect(res.body).toBe(missing.body);
    }
    expect(await reveals(person.id)).toBe(before);
    // The 三员 reveal their own phone like anyone else; the unit administrator never an administrator's.
    const sysPhone = await cl.sys!.send('PATCH', `/api/users/${acc.sys!.id}`, {
      rowVersion: await version(acc.sys!.id),
      phone: '13900000001',
    });
    expect(sysPhone.statusCode, sysPhone.body).toBe(200);
    expect((await cl.sys!.post(`/api/users/${acc.sys!.id}/phone/reveal`)).json()).toEqual({
      phone: '13900000001',
    });
  });

  it('SEC-22 writes encrypt, validation is unchanged (400 naming the field), clearing removes both columns', async () => {
    const bad = await cl.adminA!.send('PATCH', `/api/users/${person.id}`, {
      rowVersion: await version(person.id),
      phone: 'call me',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { field: string } }>().details.field).toBe('phone');

    const res = await cl.adminA!.send('PATCH', `/api/users/${person.id}`, {
      rowVersion: await version(person.id),
      phone: NEW_PHONE,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ phoneMasked: string }>().phoneMasked).toBe('021****7788');
    expectNoDigitsOf(res.body, NEW_PHONE);
    expectNoDigitsOf(await rawUsers(t.app.database.db), NEW_PHONE);
    // The change's audit row says the phone changed, never what to.
    const [audit] = await t.app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.event, 'user.update'), eq(auditLog.objectId, person.id)))
      .orderBy(sql`${auditLog.id} desc`)
      .limit(1);
    expect(audit!.detail).toMatchObject({ changes: { phone: '(已修改)' } });
    expectNoDigitsOf(JSON.stringify(audit), NEW_PHONE);
    expect((await personClient.post(`/api/users/${person.id}/phone/reveal`)).json()).toEqual({
      phone: NEW_PHONE,
    });

    const cleared = await cl.adminA!.send('PATCH', `/api/users/${person.id}`, {
      rowVersion: await version(person.id),
      phone: null,
    });
    expect(cleared.json<{ phoneMasked: string | null }>().phoneMasked).toBeNull();
    const [row] = await t.app.database.db.select().from(users).where(eq(users.id, person.id));
    expect(row).toMatchObject({ phoneEnc: null, phoneIndex: null });
  });

  it('SEC-22 a tampered or foreign ciphertext is never shown: masked list fails closed, reveal answers 409', async () => {
    const other = await buildUser(t.app.database.db, unitA, ['writer'], '李四');
    const [victim] = await t.app.database.db.select().from(users).where(eq(users.id, acc.sys!.id));
    // Another account's ciphertext copied onto this one: bound to its row, it does not open here.
    await t.app.database.db.update(users).set({ phoneEnc: victim!.phoneEnc }).where(eq(users.id, other.id));
    const list = await cl.adminA!.get(`/api/users?orgId=${unitA}`);
    expect(list.statusCode).toBe(200);
    const row = list.json<{ id: string; phoneMasked: string }[]>().find((u) => u.id === other.id)!;
    expect(row.phoneMasked).toBe('（无法解密）');
    const reveal = await cl.adminA!.post(`/api/users/${other.id}/phone/reveal`);
    expect(reveal.statusCode).toBe(409);
    expectNoDigitsOf(reveal.body, '13900000001');
  });

  it('SEC-22 reveals are rate-limited per user per hour (429 with Retry-After)', async () => {
    const used = (
      await t.app.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.event, 'user.phone_reveal'), eq(auditLog.userId, acc.adminA!.id)))
    ).length;
    for (let i = used; i < 8; i++)
      expect((await cl.adminA!.post(`/api/users/${acc.adminA!.id}/phone/reveal`)).statusCode).toBe(200);
    const refused = await cl.adminA!.post(`/api/users/${acc.adminA!.id}/phone/reveal`);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  async function version(id: string): Promise<number> {
    const [u] = await t.app.database.db.select().from(users).where(eq(users.id, id));
    return u!.rowVersion;
  }
});
