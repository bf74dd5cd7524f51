import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/server/crypto/provider.js';
import { sessions } from '../../src/server/modules/auth/schema.js';
import { memberships, users } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

/**
 * The session cache (modules/auth/session-cache.ts) with a time to live far beyond the test: whatever a
 * reading request sees after a change, the change's notification told it — on PGlite in process, on
 * PostgreSQL over the LISTEN connection, a few milliseconds later (hence `expect.poll`).
 */
let t: TestApp;
let orgId: string;
beforeAll(async () => {
  t = await buildTestApp({ config: { sessionCacheSeconds: 60 } });
  orgId = await buildOrg(t.app.database.db, {
    name: '某县政府办',
    parentId: null,
    level: 'county',
    isHub: true,
  });
});
afterAll(async () => t.close());

const db = () => t.app.database.db;
const idHash = (c: Client) => sha256(c.cookie.slice(c.cookie.indexOf('=') + 1));
const kept = (c: Client) => t.app.sessionCache!.get(idHash(c), Date.now()) !== null;

async function loggedIn(roles: Parameters<typeof buildUser>[2] = ['editor']) {
  const u = await buildUser(db(), orgId, roles);
  const c = await Client.login(t.app, u.username, PASSWORD);
  expect((await c.get('/api/inbox')).statusCode).toBe(200);
  expect(kept(c)).toBe(true);
  return { u, c };
}

const status = (c: Client, url: string) => async () => (await c.get(url)).statusCode;
const POLL = { timeout: 3_000, interval: 20 };

describe('session cache: every change reaches the next reading request', () => {
  it('a disabled user is refused', async () => {
    const { u, c } = await loggedIn();
    await db().update(users).set({ disabled: true }).where(eq(users.id, u.id));
    await expect.poll(status(c, '/api/inbox'), POLL).toBe(401);
  });

  it('a password change demanded of the user applies', async () => {
    const { u, c } = await loggedIn();
    await db().update(users).set({ mustChangePassword: true }).where(eq(users.id, u.id));
    await expect.poll(status(c, '/api/inbox'), POLL).toBe(403);
    expect((await c.get('/api/inbox')).json().code).toBe('password_change_required');
  });

  it('a role taken away is gone, a role granted is there', async () => {
    const { u, c } = await loggedIn();
    await db().delete(memberships).where(eq(memberships.userId, u.id));
    await expect.poll(async () => (await c.get('/api/auth/me')).json().units.length, POLL).toBe(0);
    await db()
      .insert(memberships)
      .values({ userId: u.id, orgId, role: 'chief_editor', confirmedAt: new Date() });
    await expect
      .poll(async () => (await c.get('/api/auth/me')).json().units[0]?.roles, POLL)
      .toEqual(['chief_editor']);
  });

  it('the idle timeout is judged on the session’s last activity, wherever it was recorded', async () => {
    const { u, c } = await loggedIn();
    await db()
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '31 minutes'` })
      .where(eq(sessions.userId, u.id));
    await expect.poll(status(c, '/api/inbox'), POLL).toBe(401);
  });

  it('a session ended elsewhere is ended; a state-changing request never trusts the cache', async () => {
    const { u, c } = await loggedIn();
    const [row] = await db()
      .select({
        s: { lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, csrfToken: sessions.csrfToken },
      })
      .from(sessions)
      .where(eq(sessions.userId, u.id));
    await db().delete(sessions).where(eq(sessions.userId, u.id));
    await expect.poll(status(c, '/api/inbox'), POLL).toBe(401);
    expect(kept(c)).toBe(false);
    // The ended session planted back into the cache, as if its notification were still on the way: a read
    // would be answered from it, a write is decided on the committed session.
    const cache = t.app.sessionCache!;
    cache.store(
      idHash(c),
      {
        s: row!.s,
        u: {
          id: u.id,
          username: u.username,
          displayName: u.username,
          disabled: false,
          mustChangePassword: false,
        },
        memberships: [{ orgId, role: 'editor' }],
      },
      cache.begin(),
      Date.now(),
    );
    expect((await c.get('/api/inbox')).statusCode).toBe(200);
    expect((await c.post('/api/auth/logout')).statusCode).toBe(401);
    // The refused write read the session afresh and dropped the planted one.
    expect(kept(c)).toBe(false);
  });

  it('activity recorded by this instance stays with the kept session', async () => {
    const { u, c } = await loggedIn();
    const before = new Date(Date.now() - 5 * 60_000);
    await db().update(sessions).set({ lastSeenAt: before }).where(eq(sessions.userId, u.id));
    await expect.poll(() => kept(c), POLL).toBe(false);
    expect((await c.get('/api/inbox')).statusCode).toBe(200);
    const [s] = await db().select().from(sessions).where(eq(sessions.userId, u.id));
    expect(s!.lastSeenAt.getTime()).toBeGreaterThan(before.getTime());
  });
});
