import { describe, expect, it } from 'vitest';
import { SessionCache, type SessionRow } from '../../src/server/modules/auth/session-cache.js';

const T0 = Date.UTC(2026, 10, 26, 2, 0, 0);

function row(userId: string, over: Partial<SessionRow['u']> = {}, expiresAt = T0 + 3_600_000): SessionRow {
  return {
    s: { lastSeenAt: new Date(T0), expiresAt: new Date(expiresAt), csrfToken: 'c' },
    u: {
      id: userId,
      username: userId,
      displayName: userId,
      disabled: false,
      mustChangePassword: false,
      ...over,
    },
    memberships: [{ orgId: 'o1', role: 'editor' }],
  };
}

function listening(options = { ttlMs: 10_000, maxEntries: 100 }) {
  const c = new SessionCache(options);
  c.setListening(true);
  return c;
}

describe('session cache (reading requests reuse a session until a change is notified)', () => {
  it('serves a stored session until its time to live or the session’s own expiry', () => {
    const c = listening();
    c.store('h1', row('u1'), c.begin(), T0);
    expect(c.get('h1', T0 + 9_999)?.u.id).toBe('u1');
    expect(c.get('h1', T0 + 10_000)).toBeNull();
    expect(c.size).toBe(0);
    c.store('h2', row('u2', {}, T0 + 5_000), c.begin(), T0);
    expect(c.get('h2', T0 + 4_999)).not.toBeNull();
    expect(c.get('h2', T0 + 5_000)).toBeNull();
  });

  it('drops every session of a notified user, and only theirs', () => {
    const c = listening();
    c.store('a1', row('ua'), c.begin(), T0);
    c.store('a2', row('ua'), c.begin(), T0);
    c.store('b1', row('ub'), c.begin(), T0);
    c.invalidate('ua');
    expect(c.get('a1', T0)).toBeNull();
    expect(c.get('a2', T0)).toBeNull();
    expect(c.get('b1', T0)).not.toBeNull();
    c.invalidate(null);
    expect(c.get('b1', T0)).toBeNull();
  });

  it('does not keep a lookup that a notification overtook (it may have read the old row)', () => {
    const c = listening();
    const started = c.begin();
    c.invalidate('somebody-else');
    c.store('h', row('u'), started, T0);
    expect(c.get('h', T0)).toBeNull();
    c.store('h', row('u'), c.begin(), T0);
    expect(c.get('h', T0)).not.toBeNull();
  });

  it('serves and keeps nothing while the invalidation channel is down, and forgets on either change', () => {
    const c = new SessionCache({ ttlMs: 10_000, maxEntries: 100 });
    c.store('h', row('u'), c.begin(), T0);
    expect(c.get('h', T0)).toBeNull();
    c.setListening(true);
    const started = c.begin();
    c.store('h', row('u'), started, T0);
    expect(c.get('h', T0)).not.toBeNull();
    c.setListening(false);
    expect(c.get('h', T0)).toBeNull();
    // A lookup begun while down and finished after the channel came back is not kept either.
    const whileDown = c.begin();
    c.setListening(true);
    c.store('h', row('u'), whileDown, T0);
    expect(c.get('h', T0)).toBeNull();
  });

  it('never keeps a disabled user, and follows its own touches', () => {
    const c = listening();
    c.store('h', row('u', { disabled: true }), c.begin(), T0);
    expect(c.get('h', T0)).toBeNull();
    c.store('h', row('u'), c.begin(), T0);
    c.touched('h', new Date(T0 + 1_000));
    expect(c.get('h', T0 + 1_000)?.s.lastSeenAt.getTime()).toBe(T0 + 1_000);
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const c = listening({ ttlMs: 10_000, maxEntries: 3 });
    for (const h of ['h1', 'h2', 'h3', 'h4']) c.store(h, row(`u-${h}`), c.begin(), T0);
    expect(c.size).toBe(3);
    expect(c.get('h1', T0)).toBeNull();
    expect(c.get('h4', T0)).not.toBeNull();
    // Storing a kept session again does not evict another.
    c.store('h4', row('u-h4'), c.begin(), T0);
    expect(c.size).toBe(3);
    c.invalidate('u-h2');
    expect(c.size).toBe(2);
  });
});
