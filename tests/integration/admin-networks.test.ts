import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAdminNetworks } from '../../src/server/modules/auth/admin-networks.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

/** SECURITY.md §15: the three administrators and the management APIs only from the configured networks. */
let t: TestApp;
const who = {} as Record<'sec' | 'audit' | 'editor', string>;
const INSIDE = '10.20.30.40';
const OUTSIDE = '203.0.113.9';

beforeAll(async () => {
  t = await buildTestApp({ config: { adminNetworks: parseAdminNetworks('10.20.0.0/16') } });
  const db = t.app.database.db;
  const hub = await buildOrg(db, { name: '省政府办公厅', parentId: null, level: 'province', isHub: true });
  who.sec = (await buildUser(db, hub, ['sec_admin'])).username;
  who.audit = (await buildUser(db, hub, ['audit_admin'])).username;
  who.editor = (await buildUser(db, hub, ['editor'])).username;
}, 60_000);
afterAll(async () => t.close());

const login = (username: string, from: string, password = PASSWORD, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: from,
    headers,
  });
const cookieOf = (res: Awaited<ReturnType<typeof login>>) => {
  const c = res.cookies.find((x) => x.name === 'zx_session')!;
  return `zx_session=${c.value}`;
};

describe('SEC-15 management limited to configured networks', () => {
  it('an administrator logs in from inside; from outside the answer is that of a wrong password', async () => {
    const outside = await login(who.sec, OUTSIDE);
    expect(outside.statusCode).toBe(401);
    // Indistinguishable from a wrong password for an account of the same standing.
    const wrongPassword = await login(who.audit, OUTSIDE, 'Wrong-password-1');
    expect(wrongPassword.statusCode).toBe(401);
    expect(outside.json().message).toBe(wrongPassword.json().message);
    expect((await login(who.sec, INSIDE)).statusCode).toBe(200);
  });

  it('an administrator’s session stops working when used from outside, and management APIs answer only inside', async () => {
    const res = await login(who.audit, INSIDE);
    const cookie = cookieOf(res);
    const get = (url: string, from: string) =>
      t.app.inject({ method: 'GET', url, headers: { cookie }, remoteAddress: from });
    expect((await get('/api/audit?limit=5', INSIDE)).statusCode).toBe(200);
    const refused = await get('/api/audit?limit=5', OUTSIDE);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toContain('管理网络');
    expect((await get('/api/auth/me', OUTSIDE)).statusCode).toBe(403);
  });

  it('business users work from anywhere', async () => {
    const res = await login(who.editor, OUTSIDE);
    expect(res.statusCode).toBe(200);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: cookieOf(res) },
      remoteAddress: OUTSIDE,
    });
    expect(me.statusCode).toBe(200);
  });

  it('a forged X-Forwarded-For does not move a client inside while no proxy is trusted', async () => {
    const res = await login(who.sec, OUTSIDE, PASSWORD, { 'x-forwarded-for': INSIDE });
    expect(res.statusCode).toBe(401);
  });
});
