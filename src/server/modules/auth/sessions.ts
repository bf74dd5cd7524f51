import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedStatement } from '../../db/prepared.js';
import { writeAudit } from '../audit/audit.js';
import { randomToken, sha256 } from '../../crypto/provider.js';
import type { Actor, Membership } from '../../http/context.js';
import { memberships, users } from '../orgs/schema.js';
import { sessions } from './schema.js';
import type { SessionCache, SessionRow } from './session-cache.js';

export const ADMIN_IDLE_MINUTES = 15;

export interface SessionPolicy {
  idleMinutes: number;
  absoluteMinutes: number;
  /** The three administrators' idle timeout (SECURITY.md §5: 15 minutes). */
  adminIdleMinutes?: number;
}

/** Creates a server-side session; returns the cookie token (256 bits) and the CSRF token. */
export async function createSession(
  db: Db,
  userId: string,
  meta: { ip: string | null; userAgent: string | null; now: Date; policy: SessionPolicy },
): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken(32);
  const csrfToken = randomToken(32);
  await db.insert(sessions).values({
    idHash: sha256(token),
    userId,
    csrfToken,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    createdAt: meta.now,
    lastSeenAt: meta.now,
    expiresAt: new Date(meta.now.getTime() + meta.policy.absoluteMinutes * 60_000),
  });
  return { token, csrfToken };
}

export interface ResolvedSession {
  idHash: string;
  csrfToken: string;
  actor: Actor;
  mustChangePassword: boolean;
}

/**
 * The session, its user and the user's memberships (as JSON): only what a request needs. A membership still
 * waiting for a security administrator's confirmation (two-person rule) grants nothing, so it is left out.
 */
const sessionStatement = preparedStatement('zx_session', (db) =>
  db
    .select({
      // Not the password hash, second-factor secrets or other columns.
      s: { lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, csrfToken: sessions.csrfToken },
      u: {
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        disabled: users.disabled,
        mustChangePassword: users.mustChangePassword,
      },
      memberships: sql<
        Membership[]
      >`coalesce((select json_agg(json_build_object('orgId', m.org_id, 'role', m.role)) from ${memberships} m where m.user_id = ${users.id} and m.confirmed_at is not null), '[]'::json)`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.idHash, sql.placeholder('idHash')),
        gt(sessions.expiresAt, sql`${sql.placeholder('now')}::timestamptz`),
      ),
    ),
);

export interface ResolveOptions {
  /** False for requests the browser makes on its own (polls, the notification stream): they are no activity. */
  touch?: boolean;
  /** This instance's cache of sessions (session-cache.ts); without it, every call reads the database. */
  cache?: SessionCache | null;
  /** Read the committed session even when the cache holds it: every state-changing request does. */
  fresh?: boolean;
}

/**
 * Resolves a cookie token to its session and actor, enforcing the idle timeout (shorter for the three
 * administrators) and the absolute lifetime; an expired session is deleted.
 */
export async function resolveSession(
  db: Db,
  token: string,
  now: Date,
  policy: SessionPolicy,
  { touch = true, cache = null, fresh = false }: ResolveOptions = {},
): Promise<ResolvedSession | null> {
  const idHash = sha256(token);
  const nowMs = now.getTime();
  let row: SessionRow | null | undefined = cache && !fresh ? cache.get(idHash, nowMs) : null;
  if (!row) {
    const generation = cache?.begin() ?? 0;
    // One statement on every request, built once and prepared by name (db/prepared.ts).
    [row] = await sessionStatement(db, { idHash, now: now.toISOString() });
    if (row && cache) cache.store(idHash, row, generation, nowMs);
  }
  if (!row || row.u.disabled) {
    cache?.forgetSession(idHash);
    if (row) await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  const ms = row.memberships;
  const isAdmin = ms.some(
    (m) => m.role === 'sys_admin' || m.role === 'sec_admin' || m.role === 'audit_admin',
  );
  const idle = isAdmin
    ? Math.min(policy.adminIdleMinutes ?? ADMIN_IDLE_MINUTES, policy.idleMinutes)
    : policy.idleMinutes;
  if (nowMs - row.s.lastSeenAt.getTime() > idle * 60_000) {
    cache?.forgetSession(idHash);
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  // Touch at most once a minute to keep reads cheap.
  if (touch && nowMs - row.s.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
    cache?.touched(idHash, now);
  }
  return {
    idHash,
    csrfToken: row.s.csrfToken,
    mustChangePassword: row.u.mustChangePassword,
    actor: { userId: row.u.id, username: row.u.username, displayName: row.u.displayName, memberships: ms },
  };
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  const gone = await db
    .delete(sessions)
    .where(eq(sessions.userId, userId))
    .returning({ idHash: sessions.idHash });
  return gone.length;
}

/**
 * Periodic housekeeping: expired sessions and old throttle counters go; accounts unused for
 * `inactiveDays` (by last login, or creation when never used) are disabled, each with an audit row;
 * the three administrators are exempt.
 */
export async function housekeeping(db: Db, now: Date, inactiveDays: number): Promise<number> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
  // Throttle counters whose windows (at most a day) ended long ago and which hold no running lock.
  await db.execute(
    sql`delete from login_throttle where window_start < ${new Date(now.getTime() - 86_400_000)} and (locked_until is null or locked_until < ${now})`,
  );
  const cutoff = new Date(now.getTime() - inactiveDays * 86_400_000);
  return db.transaction(async (tx) => {
    const disabled = await tx
      .update(users)
      .set({ disabled: true })
      .where(
        and(
          eq(users.disabled, false),
          lt(sql`greatest(${users.createdAt}, ${users.lastLoginAt}, ${users.enabledAt})`, cutoff),
          // The three administrators are exempt: they are the ones who re-enable everybody else.
          sql`not exists (select 1 from ${memberships} m where m.user_id = ${users.id} and m.role in ('sys_admin', 'sec_admin', 'audit_admin'))`,
        ),
      )
      .returning({ id: users.id });
    for (const u of disabled) {
      await tx.delete(sessions).where(eq(sessions.userId, u.id));
      await writeAudit(tx, {
        at: now,
        userId: null,
        ip: null,
        requestId: null,
        event: 'user.auto_disable',
        objectType: 'user',
        objectId: u.id,
        result: 'success',
        detail: { inactiveDays },
      });
    }
    return disabled.length;
  });
}
