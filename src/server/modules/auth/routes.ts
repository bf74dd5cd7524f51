import { and, desc, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getCrypto } from '../../crypto/current.js';
import { randomToken, safeEqual, sha256 } from '../../crypto/provider.js';
import type { Db } from '../../db/client.js';
import type { Actor } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import { isApiRequest, isApiRoute } from '../../http/route-kind.js';
import { writeAudit } from '../audit/audit.js';
import { auditEventLabel } from '../audit/events.js';
import { auditLog, type AuditResult } from '../audit/schema.js';

const ACCOUNT_NOTICE_EVENTS = [
  'user.create',
  'user.reset_password',
  'user.unlock',
  'user.update',
  'user.grant_confirm',
  'user.grant_reject',
  'session.revoke_user',
  'auth.second_factor.reset',
] as const;
import { ROLE_LABELS } from '../orgs/domain.js';
import { memberships, orgs, users } from '../orgs/schema.js';
import {
  dummyHash,
  hashPassword,
  passwordPolicyViolation,
  passwordRulesText,
  verifyPassword,
} from './passwords.js';
import { loginChallenges, passwordHistory, recoveryCodes, secondFactors } from './schema.js';
import {
  activeSecondFactor,
  hashRecoveryCode,
  secondFactorProvider,
  secondFactorRequiredFor,
} from './second-factor.js';
import { loadSecurityPolicy, type SecurityPolicy } from './security-policy.js';
import { LoggedOut, LoginResult, MeSchema } from './schemas.js';
import {
  accountKey,
  clearAccount,
  lockAccount,
  lockedError,
  reserveAccountAttempt,
  reserveIpAttempt,
  type IpReservation,
} from './throttle.js';
import {
  createSession,
  deleteSession,
  deleteUserSessions,
  resolveSession,
  type ResolvedSession,
  type SessionPolicy,
} from './sessions.js';
import { SESSION_CACHE_DEFAULTS, SESSION_CHANNEL, SessionCache } from './session-cache.js';
import { listenForCache } from '../../http/invalidated-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's sessions of reading requests (session-cache.ts); null when turned off. */
    sessionCache: SessionCache | null;
  }
  interface FastifyRequest {
    session: ResolvedSession | null;
    /** Set when a handler wrote the audit row of its own refusal, so the error handler does not write another. */
    refusalAudited: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes a user who must change their password may still call. */
const PASSWORD_CHANGE_ALLOWED = new Set(['/api/auth/me', '/api/auth/logout', '/api/auth/password']);
/** Routes a user who must enrol a second factor may still call. */
const ENROL_ALLOWED = new Set([
  ...PASSWORD_CHANGE_ALLOWED,
  '/api/auth/second-factor',
  '/api/auth/second-factor/enrol',
  '/api/auth/second-factor/confirm',
]);
const CHALLENGE_MINUTES = 5;

/** Routes the browser calls on its own, without the user doing anything. */
const BACKGROUND_ROUTES = new Set(['/api/notifications/stream']);

/**
 * A request the page makes by itself (the bell's poll marks itself with `X-ZX-Background: 1`; the live
 * stream always is one) is not activity: it must not keep an unattended session past its idle timeout.
 */
export function isBackgroundRequest(req: FastifyRequest): boolean {
  return req.headers['x-zx-background'] === '1' || BACKGROUND_ROUTES.has(req.routeOptions.url ?? '');
}

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
  const cookie = cookieName(app.config.secureCookies);
  app.decorateRequest('session', null);
  app.decorateRequest('refusalAudited', false);
  const cache =
    app.config.sessionCacheSeconds > 0
      ? new SessionCache({ ...SESSION_CACHE_DEFAULTS, ttlMs: app.config.sessionCacheSeconds * 1000 })
      : null;
  app.decorate('sessionCache', cache);
  listenForCache(app, SESSION_CHANNEL, cache);

  app.addHook('onRequest', async (req) => {
    // API requests, and any other route that declares an access rule (/files/:id).
    if (!isApiRequest(req) && req.routeOptions.config.access === undefined) return;
    const token = req.cookies[cookie];
    if (token)
      req.session = await resolveSession(
        app.database.db,
        token,
        new Date(),
        sessionPolicy(await loadSecurityPolicy(app.database.db)),
        { touch: !isBackgroundRequest(req), cache, fresh: !SAFE_METHODS.has(req.method) },
      );
  });

  app.addHook('preHandler', async (req) => {
    // Decided on the matched route, not the raw URL: every API route needs a session unless it is public.
    const access = req.routeOptions.config.access;
    if (access === 'public' || (!access && !isApiRoute(req))) return;
    if (!req.session) throw new AppError('unauthenticated', '登录已过期，请重新登录');
    if (!SAFE_METHODS.has(req.method)) checkCsrf(req, req.session);
    if (req.session.mustChangePassword && !PASSWORD_CHANGE_ALLOWED.has(req.routeOptions.url ?? ''))
      throw new AppError('password_change_required', '首次登录或密码已过期，请先修改密码');
    if (!ENROL_ALLOWED.has(req.routeOptions.url ?? '') && (await mustEnrolSecondFactor(req, req.session)))
      throw new AppError('forbidden', '安全策略要求启用两步验证，请先绑定动态口令', {
        secondFactorEnrolment: true,
      });
  });

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['认证'],
        summary: '登录（失败按账号与IP计数，锁定与限流时返回 423/429 与 Retry-After）',
        body: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
        response: { 200: LoginResult },
      },
    },
    async (req, reply) => {
      const now = new Date();
      const db = app.database.db;
      const ip = req.ip ?? 'unknown';
      const username = req.body.username.slice(0, 64);
      checkOrigin(req);
      const policy = await loadSecurityPolicy(db);
      const audit = (userId: string | null, result: AuditResult, reason: string) =>
        auditAuth(req, now, { event: 'auth.login', userId, result, detail: { username, reason } });

      let ipSlot: IpReservation;
      try {
        ipSlot = await reserveIpAttempt(db, ip, now, app.config.loginPerMinute);
      } catch (e) {
        await audit(null, 'denied', 'rate_limited');
        throw e;
      }
      const account = await reserveAccountAttempt(db, username, now, policy);
      if (!account.ok) {
        // No password was checked: the address's budget is given back.
        await ipSlot.release();
        await audit(null, 'denied', 'locked');
        throw lockedError(account.lockedUntil, now);
      }
      const [user] = await db
        .select()
        .from(users)
        .where(sql`lower(${users.username}) = lower(${username})`);
      const ok = user
        ? await verifyPassword(user.passwordHash, req.body.password)
        : (await verifyPassword(await dummyHash(), req.body.password), false);
      if (!user || !ok || user.disabled || req.outsideAdminNetwork) {
        const lockedUntil =
          account.remaining <= 0 ? await lockAccount(db, accountKey(username), now, policy) : null;
        await audit(
          user?.id ?? null,
          'failure',
          !user
            ? 'unknown_user'
            : user.disabled
              ? 'disabled'
              : req.outsideAdminNetwork
                ? 'outside_admin_network'
                : 'bad_password',
        );
        if (lockedUntil) throw lockedError(lockedUntil, now);
        throw new AppError(
          'unauthenticated',
          `用户名或密码错误，还可尝试${account.remaining}次（连续失败${policy.lockoutThreshold}次将锁定${policy.lockoutMinutes}分钟）`,
          { remaining: account.remaining },
        );
      }
      await ipSlot.release();
      const factor = await activeSecondFactor(db, user.id);
      if (factor) {
        // The password was right; no session yet. The account's reservation stays: the second step's
        // failures continue the same count, so knowing the password gives no fresh guesses.
        const challenge = randomToken();
        await db.transaction(async (tx) => {
          await tx.insert(loginChallenges).values({
            idHash: sha256(challenge),
            userId: user.id,
            expiresAt: new Date(now.getTime() + CHALLENGE_MINUTES * 60_000),
          });
          await writeAudit(tx, {
            at: now,
            userId: user.id,
            ip,
            requestId: String(req.id),
            event: 'auth.second_factor.challenge',
            objectType: 'user',
            objectId: user.id,
            result: 'success',
            detail: { kind: factor.kind },
          });
        });
        return { secondFactor: factor.kind, challenge };
      }
      // Successes never count: the address's reservation is returned and the account's failures cleared.
      await clearAccount(db, username);
      return completeLogin(req, reply, user, policy, now);
    },
  );

  app.post(
    '/api/auth/login/second-factor',
    {
      config: { access: 'public' },
      schema: {
        tags: ['认证'],
        summary: '登录第二步：动态口令或恢复码（失败计入账号锁定；挑战5分钟内有效、仅用一次）',
        body: z.strictObject({
          challenge: z.string().min(1).max(128),
          code: z.string().max(16).optional(),
          recoveryCode: z.string().max(64).optional(),
        }),
        response: { 200: MeSchema },
      },
    },
    async (req, reply) => {
      const now = new Date();
      const db = app.database.db;
      checkOrigin(req);
      const { code, recoveryCode } = req.body;
      if (!code && !recoveryCode)
        throw new AppError('validation', '请输入动态口令或恢复码', { field: 'code' });
      const policy = await loadSecurityPolicy(db);
      const method = code ? 'totp' : 'recovery_code';
      const audit = (userId: string | null, result: AuditResult, reason: string) =>
        auditAuth(req, now, {
          event: 'auth.second_factor.verify',
          userId,
          result,
          detail: { method, reason },
        });
      const idHash = sha256(req.body.challenge);
      const [ch] = await db.select().from(loginChallenges).where(eq(loginChallenges.idHash, idHash));
      const [user] = ch ? await db.select().from(users).where(eq(users.id, ch.userId)) : [];
      const factor = user ? await activeSecondFactor(db, user.id) : null;
      if (!ch || ch.usedAt || ch.expiresAt <= now || !user || user.disabled || !factor) {
        const reason = !ch
          ? 'unknown_challenge'
          : ch.usedAt
            ? 'challenge_used'
            : ch.expiresAt <= now
              ? 'challenge_expired'
              : 'account_changed';
        await audit(ch?.userId ?? null, 'denied', reason);
        throw new AppError('unauthenticated', '验证已过期或无效，请重新输入用户名和密码', { restart: true });
      }
      const account = await reserveAccountAttempt(db, user.username, now, policy);
      if (!account.ok) {
        await db.delete(loginChallenges).where(eq(loginChallenges.userId, user.id));
        await audit(user.id, 'denied', 'locked');
        throw lockedError(account.lockedUntil, now);
      }
      let reason = 'bad_code';
      if (code) {
        const provider = secondFactorProvider(factor.kind);
        const checked = await provider.verify(
          getCrypto().decrypt(factor.secretEnc),
          code,
          now,
          factor.lastUsedStep,
        );
        if (checked.ok && checked.step !== null) {
          // A code is accepted once: only a later time step than the last accepted one moves the marker.
          const moved = await db
            .update(secondFactors)
            .set({ lastUsedStep: checked.step })
            .where(
              and(
                eq(secondFactors.userId, user.id),
                or(isNull(secondFactors.lastUsedStep), lt(secondFactors.lastUsedStep, checked.step)),
              ),
            )
            .returning({ userId: secondFactors.userId });
          reason = moved.length ? '' : 'replay';
        } else if (checked.ok) reason = '';
        else if (
          factor.lastUsedStep !== null &&
          (await provider.verify(getCrypto().decrypt(factor.secretEnc), code, now, null)).ok
        )
          reason = 'replay';
      } else {
        const used = await db
          .update(recoveryCodes)
          .set({ usedAt: now })
          .where(
            and(
              eq(recoveryCodes.userId, user.id),
              eq(recoveryCodes.codeHash, hashRecoveryCode(recoveryCode ?? '')),
              isNull(recoveryCodes.usedAt),
            ),
          )
          .returning({ userId: recoveryCodes.userId });
        reason = used.length ? '' : 'bad_recovery_code';
      }
      if (reason) {
        const lockedUntil =
          account.remaining <= 0 ? await lockAccount(db, accountKey(user.username), now, policy) : null;
        if (lockedUntil) await db.delete(loginChallenges).where(eq(loginChallenges.userId, user.id));
        await audit(user.id, 'failure', reason);
        if (lockedUntil) throw lockedError(lockedUntil, now);
        throw new AppError(
          'unauthenticated',
          `${code ? '动态口令' : '恢复码'}不正确或已使用，还可尝试${account.remaining}次`,
          { remaining: account.remaining, field: code ? 'code' : 'recoveryCode' },
        );
      }
      await clearAccount(db, user.username);
      return completeLogin(req, reply, user, policy, now, async (tx) => {
        const consumed = await tx
          .update(loginChallenges)
          .set({ usedAt: now })
          .where(and(eq(loginChallenges.idHash, idHash), isNull(loginChallenges.usedAt)))
          .returning({ userId: loginChallenges.userId });
        if (!consumed.length)
          throw new AppError('unauthenticated', '验证已过期或无效，请重新输入用户名和密码', {
            restart: true,
          });
        // The user's expired challenges are of no further use.
        await tx
          .delete(loginChallenges)
          .where(and(eq(loginChallenges.userId, user.id), sql`${loginChallenges.expiresAt} <= ${now}`));
        await writeAudit(tx, {
          at: now,
          userId: user.id,
          ip: req.ip ?? null,
          requestId: String(req.id),
          event: 'auth.second_factor.verify',
          objectType: 'user',
          objectId: user.id,
          result: 'success',
          detail: { method },
        });
      });
    },
  );

  async function completeLogin(
    req: FastifyRequest,
    reply: FastifyReply,
    user: typeof users.$inferSelect,
    policy: SecurityPolicy,
    now: Date,
    inTx?: (tx: Db) => Promise<void>,
  ) {
    const db = app.database.db;
    const ip = req.ip ?? 'unknown';
    {
      const session = await db.transaction(async (tx) => {
        if (inTx) await inTx(tx);
        const expired =
          policy.passwordMaxAgeDays > 0 &&
          now.getTime() - user.passwordChangedAt.getTime() > policy.passwordMaxAgeDays * 86_400_000;
        await tx
          .update(users)
          .set({ lastLoginAt: now, ...(expired && { mustChangePassword: true }) })
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
        return createSession(tx, user.id, {
          ip,
          userAgent: req.headers['user-agent'] ?? null,
          now,
          policy: sessionPolicy(policy),
        });
      });
      setSessionCookie(reply, cookie, session.token, app.config.secureCookies);
      const resolved = await resolveSession(db, session.token, now, sessionPolicy(policy));
      return presentMe(req, resolved);
    }
  }

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'user' },
      schema: { tags: ['认证'], summary: '退出登录', response: { 200: LoggedOut } },
    },
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
      reply.clearCookie(cookie, sessionCookieOptions(app.config.secureCookies));
      reply.header('Clear-Site-Data', '"cookies", "storage"');
      return { ok: true };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'user' },
      schema: {
        tags: ['认证'],
        summary: '当前用户、所属单位与角色、CSRF令牌',
        response: { 200: MeSchema },
      },
    },
    async (req) => presentMe(req, req.session),
  );

  app.get(
    '/api/auth/password-rules',
    {
      config: { access: 'user' },
      schema: {
        tags: ['认证'],
        summary: '当前密码规则（供修改密码页面显示）',
        response: {
          200: z.object({
            minLength: z.number(),
            minClasses: z.number(),
            history: z.number(),
            text: z.string(),
          }),
        },
      },
    },
    async () => {
      const p = await loadSecurityPolicy(app.database.db);
      return {
        minLength: p.passwordMinLength,
        minClasses: p.passwordMinClasses,
        history: p.passwordHistory,
        text: passwordRulesText(p),
      };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'user' },
      schema: {
        tags: ['认证'],
        summary: '修改密码（当前密码错误计入账号锁定）',
        body: z.strictObject({
          currentPassword: z.string().min(1).max(256),
          newPassword: z.string().min(1).max(256),
        }),
        response: { 200: MeSchema },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const db = app.database.db;
      const now = new Date();
      const policy = await loadSecurityPolicy(db);
      const [user] = await db.select().from(users).where(eq(users.id, actor.userId));
      if (!user) throw new AppError('unauthenticated', '请先登录');
      const fail = (result: AuditResult, reason: string) =>
        auditAuth(req, now, {
          event: 'auth.password_change',
          userId: user.id,
          result,
          detail: { reason },
        });
      // A stolen session must not be a way round the lockout: wrong current passwords count like failed logins.
      const account = await reserveAccountAttempt(db, user.username, now, policy);
      if (!account.ok) {
        await deleteUserSessions(db, user.id);
        await fail('denied', 'locked');
        throw lockedError(account.lockedUntil, now);
      }
      if (!(await verifyPassword(user.passwordHash, req.body.currentPassword))) {
        const lockedUntil =
          account.remaining <= 0 ? await lockAccount(db, accountKey(user.username), now, policy) : null;
        if (lockedUntil) await deleteUserSessions(db, user.id);
        await fail('failure', 'bad_current_password');
        if (lockedUntil) throw lockedError(lockedUntil, now);
        throw new AppError('validation', `当前密码不正确，还可尝试${account.remaining}次`, {
          field: 'currentPassword',
          remaining: account.remaining,
        });
      }
      await clearAccount(db, user.username);
      const units = await db
        .select({ code: orgs.divisionCode })
        .from(memberships)
        .innerJoin(orgs, eq(orgs.id, memberships.orgId))
        .where(eq(memberships.userId, user.id));
      const violation = passwordPolicyViolation(req.body.newPassword, user.username, policy, {
        displayName: user.displayName,
        unitCodes: units.flatMap((u) => (u.code ? [u.code] : [])),
      });
      if (violation) {
        await fail('failure', 'policy');
        throw new AppError('validation', violation, { field: 'newPassword' });
      }
      const recent = await db
        .select({ hash: passwordHistory.passwordHash })
        .from(passwordHistory)
        .where(eq(passwordHistory.userId, user.id))
        .orderBy(desc(passwordHistory.createdAt))
        .limit(Math.max(policy.passwordHistory - 1, 0));
      const remembered = policy.passwordHistory > 0 ? [user.passwordHash, ...recent.map((r) => r.hash)] : [];
      for (const stored of remembered)
        if (await verifyPassword(stored, req.body.newPassword)) {
          await fail('failure', 'reused');
          throw new AppError('validation', `新密码不能与最近${policy.passwordHistory}次使用过的密码相同`, {
            field: 'newPassword',
          });
        }
      const hash = await hashPassword(req.body.newPassword);
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
          policy: sessionPolicy(policy),
        });
      });
      setSessionCookie(reply, cookie, session.token, app.config.secureCookies);
      return presentMe(req, await resolveSession(db, session.token, now, sessionPolicy(policy)));
    },
  );

  function sessionPolicy(p: SecurityPolicy): SessionPolicy {
    return {
      idleMinutes: p.sessionIdleMinutes,
      adminIdleMinutes: p.adminSessionIdleMinutes,
      absoluteMinutes: app.config.sessionAbsoluteMinutes,
    };
  }
});

