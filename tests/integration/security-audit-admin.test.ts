import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCrypto } from '../../src/server/crypto/current.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { loginThrottle, securityPolicy, sessions } from '../../src/server/modules/auth/schema.js';
import type { Role } from '../../src/server/modules/orgs/domain.js';
import { users } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

let t: TestApp;
let hubId: string;
let unitId: string;
const accounts = {} as Record<string, { id: string; username: string }>;
const clients = {} as Record<string, Client>;
const ROLE_ACCOUNTS: [string, string, Role[]][] = [
  ['sys', 'hub', ['sys_admin']],
  ['sec', 'hub', ['sec_admin']],
  ['audit', 'hub', ['audit_admin']],
  ['chief', 'hub', ['chief_editor', 'org_admin']],
  ['editor', 'hub', ['editor']],
  ['unitAdmin', 'unit', ['org_admin']],
  ['writer', 'unit', ['writer']],
];

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.app.database.db;
  hubId = await buildOrg(db, { name: '市政府办', parentId: null, level: 'city', isHub: true });
  unitId = await buildOrg(db, { name: '某局', parentId: hubId, level: 'county', kind: 'department' });
  for (const [name, where, roles] of ROLE_ACCOUNTS) {
    accounts[name] = await buildUser(db, where === 'hub' ? hubId : unitId, roles, name);
    clients[name] = await Client.login(t.app, accounts[name].username, PASSWORD);
  }
}, 60_000);
afterAll(async () => t.close());

const db = () => t.app.database.db;
const count = async (event: string) =>
  (await db().select().from(auditLog).where(eq(auditLog.event, event))).length;
const loginAs = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const deniedRows = async () =>
  (await db().select().from(auditLog).where(eq(auditLog.result, 'denied'))).length;
async function lock(username: string) {
  for (let i = 0; i < 5; i++) await loginAs(username, 'wrong');
}

describe('authorization matrix of the new administrator endpoints', () => {
  const ROLES = ROLE_ACCOUNTS.map(([n]) => n);
  interface Case {
    name: string;
    allowed: string[];
    run(c: Client): Promise<{ statusCode: number }>;
    /** A fingerprint of the data the action changes: equal before and after a refusal. */
    state?: () => Promise<unknown>;
  }
  let victim: { id: string; username: string };
  let victimClient: Client;
  const cases: Case[] = [
    { name: 'read the audit log', allowed: ['audit'], run: (c) => c.get('/api/audit?limit=5') },
    { name: 'audit overview', allowed: ['audit'], run: (c) => c.get('/api/audit/overview') },
    {
      name: 'verify the chain',
      allowed: ['audit'],
      run: (c) => c.post('/api/audit/verify'),
      state: () => count('audit.verify'),
    },
    {
      name: 'export the log',
      allowed: ['audit'],
      run: (c) => c.get('/api/audit/export.xlsx'),
      state: () => count('audit.export'),
    },
    { name: 'read the security policy', allowed: ['sec'], run: (c) => c.get('/api/security/policy') },
    {
      name: 'edit the security policy',
      allowed: ['sec'],
      run: async (c) => {
        const [p] = await db().select().from(securityPolicy);
        return c.put('/api/security/policy', {
          passwordMinLength: 12,
          passwordMinClasses: 3,
          passwordHistory: 5,
          passwordMaxAgeDays: 90,
          lockoutThreshold: 5,
          lockoutWindowMinutes: 15,
          lockoutMinutes: 30,
          sessionIdleMinutes: 30,
          adminSessionIdleMinutes: 15,
          version: p!.version,
        });
      },
      state: async () => (await db().select().from(securityPolicy))[0]!.version,
    },
    { name: 'security overview', allowed: ['sec'], run: (c) => c.get('/api/security/overview') },
    { name: 'locked accounts', allowed: ['sec'], run: (c) => c.get('/api/security/accounts?kind=locked') },
    { name: 'live sessions', allowed: ['sec'], run: (c) => c.get('/api/security/sessions') },
    {
      name: 'end one session',
      allowed: ['sec'],
      run: async (c) => {
        const [s] = await db().select().from(sessions).where(eq(sessions.userId, victim.id));
        return c.post(`/api/security/sessions/${s!.idHash}/revoke`);
      },
      state: async () => (await db().select().from(sessions).where(eq(sessions.userId, victim.id))).length,
    },
    {
      name: 'unlock an account',
      allowed: ['sec'],
      run: (c) => c.post(`/api/users/${victim.id}/unlock`),
      state: async () =>
        (await db().select().from(loginThrottle).where(eq(loginThrottle.key, victim.username.toLowerCase())))
          .length,
    },
    {
      name: 'force a user off',
      allowed: ['sec'],
      run: (c) => c.post(`/api/users/${victim.id}/end-sessions`),
      state: async () => (await db().select().from(sessions).where(eq(sessions.userId, victim.id))).length,
    },
  ];

  for (const k of cases)
    for (const role of ROLES)
      it(`${role}: ${k.name} → ${k.allowed.includes(role) ? 'allowed' : 'refused'}`, async () => {
        victim = await buildUser(db(), unitId, ['writer']);
        victimClient = await Client.login(t.app, victim.username, PASSWORD);
        await lock(victim.username);
        const before = await k.state?.();
        const deniedBefore = await deniedRows();
        const res = await k.run(clients[role]!);
        if (k.allowed.includes(role)) {
          expect(res.statusCode).toBe(200);
        } else {
          // 403, or 404 when the account is out of the actor's sight (same body as a missing one).
          expect([403, 404]).toContain(res.statusCode);
          expect(await k.state?.()).toEqual(before);
          expect(await deniedRows()).toBe(deniedBefore + 1);
        }
        void victimClient;
      });
});

