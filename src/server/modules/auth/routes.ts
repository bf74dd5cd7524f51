import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { safeEqual } from '../../crypto/provider.js';
import type { Actor } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import { writeAudit } from '../audit/audit.js';
import { ROLE_LABELS } from '../orgs/domain.js';
import { memberships, orgs, users } from '../orgs/schema.js';
import { dummyHash, hashPassword, passwordPolicyViolation, verifyPassword } from './passwords.js';
import { loginAttempts, passwordHistory } from './schema.js';
import {
  createSession,
  deleteSession,
  deleteUserSessions,
  resolveSession,
  type ResolvedSession,
} from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: ResolvedSession | null;
  }
}

const LOCK_AFTER_FAILURES = 5;
const LOCK_MINUTES = 30;
/** The last N passwords cannot be reused; a password older than the maximum age must be changed. */
const PASSWORD_HISTORY = 5;
const LOGIN_FAILED = '用户名或密码错误（连续失败5次将锁定30分钟）';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes a user who must change their password may still call. */
const PASSWORD_CHANGE_ALLOWED = new Set(['/api/auth/me', '/api/auth/logout', '/api/auth/password']);

export function cookieName(secure: boolean): string {
  return secure ? '__Host-zx_session' : 'zx_session';
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.session) throw new AppError('unauthenticated', '请先登录');
  return req.session.actor;
}

/**
 * Sessions, CSRF and login. Every /api request is resolved to a session here; routes that declare
 * `access: 'user'` refuse anonymous callers, and every state change needs the session's CSRF token and,
 * when the browser sends one, a same-origin Origin header.
 */
export const authPlugin = fp(async (appBase) => {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const policy = {
    idleMinutes: app.config.sessionIdleMinutes,
    absoluteMinutes: app.config.sessionAbsoluteMinutes,
  };
  const cookie = cookieName(app.config.secureCookies);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies[cookie];
    if (token) req.session = await resolveSession(app.database.db, token, new Date(), policy);
  });

  app.addHook('preHandler', async (req) => {
    const access = req.routeOptions.config.access;
    if (!req.url.startsWith('/api/') || access === 'public') return;
    if (!req.session) throw new AppError('unauthenticated', '登录已过期，请重新登录');
    if (!SAFE_METHODS.has(req.method)) checkCsrf(req, req.session);
    if (req.session.mustChangePassword && !PASSWORD_CHANGE_ALLOWED.has(req.routeOptions.url ?? ''))
      throw new AppError('password_change_required', '首次登录或密码已过期，请先修改密码');
  });

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['认证'],
        summary: '登录',
        body: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
      },
    },
    async (req, reply) => {
      const now = new Date();
      const db = app.database.db;
      const ip = req.ip ?? 'unknown';
      checkOrigin(req);
      await enforceIpLimit(req, now);
      const [user] = await db
        .select()
        .from(users)
        .where(sql`lower(${users.username}) = lower(${req.body.username})`);
      const ok = user
        ? await verifyPassword(user.passwordHash, req.body.password)
        : (await verifyPassword(await dummyHash(), req.body.password), false);
      const locked = user?.lockedUntil && user.lockedUntil > now;
      if (!user || !ok || locked || user.disabled) {
        await db.transaction(async (tx) => {
          if (user && !locked) {
            const failures = user.failedLogins + 1;
            await tx
              .update(users)
              .set({
                failedLogins: failures >= LOCK_AFTER_FAILURES ? 0 : failures,
                lockedUntil:
                  failures >= LOCK_AFTER_FAILURES ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null,
              })
              .where(eq(users.id, user.id));
          }
          await writeAudit(tx, {
            at: now,
            userId: user?.id ?? null,
            ip,
            requestId: String(req.id),
            event: 'auth.login',
            objectType: 'user',
            objectId: user?.id ?? null,
            result: 'failure',
            detail: {
              username: req.body.username.slice(0, 64),
              reason: !user
                ? 'unknown_user'
                : locked
                  ? 'locked'
                  : user.disabled
                    ? 'disabled'
                    : 'bad_password',
            },
          });
        });
        throw new AppError('unauthenticated', LOGIN_FAILED);
      }
      const session = await db.transaction(async (tx) => {
        const expired =
          now.getTime() - user.passwordChangedAt.getTime() > app.config.passwordMaxAgeDays * 86_400_000;
        await tx
          .update(users)
          .set({
            failedLogins: 0,
            lockedUntil: null,
            lastLoginAt: now,
            ...(expired && { mustChangePassword: true }),
          })
          .where(eq(users.id, user.id));
        await writeAudit(tx, {
          at: now,
          userId: user.id,
          ip,
          requestId: String(req.id),
          event: 'auth.login',
          objectType: 'user',
          objectId: user.id,
          result: 'success',
        });
        return createSession(tx, user.id, { ip, userAgent: req.headers['user-agent'] ?? null, now, policy });
      });
      setSessionCookie(reply, cookie, session.token, app.config.secureCookies);
      const resolved = await resolveSession(db, session.token, now, policy);
      return presentMe(req, resolved);
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: 'user' }, schema: { tags: ['认证'], summary: '退出登录' } },
    async (req, reply) => {
      const s = req.session;
      if (s) {
        await app.database.db.transaction(async (tx) => {
          await deleteSession(tx, s.idHash);
          await writeAudit(tx, {
            at: new Date(),
            userId: s.actor.userId,
            ip: req.ip ?? null,
            requestId: String(req.id),
            event: 'auth.logout',
            objectType: 'user',
            objectId: s.actor.userId,
            result: 'success',
          });
        });
      }
      reply.clearCookie(cookie, { path: '/' });
      reply.header('Clear-Site-Data', '"cookies", "storage"');
      return { ok: true };
    },
  );

  app.get(
    '/api/auth/me',
    { config: { access: 'user' }, schema: { tags: ['认证'], summary: '当前用户、所属单位与角色、CSRF令牌' } },
    async (req) => presentMe(req, req.session),
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'user' },
      schema: {
        tags: ['认证'],
        summary: '修改密码',
        body: z.strictObject({
          currentPassword: z.string().min(1).max(256),
          newPassword: z.string().min(1).max(256),
        }),
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const db = app.database.db;
      const [user] = await db.select().from(users).where(eq(users.id, actor.userId));
      if (!user || !(await verifyPassword(user.passwordHash, req.body.currentPassword)))
        throw new AppError('validation', '当前密码不正确', { field: 'currentPassword' });
      const violation = passwordPolicyViolation(req.body.newPassword, user.username);
      if (violation) throw new AppError('validation', violation, { field: 'newPassword' });
      const recent = await db
        .select({ hash: passwordHistory.passwordHash })
        .from(passwordHistory)
        .where(eq(passwordHistory.userId, user.id))
        .orderBy(desc(passwordHistory.createdAt))
        .limit(PASSWORD_HISTORY - 1);
      for (const stored of [user.passwordHash, ...recent.map((r) => r.hash)])
        if (await verifyPassword(stored, req.body.newPassword))
          throw new AppError('validation', `新密码不能与最近${PASSWORD_HISTORY}次使用过的密码相同`, {
            field: 'newPassword',
          });
      const hash = await hashPassword(req.body.newPassword);
      const now = new Date();
      const session = await db.transaction(async (tx) => {
        await tx
          .insert(passwordHistory)
          .values({ userId: user.id, passwordHash: user.passwordHash, createdAt: now });
        await tx
          .update(users)
          .set({ passwordHash: hash, mustChangePassword: false, passwordChangedAt: now })
          .where(eq(users.id, user.id));
        await deleteUserSessions(tx, user.id);
        await writeAudit(tx, {
          at: now,
          userId: user.id,
          ip: req.ip ?? null,
          requestId: String(req.id),
          event: 'auth.password_change',
          objectType: 'user',
          objectId: user.id,
          result: 'success',
        });
        return createSession(tx, user.id, {
          ip: req.ip ?? null,
          userAgent: req.headers['user-agent'] ?? null,
          now,
          policy,
        });
      });
      setSessionCookie(reply, cookie, session.token, app.config.secureCookies);
      return presentMe(req, await resolveSession(db, session.token, now, policy));
    },
  );

  async function enforceIpLimit(req: FastifyRequest, now: Date): Promise<void> {
    const ip = req.ip ?? 'unknown';
    const db = app.database.db;
    const minuteAgo = new Date(now.getTime() - 60_000);
    const hourAgo = new Date(now.getTime() - 3_600_000);
    const [counts] = await db
      .select({
        minute: sql<number>`count(*) filter (where ${loginAttempts.at} > ${minuteAgo})::int`,
        hour: sql<number>`count(*)::int`,
      })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.ip, ip), gt(loginAttempts.at, hourAgo)));
    if (
      (counts?.minute ?? 0) >= app.config.loginPerMinute ||
      (counts?.hour ?? 0) >= app.config.loginPerMinute * 5
    ) {
      throw new AppError('rate_limited', '登录尝试过于频繁，请稍后再试', {
        retryAfter: (counts?.minute ?? 0) >= app.config.loginPerMinute ? 60 : 3600,
      });
    }
    await db.insert(loginAttempts).values({ ip, at: now });
  }
});

