import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { memberships, users } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';
import { mailedPassword, SmtpCatcher } from '../helpers/smtp-catcher.js';

/**
 * SEC-08 (三员分立) two-person rule — 系统管理员创建、安全管理员审核: a 单位管理员 role the system administrator grants
 * (an account it opens) takes effect only once a security administrator confirms it. Otherwise the system
 * administrator could open one with a mailbox they control and, as that unit administrator, a business account
 * whose one-time password they are shown.
 */
let t: TestApp;
const catcher = new SmtpCatcher();
let hubId: string;
let unitId: string;
const clients = {} as Record<'sys' | 'sec' | 'audit' | 'unitAdmin', Client>;

beforeAll(async () => {
  await catcher.start();
  t = await buildTestApp({
    config: {
      mode: 'production',
      mail: { url: catcher.url, from: '政讯平台 <zx@example.gov.cn>', domains: [] },
    },
  });
  const db = t.app.database.db;
  hubId = await buildOrg(db, { name: '省政府办公厅', parentId: null, level: 'province', isHub: true });
  unitId = await buildOrg(db, { name: '某厅', parentId: hubId, level: 'province', kind: 'department' });
  const make = async (
    key: keyof typeof clients,
    orgId: string,
    role: 'sys_admin' | 'sec_admin' | 'audit_admin' | 'org_admin',
  ) => {
    const u = await buildUser(db, orgId, [role]);
    clients[key] = await Client.login(t.app, u.username, PASSWORD);
  };
  await make('sys', hubId, 'sys_admin');
  await make('sec', hubId, 'sec_admin');
  await make('audit', hubId, 'audit_admin');
  await make('unitAdmin', unitId, 'org_admin');
}, 60_000);
afterAll(async () => {
  await t.close();
  await catcher.stop();
});

const db = () => t.app.database.db;
const uniqueName = (p: string) => `${p}_${randomUUID().slice(0, 8)}`;

interface PendingGrant {
  userId: string;
  username: string;
  orgId: string;
  orgName: string;
  role: string;
  grantedBy: string | null;
  grantedByUsername: string | null;
  grantedAt: string;
}