describe('the security policy is stored, audited and used', () => {
  const base = {
    passwordMinLength: 12,
    passwordMinClasses: 3,
    passwordHistory: 5,
    passwordMaxAgeDays: 90,
    lockoutThreshold: 5,
    lockoutWindowMinutes: 15,
    lockoutMinutes: 30,
    sessionIdleMinutes: 30,
    adminSessionIdleMinutes: 15,
  };
  const put = async (values: Partial<typeof base>) => {
    const current = (await clients.sec!.get('/api/security/policy')).json<{ version: number }>();
    return clients.sec!.put('/api/security/policy', { ...base, ...values, version: current.version });
  };

  it('locks after the configured threshold and refuses passwords shorter than the configured length', async () => {
    const before = await count('security.policy_update');
    expect((await put({ lockoutThreshold: 3, passwordMinLength: 16 })).statusCode).toBe(200);
    expect(await count('security.policy_update')).toBe(before + 1);
    try {
      const u = await buildUser(db(), unitId, ['writer']);
      expect((await loginAs(u.username, 'wrong')).statusCode).toBe(401);
      expect((await loginAs(u.username, 'wrong')).statusCode).toBe(401);
      expect((await loginAs(u.username, 'wrong')).statusCode).toBe(423);
      const v = await buildUser(db(), unitId, ['writer']);
      const c = await Client.login(t.app, v.username, PASSWORD);
      const short = await c.post('/api/auth/password', {
        currentPassword: PASSWORD,
        newPassword: 'Fourteen$Chars',
      });
      expect(short.statusCode).toBe(400);
      expect(short.json().message).toContain('16');
      const rules = (await c.get('/api/auth/password-rules')).json();
      expect(rules.minLength).toBe(16);
    } finally {
      expect((await put({})).statusCode).toBe(200);
    }
  });

  it('refuses a stale version with 409 and bounds with 400 naming the field', async () => {
    const stale = await clients.sec!.put('/api/security/policy', { ...base, version: 0 });
    expect(stale.statusCode).toBe(409);
    const bad = await put({ lockoutThreshold: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.field).toBe('lockoutThreshold');
  });
});

describe('security administrator', () => {
  it('sees locked accounts, unlocks one (audited), and the user logs in again', async () => {
    const u = await buildUser(db(), unitId, ['writer']);
    await lock(u.username);
    const locked = (await clients.sec!.get('/api/security/accounts?kind=locked')).json<
      { id: string; lockedUntil: string | null; abilities: { unlock: boolean } }[]
    >();
    const row = locked.find((r) => r.id === u.id);
    expect(row?.lockedUntil).not.toBeNull();
    expect(row?.abilities.unlock).toBe(true);
    const overview = (await clients.sec!.get('/api/security/overview')).json();
    expect(overview.lockedAccounts).toBeGreaterThanOrEqual(1);
    expect((await clients.sec!.post(`/api/users/${u.id}/unlock`)).statusCode).toBe(200);
    expect((await loginAs(u.username, PASSWORD)).statusCode).toBe(200);
    const [a] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.event, 'user.unlock'), eq(auditLog.objectId, u.id)));
    expect(a?.userId).toBe(accounts.sec!.id);
  });

  it('lists live sessions without tokens and forces one off', async () => {
    const u = await buildUser(db(), unitId, ['writer']);
    const c = await Client.login(t.app, u.username, PASSWORD);
    const list = (await clients.sec!.get('/api/security/sessions')).json<
      { id: string; userId: string; current: boolean }[]
    >();
    const mine = list.find((s) => s.userId === u.id)!;
    expect(mine.id).toMatch(/^[0-9a-f]{64}$/);
    expect(list.some((s) => s.current)).toBe(true);
    expect((await clients.sec!.post(`/api/security/sessions/${mine.id}/revoke`)).statusCode).toBe(200);
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
    expect((await clients.sec!.post(`/api/security/sessions/${mine.id}/revoke`)).statusCode).toBe(404);
  });

  it('resets an administrator’s password to a one-time password the user must change, and the user is told', async () => {
    const a = await buildUser(db(), hubId, ['audit_admin']);
    const res = await clients.sec!.post(`/api/users/${a.id}/reset-password`);
    expect(res.statusCode).toBe(200);
    const c = await Client.login(t.app, a.username, res.json().temporaryPassword);
    const me = (await c.get('/api/auth/me')).json();
    expect(me.mustChangePassword).toBe(true);
    expect(me.accountNotices[0].label).toBe('重置密码');
    expect((await c.get('/api/audit')).statusCode).toBe(403);
  });
});