function setSessionCookie(reply: FastifyReply, name: string, token: string, secure: boolean): void {
  reply.setCookie(name, token, { path: '/', httpOnly: true, sameSite: 'strict', secure });
}

function checkOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (!origin) return;
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError('forbidden', '请求来源无效');
  }
  if (originHost !== host) throw new AppError('forbidden', '跨站请求被拒绝');
}

function checkCsrf(req: FastifyRequest, session: ResolvedSession): void {
  checkOrigin(req);
  const token = req.headers['x-csrf-token'];
  if (typeof token !== 'string' || !safeEqual(token, session.csrfToken))
    throw new AppError('forbidden', '安全令牌无效，请刷新页面后重试');
}

async function presentMe(req: FastifyRequest, session: ResolvedSession | null) {
  if (!session) throw new AppError('unauthenticated', '请先登录');
  const db = req.server.database.db;
  const orgIds = [...new Set(session.actor.memberships.map((m) => m.orgId))];
  const rows = orgIds.length
    ? await db
        .select({
          id: orgs.id,
          name: orgs.name,
          shortName: orgs.shortName,
          isHub: orgs.isHub,
          level: orgs.level,
          reviewMode: orgs.reviewMode,
        })
        .from(orgs)
        .innerJoin(memberships, eq(memberships.orgId, orgs.id))
        .where(eq(memberships.userId, session.actor.userId))
    : [];
  const units = orgIds.map((id) => {
    const org = rows.find((r) => r.id === id);
    const roles = session.actor.memberships.filter((m) => m.orgId === id).map((m) => m.role);
    return { ...org, id, roles, roleLabels: roles.map((r) => ROLE_LABELS[r]) };
  });
  return {
    user: {
      id: session.actor.userId,
      username: session.actor.username,
      displayName: session.actor.displayName,
    },
    units,
    csrfToken: session.csrfToken,
    mustChangePassword: session.mustChangePassword,
  };
}
