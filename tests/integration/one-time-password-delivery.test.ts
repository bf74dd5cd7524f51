import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { smtpChannel } from '../../src/server/modules/delivery/channel.js';
import { MailSender } from '../../src/server/modules/delivery/outbox.js';
import { mailOutbox } from '../../src/server/modules/delivery/schema.js';
import { users } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';
import { mailedPassword, SmtpCatcher } from '../helpers/smtp-catcher.js';

/**
 * SEC-08 (三员分立) — one-time passwords of accounts a 三员 creates or resets reach the person by mail, through the
 * transactional outbox, against a real SMTP server (smtp-server on a free local port); never the administrator.
 */
let t: TestApp;
const catcher = new SmtpCatcher();
let hubId: string;
let unitId: string;
const clients = {} as Record<'sys' | 'sec' | 'unitAdmin' | 'writer', Client>;
const ids = {} as Record<'sys' | 'sec' | 'unitAdmin' | 'writer', string>;

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
    role: 'sys_admin' | 'sec_admin' | 'org_admin' | 'writer',
  ) => {
    const u = await buildUser(db, orgId, [role]);
    ids[key] = u.id;
    clients[key] = await Client.login(t.app, u.username, PASSWORD);
  };
  await make('sys', hubId, 'sys_admin');
  await make('sec', hubId, 'sec_admin');
  await make('unitAdmin', unitId, 'org_admin');
  await make('writer', unitId, 'writer');
}, 60_000);
afterAll(async () => {
  await t.close();
  await catcher.stop();
});

const db = () => t.app.database.db;
const sender = () => t.app.mailSender!;
const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const uniqueName = (p: string) => `${p}_${randomUUID().slice(0, 8)}`;
const outboxOf = (userId: string) => db().select().from(mailOutbox).where(eq(mailOutbox.userId, userId));

