import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { loginThrottle, sessions } from '../../src/server/modules/auth/schema.js';
import { housekeeping } from '../../src/server/modules/auth/sessions.js';
import { orgs, users } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

let t: TestApp;
let orgId: string;
beforeAll(async () => {
  t = await buildTestApp();
  orgId = await buildOrg(t.app.database.db, {
    name: '某县政府办',
    parentId: null,
    level: 'county',
    isHub: true,
  });
});
afterAll(async () => t.close());

const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers });

describe('login', () => {
  it('logs in case-insensitively and sets an httpOnly SameSite session cookie', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    const res = await login(u.username.toUpperCase(), PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'zx_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.value.length).toBeGreaterThanOrEqual(43);
    expect(res.json().units[0].roles).toEqual(['editor']);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    const a = await login(u.username, 'wrong-password');
    const b = await login('nobody_here', 'wrong-password');
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
  });

  it('locks the account after 5 failures, even for the right password', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    for (let i = 0; i < 4; i++) expect((await login(u.username, 'wrong')).statusCode).toBe(401);
    expect((await login(u.username, 'wrong')).statusCode).toBe(423);
    expect((await login(u.username, PASSWORD)).statusCode).toBe(423);
    const [row] = await t.app.database.db
      .select()
      .from(loginThrottle)
      .where(eq(loginThrottle.key, u.username.toLowerCase()));
    expect(row!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
  });

  it('refuses disabled users and ends their sessions', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    const c = await Client.login(t.app, u.username, PASSWORD);
    await t.app.database.db.update(users).set({ disabled: true }).where(eq(users.id, u.id));
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
    expect((await login(u.username, PASSWORD)).statusCode).toBe(401);
  });

  it('limits login attempts per address with 429 and Retry-After', async () => {
    const database = await testDatabase();
    const app = await buildApp({ database, config: { ...loadConfig({}), loginPerMinute: 3 }, logger: false });
    const tries = [];
    for (let i = 0; i < 4; i++)
      tries.push(
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'x', password: 'y' },
        }),
      );
    expect(tries.slice(0, 3).map((r) => r.statusCode)).toEqual([401, 401, 401]);
    expect(tries[3]!.statusCode).toBe(429);
    expect(Number(tries[3]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(tries[3]!.headers['retry-after'])).toBeLessThanOrEqual(60);
    await app.close();
    await database.drop();
  });
});

describe('sessions', () => {
  it('logout deletes the server session and clears site data', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    const c = await Client.login(t.app, u.username, PASSWORD);
    const res = await c.post('/api/auth/logout');
    expect(res.statusCode).toBe(200);
    expect(res.headers['clear-site-data']).toContain('cookies');
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
    const left = await t.app.database.db.select().from(sessions).where(eq(sessions.userId, u.id));
    expect(left).toHaveLength(0);
  });

  it('SEC-27 logout clears the cookie with the attributes it was set with, Secure behind TLS', async () => {
    const secure = await buildTestApp({ config: { secureCookies: true } });
    try {
      const db = secure.app.database.db;
      const org = await buildOrg(db, { name: '某县', parentId: null, level: 'county' });
      const u = await buildUser(db, org, ['editor']);
      const login = await secure.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: u.username, password: PASSWORD },
      });
      const set = login.cookies.find((c) => c.name === '__Host-zx_session')!;
      expect(set).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
      const out = await secure.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: {
          cookie: `__Host-zx_session=${set.value}`,
          'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken,
        },
      });
      expect(out.statusCode).toBe(200);
      const cleared = out.cookies.find((c) => c.name === '__Host-zx_session')!;
      expect(cleared.value).toBe('');
      expect(cleared).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(out.headers['clear-site-data']).toContain('cookies');
    } finally {
      await secure.close();
    }
  });

  it('expires after the idle timeout', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    const c = await Client.login(t.app, u.username, PASSWORD);
    await t.app.database.db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '31 minutes'` })
      .where(eq(sessions.userId, u.id));
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('forces a password change before anything else, and checks the password policy', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    await t.app.database.db.update(users).set({ mustChangePassword: true }).where(eq(users.id, u.id));
    const c = await Client.login(t.app, u.username, PASSWORD);
    const blocked = await c.get('/api/inbox');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('password_change_required');
    const weak = await c.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().details.field).toBe('newPassword');
    const changed = await c.post('/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'Quite$ecure2026',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await c.get('/api/inbox')).statusCode).toBe(401); // old session ended
    const again = await Client.login(t.app, u.username, 'Quite$ecure2026');
    expect((await again.get('/api/inbox')).statusCode).toBe(200);
  });
});

describe('SEC-02 password choice', () => {
  it('SEC-02 refuses top-list, decorated, keyboard-walk, own-name and unit-code passwords on change', async () => {
    const db = t.app.database.db;
    const u = await buildUser(db, orgId, ['editor'], 'Robert Zhang');
    await db.update(orgs).set({ divisionCode: '330100' }).where(eq(orgs.id, orgId));
    const c = await Client.login(t.app, u.username, PASSWORD);
    const refused = [
      'Password@2024',
      'Welcome@2024',
      'Qwerty@123456',
      '1qaz@WSX3edc',
      'Admin@123456',
      `${u.username}#X9k`,
      'Robert#Kq82xz',
      'Kq#330100mzTx',
    ];
    for (const newPassword of refused) {
      const res = await c.post('/api/auth/password', { currentPassword: PASSWORD, newPassword });
      expect(res.statusCode, newPassword).toBe(400);
      expect(res.json().details.field).toBe('newPassword');
    }
    const ok = await c.post('/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'Lantern#Mango82x',
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('web security headers', () => {
  it('sends CSP, nosniff, frame denial and no-store on API answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['content-security-policy']).toContain("object-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('password lifetime and inactive accounts', () => {
  it('refuses reuse of the last five passwords', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    let c = await Client.login(t.app, u.username, PASSWORD);
    const first = 'First$ecure2026';
    let res = await c.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: first });
    expect(res.statusCode).toBe(200);
    c = await Client.login(t.app, u.username, first);
    res = await c.post('/api/auth/password', { currentPassword: first, newPassword: PASSWORD });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('最近5次');
  });

  it('forces a change at login once the password is older than the maximum age', async () => {
    const u = await buildUser(t.app.database.db, orgId, ['editor']);
    await t.app.database.db
      .update(users)
      .set({ passwordChangedAt: new Date(Date.now() - 91 * 86_400_000) })
      .where(eq(users.id, u.id));
    const res = await login(u.username, PASSWORD);
    expect(res.json().mustChangePassword).toBe(true);
  });

  it('disables accounts unused for 90 days, but not the administrators', async () => {
    const db = t.app.database.db;
    const idle = await buildUser(db, orgId, ['editor']);
    const admin = await buildUser(db, orgId, ['audit_admin']);
    const old = new Date(Date.now() - 91 * 86_400_000);
    await db
      .update(users)
      .set({ lastLoginAt: old, createdAt: old })
      .where(sql`${users.id} in (${idle.id}, ${admin.id})`);
    await housekeeping(db, new Date(), 90);
    const rows = await db
      .select()
      .from(users)
      .where(sql`${users.id} in (${idle.id}, ${admin.id})`);
    expect(rows.find((r) => r.id === idle.id)?.disabled).toBe(true);
    expect(rows.find((r) => r.id === admin.id)?.disabled).toBe(false);
  });
});
