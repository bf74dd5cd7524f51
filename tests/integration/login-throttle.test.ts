import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { loginThrottle } from '../../src/server/modules/auth/schema.js';
import { testDatabase } from '../helpers/db.js';
import { Client, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

/** An app with the production per-address limit (6 a minute, 30 an hour). */
let t: TestApp;
let app: App;
let orgId: string;
let ipCounter = 0;
const freshIp = () => `10.9.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

beforeAll(async () => {
  const database = await testDatabase();
  app = await buildApp({ database, config: { ...loadConfig({}), loginPerMinute: 6 }, logger: false });
  await app.ready();
  t = {
    app,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
  orgId = await buildOrg(app.database.db, {
    name: '某县政府办',
    parentId: null,
    level: 'county',
    isHub: true,
  });
}, 60_000);
afterAll(async () => t.close());

const login = (username: string, password: string, ip: string) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: ip,
  });

async function loginAudits(username: string) {
  return app.database.db
    .select({ result: auditLog.result, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.event, 'auth.login'), sql`${auditLog.detail}->>'username' = ${username}`));
}

describe('per-account lockout', () => {
  it('SEC-04 lets 25 concurrent wrong passwords evaluate at most 5, and locks the account', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    // Each from its own address, so only the account counter is in play.
    const results = await Promise.all(
      Array.from({ length: 25 }, () => login(u.username, 'Wrong-passw0rd!', freshIp())),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 401 || s === 423)).toBe(true);
    const evaluated = (await loginAudits(u.username)).filter((a) => a.detail?.reason === 'bad_password');
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(evaluated.length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(4);
    const right = await login(u.username, PASSWORD, freshIp());
    expect(right.statusCode).toBe(423);
    expect(right.headers['retry-after']).toMatch(/^\d+$/);
    expect(right.json().message).toMatch(/请于 (\d+月\d+日 )?\d{2}:\d{2} 后再试（约 \d+ 分钟）/);
    const [row] = await app.database.db
      .select()
      .from(loginThrottle)
      .where(and(eq(loginThrottle.scope, 'account'), eq(loginThrottle.key, u.username.toLowerCase())));
    expect(row!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
  });

  it('says how many tries are left, locks on the fifth failure, and unlocks when the lock ends', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const ip = freshIp();
    for (let i = 4; i >= 1; i--) {
      const r = await login(u.username, 'wrong', ip);
      expect(r.statusCode).toBe(401);
      expect(r.json().message).toContain(`还可尝试${i}次`);
    }
    const fifth = await login(u.username, 'wrong', ip);
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().message).toContain('账号已锁定');
    // The clock moves: the lock has ended.
    await app.database.db
      .update(loginThrottle)
      .set({ lockedUntil: new Date(Date.now() - 1000) })
      .where(eq(loginThrottle.key, u.username.toLowerCase()));
    expect((await login(u.username, PASSWORD, ip)).statusCode).toBe(200);
  });

  it('forgets failures older than the 15-minute window', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect((await login(u.username, 'wrong', ip)).statusCode).toBe(401);
    await app.database.db
      .update(loginThrottle)
      .set({ windowStart: new Date(Date.now() - 16 * 60_000) })
      .where(eq(loginThrottle.key, u.username.toLowerCase()));
    const next = await login(u.username, 'wrong', ip);
    expect(next.statusCode).toBe(401);
    expect(next.json().message).toContain('还可尝试4次');
  });

  it('treats an unknown login name exactly like a known one', async () => {
    const ip = freshIp();
    const a = await login('nobody_at_all', 'wrong', ip);
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const b = await login(u.username, 'wrong', ip);
    expect(a.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
  });

  it('a success clears the account’s failures', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await login(u.username, 'wrong', ip);
    expect((await login(u.username, PASSWORD, ip)).statusCode).toBe(200);
    const r = await login(u.username, 'wrong', ip);
    expect(r.json().message).toContain('还可尝试4次');
  });

  it('counts a wrong current password on password change, locks and ends the sessions', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const c = await Client.login(app, u.username, PASSWORD);
    for (let i = 0; i < 4; i++) {
      const r = await c.post('/api/auth/password', {
        currentPassword: 'Not-the-passw0rd',
        newPassword: 'Another$ecure2026',
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().details.field).toBe('currentPassword');
    }
    const fifth = await c.post('/api/auth/password', {
      currentPassword: 'Not-the-passw0rd',
      newPassword: 'Another$ecure2026',
    });
    expect(fifth.statusCode).toBe(423);
    expect((await c.get('/api/auth/me')).statusCode).toBe(401);
    expect((await login(u.username, PASSWORD, freshIp())).statusCode).toBe(423);
    const failed = await app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.event, 'auth.password_change'), eq(auditLog.userId, u.id)));
    expect(failed.filter((r) => r.result === 'failure')).toHaveLength(5);
  });
});

describe('per-address limit', () => {
  it('SEC-04 evaluates at most 6 of 30 concurrent attempts from one address, answering 429 with Retry-After', async () => {
    const ip = freshIp();
    const names = Array.from({ length: 30 }, (_, i) => `ghost_${ipCounter}_${i}`);
    const results = await Promise.all(names.map((n) => login(n, 'wrong', ip)));
    const failed = results.filter((r) => r.statusCode === 401);
    const limited = results.filter((r) => r.statusCode === 429);
    expect(failed.length).toBeLessThanOrEqual(6);
    expect(failed.length + limited.length).toBe(30);
    expect(limited[0]!.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(limited[0]!.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited[0]!.json().message).toMatch(/请于 .*后再试（约 \d+ 分钟）/);
    const denied = await app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.event, 'auth.login'), eq(auditLog.ip, ip), eq(auditLog.result, 'denied')));
    expect(denied.length).toBe(limited.length);
  });

  it('never counts successes: 50 logins in a row from one office address all succeed', async () => {
    const ip = freshIp();
    const users = await Promise.all(
      Array.from({ length: 5 }, () => buildUser(app.database.db, orgId, ['writer'])),
    );
    for (let i = 0; i < 50; i++) {
      const r = await login(users[i % 5]!.username, PASSWORD, ip);
      expect(r.statusCode, r.body).toBe(200);
    }
    // The address's failure budget is intact.
    for (let i = 0; i < 6; i++) expect((await login(`ghost_office${i}`, 'wrong', ip)).statusCode).toBe(401);
    expect((await login('ghost_office6', 'wrong', ip)).statusCode).toBe(429);
  });
});