describe('SEC-08 三员分立: one-time passwords of a 三员’s creates and resets go to the person, never the administrator', () => {
  it('SEC-08 sys_admin opens a unit administrator: no password in the answer, the mail brings it, the person logs in and must change it', async () => {
    const username = uniqueName('ua');
    const email = `${username}@example.gov.cn`;
    const res = await clients.sys.post('/api/users', {
      username,
      displayName: '单位管理员甲',
      email,
      memberships: [{ orgId: unitId, role: 'org_admin' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      delivery: 'mail',
      to: `${username[0]}***@example.gov.cn`,
      mustChangePassword: true,
    });
    expect(body).not.toHaveProperty('temporaryPassword');
    // Two-person rule: the role waits for a security administrator (org-admin-confirmation.test.ts).
    expect(body.pendingMemberships).toEqual([{ orgId: unitId, role: 'org_admin' }]);

    // Queued in the account's transaction, encrypted, not yet sent.
    const [queued] = await outboxOf(body.id);
    expect(queued).toMatchObject({ status: 'pending', kind: 'one_time_password', recipient: email });
    expect(queued!.secret).toMatch(/^v1\./);
    expect(await sender().runOnce()).toEqual({ sent: 1, failed: 0 });

    const [mail] = catcher.to(email);
    expect(mail, 'the mail reached the catcher').toBeDefined();
    expect(mail!.subject).toContain('一次性密码');
    const password = mailedPassword(mail!);
    expect(password.length).toBeGreaterThanOrEqual(12);
    // The administrator saw nothing of it: not in the answer, not in the audit row.
    expect(res.body).not.toContain(password);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.event, 'user.create'), eq(auditLog.objectId, body.id)));
    expect(JSON.stringify(audit!.detail)).not.toContain(password);
    expect(audit!.detail).toMatchObject({ delivery: 'mail', to: body.to });
    // Sent: the secret is gone from the outbox.
    const [sent] = await outboxOf(body.id);
    expect(sent).toMatchObject({ status: 'sent', secret: null, attempts: 1 });
    expect(JSON.stringify(sent)).not.toContain(password);

    // Nothing the administrator holds opens the account; the mailed password does, and must be changed.
    for (const guess of [String(body.to), String(body.id), PASSWORD])
      expect((await login(username, guess)).statusCode).toBe(401);
    const person = await Client.login(t.app, username, password);
    expect((await person.get('/api/auth/me')).json().mustChangePassword).toBe(true);
    expect((await person.get('/api/users?orgId=' + unitId)).statusCode).toBe(403);
    const changed = await person.post('/api/auth/password', {
      currentPassword: password,
      newPassword: 'Fresh-Unit-Admin-2026!',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    // Told in the app too — the person alone, not the unit's other members (a password change opens a new session).
    const renewed = await Client.login(t.app, username, 'Fresh-Unit-Admin-2026!');
    const notes = (await renewed.get('/api/notifications')).json().rows;
    expect(notes).toEqual([
      expect.objectContaining({
        kind: 'account',
        title: '您的账号已开设',
        body: expect.stringContaining(body.to),
      }),
    ]);
    const others = (await clients.writer.get('/api/notifications')).json().rows;
    expect(others.some((n: { kind: string }) => n.kind === 'account')).toBe(false);
  });

  it('SEC-08 sec_admin resets an administrator’s password: mailed, never shown, the old one stops working', async () => {
    const u = await buildUser(db(), hubId, ['audit_admin']);
    const email = `audit.${u.username}@example.gov.cn`;
    await db().update(users).set({ email }).where(eq(users.id, u.id));
    const res = await clients.sec.post(`/api/users/${u.id}/reset-password`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ delivery: 'mail', to: 'a***@example.gov.cn' });
    expect((await sender().runOnce()).sent).toBe(1);
    const password = mailedPassword(catcher.to(email)[0]!);
    expect(res.body).not.toContain(password);
    expect((await login(u.username, PASSWORD)).statusCode).toBe(401);
    const person = await Client.login(t.app, u.username, password);
    const me = (await person.get('/api/auth/me')).json();
    expect(me.mustChangePassword).toBe(true);
    expect(me.accountNotices[0].label).toBe('重置密码');
  });

  it('SEC-08 a 三员’s create or reset without an address answers 400 naming email, and writes nothing', async () => {
    const username = uniqueName('noemail');
    const res = await clients.sys.post('/api/users', {
      username,
      displayName: '无邮箱',
      memberships: [{ orgId: unitId, role: 'org_admin' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.field).toBe('email');
    expect(await db().select().from(users).where(eq(users.username, username))).toHaveLength(0);
    const u = await buildUser(db(), hubId, ['audit_admin']);
    const [before] = await db().select().from(users).where(eq(users.id, u.id));
    const reset = await clients.sec.post(`/api/users/${u.id}/reset-password`);
    expect(reset.statusCode).toBe(400);
    expect(reset.json().details.field).toBe('email');
    const [after] = await db().select().from(users).where(eq(users.id, u.id));
    expect(after!.passwordHash).toBe(before!.passwordHash);
    expect(await outboxOf(u.id)).toHaveLength(0);
    // ZX_MAIL_DOMAINS: only the units' own mailboxes.
    t.app.config.mail!.domains.push('example.gov.cn');
    try {
      const outside = await clients.sys.post('/api/users', {
        username: uniqueName('qq'),
        displayName: '外部邮箱',
        email: 'someone@qq.com',
        memberships: [{ orgId: unitId, role: 'org_admin' }],
      });
      expect(outside.statusCode).toBe(400);
      expect(outside.json().details.field).toBe('email');
      expect(outside.json().message).toContain('example.gov.cn');
    } finally {
      t.app.config.mail!.domains.length = 0;
    }
    const bad = await clients.sys.post('/api/users', {
      username: uniqueName('bad'),
      displayName: '格式错',
      email: 'not-an-address',
      memberships: [{ orgId: unitId, role: 'org_admin' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(String(bad.json().details?.field)).toContain('email');
  });

  it('SEC-08 a 三员 cannot redirect another person’s mail; the person or their unit administrator changes the address', async () => {
    const [ua] = await db().select().from(users).where(eq(users.id, ids.unitAdmin));
    const bySys = await clients.sys.send('PATCH', `/api/users/${ids.unitAdmin}`, {
      rowVersion: ua!.rowVersion,
      email: 'sysadmin@example.gov.cn',
    });
    expect(bySys.statusCode).toBe(403);
    expect(bySys.json().details.field).toBe('email');
    const self = await clients.unitAdmin.send('PATCH', `/api/users/${ids.unitAdmin}`, {
      rowVersion: ua!.rowVersion,
      email: 'Unit.Admin@Example.gov.cn',
    });
    expect(self.statusCode, self.body).toBe(200);
    expect(self.json().email).toBe('unit.admin@example.gov.cn');
    const [w] = await db().select().from(users).where(eq(users.id, ids.writer));
    const byUnit = await clients.unitAdmin.send('PATCH', `/api/users/${ids.writer}`, {
      rowVersion: w!.rowVersion,
      email: 'writer@example.gov.cn',
    });
    expect(byUnit.statusCode, byUnit.body).toBe(200);
    // The security administrator registers their own address (self-service), which they may.
    const [s] = await db().select().from(users).where(eq(users.id, ids.sec));
    const secSelf = await clients.sec.send('PATCH', `/api/users/${ids.sec}`, {
      rowVersion: s!.rowVersion,
      email: 'sec@example.gov.cn',
    });
    expect(secSelf.statusCode, secSelf.body).toBe(200);
  });

  it('SEC-08 a 三员 cannot have the password mailed to an administrator’s own address', async () => {
    const [me] = await db().select().from(users).where(eq(users.id, ids.sys));
    const own = await clients.sys.send('PATCH', `/api/users/${ids.sys}`, {
      rowVersion: me!.rowVersion,
      email: 'sys.admin@example.gov.cn',
    });
    expect(own.statusCode, own.body).toBe(200);
    const username = uniqueName('mine');
    const res = await clients.sys.post('/api/users', {
      username,
      displayName: '冒名',
      email: 'SYS.admin@example.gov.cn',
      memberships: [{ orgId: unitId, role: 'org_admin' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.field).toBe('email');
    expect(await db().select().from(users).where(eq(users.username, username))).toHaveLength(0);
  });

  it('SEC-08 a unit administrator still sees it once; the person is told in the app and by a mail without the password', async () => {
    const username = uniqueName('writer');
    const email = `${username}@example.gov.cn`;
    const res = await clients.unitAdmin.post('/api/users', {
      username,
      displayName: '信息员乙',
      email,
      memberships: [{ orgId: unitId, role: 'writer' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ delivery: 'screen', demoOnly: false });
    const password = String(body.temporaryPassword);
    expect(password.length).toBeGreaterThanOrEqual(12);
    await sender().runOnce();
    const [notice] = catcher.to(email);
    expect(notice!.subject).toContain('您的账号已开设');
    expect(notice!.text).not.toContain(password);
    const person = await Client.login(t.app, username, password);
    await person.post('/api/auth/password', {
      currentPassword: password,
      newPassword: 'Fresh-Writer-2026!x',
    });
    const renewed = await Client.login(t.app, username, 'Fresh-Writer-2026!x');
    const notes = (await renewed.get('/api/notifications')).json().rows;
    expect(notes.filter((n: { kind: string }) => n.kind === 'account')).toHaveLength(1);
  });

  it('SEC-08 nobody grants a role to themselves (separation of duties), whatever the role', async () => {
    const [ua] = await db().select().from(users).where(eq(users.id, ids.unitAdmin));
    const res = await clients.unitAdmin.send('PATCH', `/api/users/${ids.unitAdmin}`, {
      rowVersion: ua!.rowVersion,
      memberships: [
        { orgId: unitId, role: 'org_admin' },
        { orgId: unitId, role: 'writer' },
      ],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('不能给自己授予或撤销角色');
    // A hub's chief editor who is also its unit administrator: may grant editor to others, not to themselves.
    const chief = await buildUser(db(), hubId, ['chief_editor', 'org_admin']);
    const chiefClient = await Client.login(t.app, chief.username, PASSWORD);
    const bySelf = await chiefClient.send('PATCH', `/api/users/${chief.id}`, {
      rowVersion: 1,
      memberships: [
        { orgId: hubId, role: 'chief_editor' },
        { orgId: hubId, role: 'org_admin' },
        { orgId: hubId, role: 'editor' },
      ],
    });
    expect(bySelf.statusCode).toBe(403);
    expect(bySelf.json().message).toContain('不能给自己授予或撤销角色');
    const [after] = await db().select().from(users).where(eq(users.id, ids.unitAdmin));
    expect(after!.rowVersion).toBe(ua!.rowVersion);
  });

  it('SEC-08 the outbox survives a send failure: mail server down → retried later → delivered, secret dropped only then', async () => {
    const u = await buildUser(db(), hubId, ['sys_admin']);
    const email = `retry.${u.username}@example.gov.cn`;
    await db().update(users).set({ email }).where(eq(users.id, u.id));
    await catcher.stop();
    try {
      const res = await clients.sec.post(`/api/users/${u.id}/reset-password`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().delivery).toBe('mail');
      expect(await sender().runOnce()).toEqual({ sent: 0, failed: 1 });
      const [failed] = await outboxOf(u.id);
      expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
      expect(failed!.lastError).toBeTruthy();
      expect(failed!.secret).toMatch(/^v1\./);
      // Not due yet: nothing is tried.
      expect(await sender().runOnce()).toEqual({ sent: 0, failed: 0 });
    } finally {
      await catcher.start();
    }
    // A sender that died holding a claim: the row waits for the claim to expire.
    const later = new Date(Date.now() + 10 * 60_000);
    await db()
      .update(mailOutbox)
      .set({ claimedUntil: new Date(later.getTime() + 60_000) })
      .where(eq(mailOutbox.userId, u.id));
    expect(await sender().runOnce(later)).toEqual({ sent: 0, failed: 0 });
    // Another process (a restarted server) picks it up once due and unclaimed.
    const restarted = new MailSender(
      db(),
      smtpChannel({ url: catcher.url, from: 'zx@example.gov.cn', domains: [] }),
    );
    try {
      expect(await restarted.runOnce(new Date(later.getTime() + 5 * 60_000))).toEqual({ sent: 1, failed: 0 });
    } finally {
      await restarted.stop();
    }
    const [delivered] = await outboxOf(u.id);
    expect(delivered).toMatchObject({ status: 'sent', secret: null, attempts: 2, lastError: null });
    const password = mailedPassword(catcher.to(email)[0]!);
    expect((await login(u.username, password)).statusCode).toBe(200);
  });

  it('SEC-08 a newer reset supersedes an unsent one-time password (its secret is dropped)', async () => {
    const u = await buildUser(db(), hubId, ['audit_admin']);
    const email = `twice.${u.username}@example.gov.cn`;
    await db().update(users).set({ email }).where(eq(users.id, u.id));
    expect((await clients.sec.post(`/api/users/${u.id}/reset-password`)).statusCode).toBe(200);
    expect((await clients.sec.post(`/api/users/${u.id}/reset-password`)).statusCode).toBe(200);
    const rows = await outboxOf(u.id);
    expect(rows.map((r) => r.status).sort()).toEqual(['pending', 'superseded']);
    expect(rows.find((r) => r.status === 'superseded')!.secret).toBeNull();
    await sender().runOnce();
    const mails = catcher.to(email);
    expect(mails).toHaveLength(1);
    expect((await login(u.username, mailedPassword(mails[0]!))).statusCode).toBe(200);
  });

  it('SEC-08 a password the unit administrator is shown replaces one still waiting in the outbox', async () => {
    const u = await buildUser(db(), unitId, ['org_admin']);
    await db()
      .update(users)
      .set({ email: `wait.${u.username}@example.gov.cn` })
      .where(eq(users.id, u.id));
    await catcher.stop();
    try {
      expect((await clients.sys.post(`/api/users/${u.id}/reset-password`)).json().delivery).toBe('mail');
      await sender().runOnce();
      const shown = await clients.unitAdmin.post(`/api/users/${u.id}/reset-password`);
      expect(shown.json()).toMatchObject({ delivery: 'screen', demoOnly: false });
    } finally {
      await catcher.start();
    }
    const rows = await outboxOf(u.id);
    expect(rows.find((r) => r.kind === 'one_time_password')).toMatchObject({
      status: 'superseded',
      secret: null,
    });
  });

  it('SEC-08 the background sender delivers after commit without being asked', async () => {
    const username = uniqueName('bg');
    const email = `${username}@example.gov.cn`;
    sender().start(60_000);
    const res = await clients.sys.post('/api/users', {
      username,
      displayName: '后台发送',
      email,
      memberships: [{ orgId: unitId, role: 'org_admin' }],
    });
    expect(res.statusCode).toBe(201);
    for (let i = 0; i < 100 && catcher.to(email).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(catcher.to(email)).toHaveLength(1);
  });
});

describe('SEC-08 production without a mail channel', () => {
  let p: TestApp;
  let sys: Client;
  let sec: Client;
  let unit: string;
  beforeAll(async () => {
    p = await buildTestApp({ config: { mode: 'production', mail: null } });
    const pdb = p.app.database.db;
    unit = await buildOrg(pdb, { name: '某县', parentId: null, level: 'county', isHub: true });
    const s = await buildUser(pdb, unit, ['sys_admin']);
    const c = await buildUser(pdb, unit, ['sec_admin']);
    sys = await Client.login(p.app, s.username, PASSWORD);
    sec = await Client.login(p.app, c.username, PASSWORD);
  }, 60_000);
  afterAll(async () => p.close());

  it('SEC-08 a 三员’s create or reset answers 409 telling the operator to configure ZX_SMTP_URL', async () => {
    const username = uniqueName('ua');
    const res = await sys.post('/api/users', {
      username,
      displayName: '单位管理员',
      email: 'ua@example.gov.cn',
      memberships: [{ orgId: unit, role: 'org_admin' }],
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('ZX_SMTP_URL');
    expect(await p.app.database.db.select().from(users).where(eq(users.username, username))).toHaveLength(0);
    const a = await buildUser(p.app.database.db, unit, ['audit_admin']);
    const reset = await sec.post(`/api/users/${a.id}/reset-password`);
    expect(reset.statusCode).toBe(409);
    expect(reset.json().message).toContain('ZX_SMTP_URL');
  });
});