describe('abilities on the people list (show only what the actor may do)', () => {
  it('offers a chief editor nothing on the administrators’ rows, and the security administrator a reset', async () => {
    type Row = { id: string; abilities: Record<string, boolean> };
    const chiefView = (await clients.chief!.get(`/api/users?orgId=${hubId}`)).json<Row[]>();
    const sysRow = chiefView.find((r) => r.id === accounts.sys!.id)!;
    expect(sysRow.abilities).toMatchObject({ resetPassword: false, disable: false, editRoles: false });
    const editorRow = chiefView.find((r) => r.id === accounts.editor!.id)!;
    expect(editorRow.abilities).toMatchObject({ resetPassword: true, disable: true, editRoles: true });
    const secView = (await clients.sec!.get(`/api/users?orgId=${hubId}`)).json<Row[]>();
    expect(secView.find((r) => r.id === accounts.sys!.id)!.abilities.resetPassword).toBe(true);
    expect(secView.find((r) => r.id === accounts.editor!.id)!.abilities.resetPassword).toBe(false);
    // and the server refuses what is not offered
    expect((await clients.chief!.post(`/api/users/${accounts.sys!.id}/reset-password`)).statusCode).toBe(403);
  });

  it('offers in the role picker only the roles the actor may grant', async () => {
    const sys = (await clients.sys!.get(`/api/users/grantable-roles?orgId=${unitId}`)).json().roles;
    expect(sys.sort()).toEqual(['audit_admin', 'org_admin', 'sec_admin', 'sys_admin']);
    const unitAdmin = (await clients.unitAdmin!.get(`/api/users/grantable-roles?orgId=${unitId}`)).json()
      .roles;
    expect(unitAdmin).toContain('writer');
    expect(unitAdmin).not.toContain('sys_admin');
    expect((await clients.sec!.get(`/api/users/grantable-roles?orgId=${unitId}`)).json().roles).toEqual([]);
  });
});

describe('SEC-08 三员分立: no administrator opens or takes over an account that reads business content', () => {
  it('refuses the system administrator a business role, and writes nothing', async () => {
    const name = `biz_${randomUUID().slice(0, 6)}`;
    const res = await clients.sys!.post('/api/users', {
      username: name,
      displayName: '编辑甲',
      memberships: [{ orgId: hubId, role: 'editor' }],
    });
    expect(res.statusCode).toBe(403);
    expect(await db().select().from(users).where(eq(users.username, name))).toHaveLength(0);
    const patch = await clients.sys!.send('PATCH', `/api/users/${accounts.unitAdmin!.id}`, {
      rowVersion: 1,
      memberships: [
        { orgId: unitId, role: 'org_admin' },
        { orgId: unitId, role: 'writer' },
      ],
    });
    expect(patch.statusCode).toBe(403);
  });

  it('lets the system administrator open a unit administrator with a one-time password (demo mode: shown, flagged demo-only)', async () => {
    const name = `ua_${randomUUID().slice(0, 6)}`;
    const res = await clients.sys!.post('/api/users', {
      username: name,
      displayName: '单位管理员乙',
      memberships: [{ orgId: unitId, role: 'org_admin' }],
    });
    expect(res.statusCode).toBe(201);
    // A demo server without a mail channel shows it, flagged demo-only (production mails it: SEC-08 delivery tests).
    expect(res.json()).toMatchObject({ delivery: 'screen', demoOnly: true });
    expect(res.json().temporaryPassword.length).toBeGreaterThanOrEqual(12);
    expect(res.json().mustChangePassword).toBe(true);
  });
});

