import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

/**
 * Raw HTTP as an attacker would send it: forwarded headers without a configured proxy, and API paths
 * spelled with escapes, doubled slashes or capitals. The hooks decide on the matched route, not the raw URL.
 */
let plain: TestApp;
let proxied: TestApp;
beforeAll(async () => {
  plain = await buildTestApp();
  proxied = await buildTestApp({ config: { trustProxy: true } });
});
afterAll(async () => {
  await plain.close();
  await proxied.close();
});

async function lastLoginIp(t: TestApp, username: string): Promise<string | null> {
  const [row] = await t.app.database.db
    .select({ ip: auditLog.ip })
    .from(auditLog)
    .where(and(eq(auditLog.event, 'auth.login'), sql`${auditLog.detail}->>'username' = ${username}`))
    .orderBy(desc(auditLog.at))
    .limit(1);
  return row?.ip ?? null;
}

const loginWith = (t: TestApp, username: string, headers: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: 'wrong-password-1' },
    headers,
  });

describe('SEC-15 proxies trusted only when configured', () => {
  it('SEC-15 without ZX_TRUST_PROXY, X-Forwarded-Host cannot make a foreign Origin pass', async () => {
    const res = await loginWith(plain, 'nobody', {
      host: 'zx.gov.example',
      origin: 'https://evil.example',
      'x-forwarded-host': 'evil.example',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().details.csrf).toBe(true);
  });

  it('SEC-15 without ZX_TRUST_PROXY, X-Forwarded-For and -Proto are ignored', async () => {
    const org = await buildOrg(plain.app.database.db, {
      name: '代理测试县',
      parentId: null,
      level: 'county',
    });
    const u = await buildUser(plain.app.database.db, org, ['editor']);
    const res = await loginWith(plain, u.username, {
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
    });
    expect(res.statusCode).toBe(401);
    expect(await lastLoginIp(plain, u.username)).not.toBe('203.0.113.9');
  });

  it('SEC-15 with ZX_TRUST_PROXY, the forwarded host and address are the ones used', async () => {
    const org = await buildOrg(proxied.app.database.db, {
      name: '代理测试县',
      parentId: null,
      level: 'county',
    });
    const u = await buildUser(proxied.app.database.db, org, ['editor']);
    const res = await loginWith(proxied, u.username, {
      host: '10.0.0.5:3000',
      origin: 'https://zx.gov.example',
      'x-forwarded-host': 'zx.gov.example',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
    });
    expect(res.statusCode).toBe(401); // judged on the password, not refused as cross-site
    expect(await lastLoginIp(proxied, u.username)).toBe('203.0.113.9');
    const foreign = await loginWith(proxied, u.username, {
      origin: 'https://evil.example',
      'x-forwarded-host': 'zx.gov.example',
    });
    expect(foreign.statusCode).toBe(403);
  });
});

describe('SEC-26 SEC-27 hooks decide on the normalised route', () => {
  let c: Client;
  beforeAll(async () => {
    const org = await buildOrg(plain.app.database.db, {
      name: '路径测试县',
      parentId: null,
      level: 'county',
    });
    const u = await buildUser(plain.app.database.db, org, ['editor']);
    c = await Client.login(plain.app, u.username, PASSWORD);
  });

  it('SEC-27 an escaped API path is the same API route: session resolved, answer no-store', async () => {
    const direct = await c.get('/api/auth/me');
    const escaped = await c.get('/%61pi/auth/me');
    expect(escaped.statusCode).toBe(direct.statusCode);
    expect(escaped.json().user.id).toBe(c.userId);
    expect(escaped.headers['cache-control']).toBe('no-store');
  });

  it('SEC-26 an escaped API path still needs the CSRF token for a state change', async () => {
    for (const url of ['/%61pi/auth/logout', '/%61%70%69/auth/logout']) {
      const res = await plain.app.inject({ method: 'POST', url, headers: { cookie: c.cookie } });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().details.csrf).toBe(true);
    }
    expect((await c.get('/api/auth/me')).statusCode).toBe(200); // the session survived
  });

  it('SEC-09 without a session, every spelling of an API path is refused or unknown, never served', async () => {
    for (const url of [
      '/%61pi/inbox',
      '/%61pi/auth/me',
      '//api/inbox',
      '/api//inbox',
      '/API/inbox',
      '/api/%2e%2e/api/inbox',
    ]) {
      const res = await plain.app.inject({ method: 'GET', url });
      expect([401, 404], url).toContain(res.statusCode);
      expect(res.headers['content-type'], url).toMatch(/json/);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
  });
});