/**
 * The audit row of a refused or failed authentication step, written on its own (the request has no
 * transaction to join) and marked so the central error handler does not write a second one.
 */
async function auditAuth(
  req: FastifyRequest,
  now: Date,
  e: { event: string; userId: string | null; result: AuditResult; detail: Record<string, unknown> },
): Promise<void> {
  req.refusalAudited = true;
  await req.server.database.db.transaction((tx) =>
    writeAudit(tx, {
      at: now,
      userId: e.userId,
      ip: req.ip ?? null,
      requestId: String(req.id),
      event: e.event,
      objectType: 'user',
      objectId: e.userId,
      result: e.result,
      detail: e.detail,
    }),
  );
}

/** The session cookie's attributes; logout clears it with the very same ones (SECURITY.md §26). */
export function sessionCookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure } as const;
}

function setSessionCookie(reply: FastifyReply, name: string, token: string, secure: boolean): void {
  reply.setCookie(name, token, sessionCookieOptions(secure));
}

function checkOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (!origin) return;
  // req.host reads X-Forwarded-Host only when ZX_TRUST_PROXY is set (Fastify's trustProxy); otherwise Host.
  const host = req.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError('forbidden', '请求来源无效', { csrf: true });
  }
  if (originHost !== host) throw new AppError('forbidden', '跨站请求被拒绝', { csrf: true });
}