/** The system administrator opens a unit administrator; the person takes the mailed password and sets their own. */
async function sysOpensUnitAdmin(): Promise<{ id: string; username: string; person: Client }> {
  const username = uniqueName('ua');
  const email = `${username}@example.gov.cn`;
  const res = await clients.sys.post('/api/users', {
    username,
    displayName: '新单位管理员',
    email,
    memberships: [{ orgId: unitId, role: 'org_admin' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  expect(body.pendingMemberships).toEqual([{ orgId: unitId, role: 'org_admin' }]);
  await t.app.mailSender!.runOnce();
  const [mail] = catcher.to(email);
  const first = await Client.login(t.app, username, mailedPassword(mail!));
  const fresh = 'Fresh-Unit-Admin-2026!';
  const changed = await first.post('/api/auth/password', {
    currentPassword: mailedPassword(mail!),
    newPassword: fresh,
  });
  expect(changed.statusCode, changed.body).toBe(200);
  return { id: String(body.id), username, person: await Client.login(t.app, username, fresh) };
}

async function pendingOf(userId: string): Promise<PendingGrant | undefined> {
  const res = await clients.sec.get('/api/security/pending-grants');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as PendingGrant[]).find((g) => g.userId === userId);
}
const keyOf = (g: PendingGrant) => ({
  userId: g.userId,
  orgId: g.orgId,
  role: g.role,
  grantedAt: g.grantedAt,
});
const auditRows = (event: string, userId: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.event, event), eq(auditLog.objectId, userId)));

describe('SEC-08 two-person rule: a 单位管理员 the system administrator opens waits for the security administrator', () => {
  it('SEC-08 the new unit administrator manages nothing until the security administrator confirms; then it does', async () => {
    const { id, username, person } = await sysOpensUnitAdmin();
    // Pending: no power in the unit, not even to list it or open a business account.
    expect((await person.get(`/api/users?orgId=${unitId}`)).statusCode).toBe(403);
    const opened = await person.post('/api/users', {
      username: uniqueName('w'),
      displayName: '信息员',
      memberships: [{ orgId: unitId, role: 'writer' }],
    });
    expect(opened.statusCode).toBe(403);
    expect((await person.get('/api/auth/me')).json().units).toEqual([]);

    // The system administrator's list shows the role as pending.
    const listed = (await clients.sys.get(`/api/users?orgId=${unitId}`)).json() as {
      id: string;
      pendingMemberships: unknown[];
    }[];
    expect(listed.find((u) => u.id === id)?.pendingMemberships).toEqual([
      { orgId: unitId, role: 'org_admin' },
    ]);

    const grant = await pendingOf(id);
    expect(grant).toMatchObject({
      username,
      orgId: unitId,
      orgName: expect.stringContaining('某厅'),
      role: 'org_admin',
      grantedBy: clients.sys.userId,
      grantedByUsername: expect.any(String),
    });

    // Only the security administrator decides.
    for (const who of [clients.sys, clients.audit, clients.unitAdmin]) {
      expect((await who.get('/api/security/pending-grants')).statusCode).toBe(403);
      expect((await who.post('/api/security/pending-grants/confirm', keyOf(grant!))).statusCode).toBe(403);
      expect((await who.post('/api/security/pending-grants/reject', keyOf(grant!))).statusCode).toBe(403);
    }
    expect((await person.get(`/api/users?orgId=${unitId}`)).statusCode).toBe(403);

    const confirmed = await clients.sec.post('/api/security/pending-grants/confirm', keyOf(grant!));
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    // In force at once, in the same session.
    expect((await person.get(`/api/users?orgId=${unitId}`)).statusCode).toBe(200);
    const writer = await person.post('/api/users', {
      username: uniqueName('w'),
      displayName: '信息员',
      memberships: [{ orgId: unitId, role: 'writer' }],
    });
    expect(writer.statusCode, writer.body).toBe(201);
    expect(await pendingOf(id)).toBeUndefined();

    // A second confirmation of the same grant: already decided.
    const again = await clients.sec.post('/api/security/pending-grants/confirm', keyOf(grant!));
    expect(again.statusCode, again.body).toBe(409);
    // Audited (in the change's transaction) and told to the person.
    const [audit] = await auditRows('user.grant_confirm', id);
    expect(audit).toMatchObject({ userId: clients.sec.userId, result: 'success' });
    expect(audit!.detail).toMatchObject({ orgId: unitId, role: 'org_admin', grantedBy: clients.sys.userId });
    const notes = (await person.get('/api/notifications')).json().rows as { kind: string; title: string }[];
    expect(notes.some((n) => n.kind === 'account' && n.title.includes('已生效'))).toBe(true);
  });

  it('SEC-08 a rejected grant is removed, audited and told; deciding it again answers 404', async () => {
    const { id, person } = await sysOpensUnitAdmin();
    const grant = await pendingOf(id);
    const rejected = await clients.sec.post('/api/security/pending-grants/reject', keyOf(grant!));
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(await db().select().from(memberships).where(eq(memberships.userId, id))).toEqual([]);
    expect((await person.get(`/api/users?orgId=${unitId}`)).statusCode).toBe(403);
    expect(await auditRows('user.grant_reject', id)).toHaveLength(1);
    const notes = (await person.get('/api/notifications')).json().rows as { kind: string; title: string }[];
    expect(notes.some((n) => n.kind === 'account' && n.title.includes('未获确认'))).toBe(true);
    for (const action of ['confirm', 'reject'])
      expect(
        (await clients.sec.post(`/api/security/pending-grants/${action}`, keyOf(grant!))).statusCode,
      ).toBe(404);
  });

  it('SEC-08 a grant made again after a rejection is another one: the stale decision answers 409', async () => {
    const { id } = await sysOpensUnitAdmin();
    const first = await pendingOf(id);
    await clients.sec.post('/api/security/pending-grants/reject', keyOf(first!));
    expect(await db().select().from(memberships).where(eq(memberships.userId, id))).toEqual([]);
    // The system administrator grants it again (an edit of the account's roles).
    const [account] = await db().select().from(users).where(eq(users.id, id));
    const again = await clients.sys.send('PATCH', `/api/users/${id}`, {
      rowVersion: account!.rowVersion,
      memberships: [{ orgId: unitId, role: 'org_admin' }],
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().pendingMemberships).toEqual([{ orgId: unitId, role: 'org_admin' }]);
    const second = await pendingOf(id);
    expect(second!.grantedAt).not.toBe(first!.grantedAt);
    expect((await clients.sec.post('/api/security/pending-grants/confirm', keyOf(first!))).statusCode).toBe(
      409,
    );
    expect((await clients.sec.post('/api/security/pending-grants/confirm', keyOf(second!))).statusCode).toBe(
      200,
    );
  });

  it('SEC-08 unknown grants answer 404; a malformed key 400', async () => {
    const key = {
      userId: randomUUID(),
      orgId: unitId,
      role: 'org_admin',
      grantedAt: new Date().toISOString(),
    };
    expect((await clients.sec.post('/api/security/pending-grants/confirm', key)).statusCode).toBe(404);
    expect((await clients.sec.post('/api/security/pending-grants/reject', key)).statusCode).toBe(404);
    const bad = await clients.sec.post('/api/security/pending-grants/confirm', { ...key, userId: 'x' });
    expect(bad.statusCode).toBe(400);
  });

  it('SEC-08 a unit administrator’s own grants need no confirmation: a second unit administrator and a business role', async () => {
    const res = await clients.unitAdmin.post('/api/users', {
      username: uniqueName('ua2'),
      displayName: '副单位管理员',
      memberships: [
        { orgId: unitId, role: 'org_admin' },
        { orgId: unitId, role: 'writer' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.pendingMemberships).toEqual([]);
    expect(await pendingOf(String(body.id))).toBeUndefined();
    const second = await Client.login(t.app, body.username, body.temporaryPassword);
    const changed = await second.post('/api/auth/password', {
      currentPassword: body.temporaryPassword,
      newPassword: 'Second-Unit-Admin-2026!',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const renewed = await Client.login(t.app, body.username, 'Second-Unit-Admin-2026!');
    expect((await renewed.get(`/api/users?orgId=${unitId}`)).statusCode).toBe(200);
  });
});