describe('audit log viewer', () => {
  it('writes denied rows for 403, 404 on foreign ids and CSRF failures', async () => {
    const w = clients.writer!;
    expect((await w.get('/api/audit')).statusCode).toBe(403);
    expect(
      (
        await clients.unitAdmin!.send('PATCH', `/api/users/${randomUUID()}`, {
          rowVersion: 1,
          displayName: 'x',
        })
      ).statusCode,
    ).toBe(404);
    const csrf = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: w.cookie },
    });
    expect(csrf.statusCode).toBe(403);
    const res = await clients.audit!.get(`/api/audit?actor=${accounts.writer!.username}&result=denied`);
    const events = res.json<{ rows: { event: string; result: string; username: string }[] }>().rows;
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining(['access.denied', 'access.csrf_rejected']),
    );
    expect(events.every((e) => e.result === 'denied' && e.username === accounts.writer!.username)).toBe(true);
    const nf = await clients.audit!.get(
      `/api/audit?action=access.not_found&actor=${accounts.unitAdmin!.username}`,
    );
    expect(nf.json().rows.length).toBeGreaterThanOrEqual(1);
    // An id refused before validation (no session) is recorded as the id it names, in lower case.
    const hopId = randomUUID();
    const refused = await t.app.inject({ method: 'POST', url: `/api/hops/${hopId.toUpperCase()}/receive` });
    expect(refused.statusCode).toBe(401);
    const recorded = (await clients.audit!.get(`/api/audit?objectId=${hopId}`)).json<{
      rows: { event: string; objectId: string }[];
    }>().rows;
    expect(recorded.map((r) => r.objectId)).toEqual([hopId]);
  });

  it('filters by action family, object and time, and pages by keyset', async () => {
    const a = clients.audit!;
    const logins = (await a.get('/api/audit?action=auth.*&limit=200')).json<{ rows: { event: string }[] }>()
      .rows;
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((r) => r.event.startsWith('auth.'))).toBe(true);
    const obj = (await a.get(`/api/audit?objectType=user&objectId=${accounts.writer!.id}`)).json().rows;
    expect(obj.length).toBeGreaterThan(0);
    expect(obj.every((r: { objectId: string }) => r.objectId === accounts.writer!.id)).toBe(true);
    // The id as someone copies it in capitals finds the same records.
    const upper = `/api/audit?objectType=user&objectId=${accounts.writer!.id.toUpperCase()}`;
    expect((await a.get(upper)).json().rows).toEqual(obj);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await a.get(`/api/audit?from=${encodeURIComponent(future)}`)).json().rows).toEqual([]);
    const p1 = (await a.get('/api/audit?limit=3')).json<{ rows: { id: number }[]; nextBefore: number }>();
    expect(p1.rows).toHaveLength(3);
    const p2 = (await a.get(`/api/audit?limit=3&before=${p1.nextBefore}`)).json<{ rows: { id: number }[] }>();
    expect(p2.rows[0]!.id).toBeLessThan(p1.rows[2]!.id);
    expect((await a.get('/api/audit?result=maybe')).statusCode).toBe(400);
  });

  it('exports to Excel, audited', async () => {
    const before = await count('audit.export');
    const res = await clients.audit!.get('/api/audit/export.xlsx?action=auth.*');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect(await count('audit.export')).toBe(before + 1);
  });

  it('verifies the chain from the API and names the first broken row', async () => {
    const ok = (await clients.audit!.post('/api/audit/verify')).json();
    expect(ok.ok).toBe(true);
    expect(ok.checked).toBeGreaterThan(10);
    expect((await clients.audit!.get('/api/audit/overview')).json().lastVerification.ok).toBe(true);
    // A row forged past the application (wrong hash) breaks the chain.
    const [forged] = await db()
      .insert(auditLog)
      .values({
        at: new Date(),
        userId: null,
        ip: null,
        requestId: null,
        event: 'auth.login',
        result: 'success',
        prevHash: 'f'.repeat(64),
        hash: getCrypto().mac('forged'),
      })
      .returning({ id: auditLog.id });
    const broken = (await clients.audit!.post('/api/audit/verify')).json();
    expect(broken.ok).toBe(false);
    expect(broken.brokenAt).toBe(forged!.id);
    void sql;
  });
});