function checkCsrf(req: FastifyRequest, session: ResolvedSession): void {
  checkOrigin(req);
  const token = req.headers['x-csrf-token'];
  if (typeof token !== 'string' || !safeEqual(token, session.csrfToken))
    throw new AppError('forbidden', '安全令牌无效，请刷新页面后重试', { csrf: true });
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
  // What administrators did to this account lately (a reset, an unlock, roles, a forced logout): the user is told.
  const notices = await db
    .select({ event: auditLog.event, at: auditLog.at })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.objectType, 'user'),
        eq(auditLog.objectId, session.actor.userId),
        inArray(auditLog.event, [...ACCOUNT_NOTICE_EVENTS]),
        ne(auditLog.userId, session.actor.userId),
        gt(auditLog.at, new Date(Date.now() - 30 * 86_400_000)),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(5);
  return {
    accountNotices: notices.map((n) => ({
      event: n.event,
      label: auditEventLabel(n.event),
      at: n.at.toISOString(),
    })),
    user: {
      id: session.actor.userId,
      username: session.actor.username,
      displayName: session.actor.displayName,
    },
    units,
    csrfToken: session.csrfToken,
    mustChangePassword: session.mustChangePassword,
    mustEnrolSecondFactor: await mustEnrolSecondFactor(req, session),
  };
}

/** The security policy requires this user to have a second factor, and they have none yet. */
async function mustEnrolSecondFactor(req: FastifyRequest, session: ResolvedSession): Promise<boolean> {
  const db = req.server.database.db;
  const policy = await loadSecurityPolicy(db);
  if (!secondFactorRequiredFor(session.actor, policy)) return false;
  return !(await activeSecondFactor(db, session.actor.userId));
}
