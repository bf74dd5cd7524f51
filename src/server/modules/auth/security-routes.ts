import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction, readContext } from '../../app.js';
import { queryRows } from '../../db/client.js';
import { conflict, notFound } from '../../http/errors.js';
import { authorize } from '../../policy/authorize.js';
import { startOfTodayShanghai } from '../audit/queries.js';
import { ADMIN_ROLES } from '../orgs/domain.js';
import { memberships, users } from '../orgs/schema.js';
import { PendingGrantBody, PendingGrantList, UserList } from '../orgs/schemas.js';
import { auditAdminChange } from '../orgs/use-cases/admin-audit.js';
import { confirmGrant, listPendingGrants, rejectGrant } from '../orgs/use-cases/confirm-grant.js';
import { presentUsers } from '../orgs/use-cases/user-access.js';
import { loginThrottle, securityPolicy, sessions } from './schema.js';
import { forgetSecurityPolicy, loadSecurityPolicy, SecurityPolicyFields } from './security-policy.js';

const user = { access: 'user' } as const;
const tags = ['安全管理'];

const PolicyResponse = SecurityPolicyFields.extend({ version: z.number(), updatedAt: z.string() });
const SessionRow = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  current: z.boolean(),
});

/**
 * The security administrator's screens: the password, lockout and session policy; locked and administrator
 * accounts; live sessions with forced logout. Unlocking and resets are on /api/users/:id (orgs routes).
 */
export async function securityRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  const presentPolicy = async () => {
    const { id: _id, updatedBy: _by, updatedAt, ...p } = await loadSecurityPolicy(app.database.db, true);
    return { ...p, updatedAt: updatedAt.toISOString() };
  };

  app.get(
    '/api/security/policy',
    {
      config: user,
      schema: { tags, summary: '安全策略（密码、锁定、会话）', response: { 200: PolicyResponse } },
    },
    async (req) => {
      authorize(readContext(req).actor, 'security', 'view_policy', {});
      return presentPolicy();
    },
  );

  app.put(
    '/api/security/policy',
    {
      config: user,
      schema: {
        tags,
        summary: '修改安全策略（安全管理员；按版本号防止覆盖他人修改）',
        body: SecurityPolicyFields.extend({ version: z.number().int() }),
        response: { 200: PolicyResponse },
      },
    },
    async (req) => {
      const { version, ...values } = req.body;
      await inTransaction(req, async (ctx) => {
        authorize(ctx.actor, 'security', 'edit_policy', {});
        const [before] = await ctx.tx
          .select()
          .from(securityPolicy)
          .where(eq(securityPolicy.id, 1))
          .for('update');
        const updated = await ctx.tx
          .update(securityPolicy)
          .set({ ...values, version: version + 1, updatedAt: ctx.now, updatedBy: ctx.actor.userId })
          .where(and(eq(securityPolicy.id, 1), eq(securityPolicy.version, version)))
          .returning({ id: securityPolicy.id });
        if (updated.length === 0) throw conflict('安全策略已被他人修改，请刷新后重试');
        const changed = Object.fromEntries(
          Object.entries(values).filter(([k, v]) => before?.[k as keyof typeof values] !== v),
        );
        await auditAdminChange(
          ctx,
          'security.policy_update',
          { type: 'security_policy', id: '1' },
          {
            before: Object.fromEntries(
              Object.keys(changed).map((k) => [k, before?.[k as keyof typeof values]]),
            ),
            after: changed,
          },
        );
      });
      forgetSecurityPolicy(app.database.db);
      return presentPolicy();
    },
  );

  app.get(
    '/api/security/overview',
    {
      config: user,
      schema: {
        tags,
        summary: '安全概况：锁定账号、在线会话、今日拒绝与登录失败、待改密与停用账号',
        response: {
          200: z.object({
            lockedAccounts: z.number(),
            activeSessions: z.number(),
            deniedToday: z.number(),
            failedLoginsToday: z.number(),
            mustChangePassword: z.number(),
            disabledAccounts: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      authorize(ctx.actor, 'security', 'view_overview', {});
      const policy = await loadSecurityPolicy(app.database.db);
      const idleCutoff = new Date(ctx.now.getTime() - policy.sessionIdleMinutes * 60_000);
      const today = startOfTodayShanghai(ctx.now);
      const [r] = await queryRows<Record<string, number>>(
        ctx.tx,
        sql`select
          (select count(*)::int from login_throttle t join users u on lower(u.username) = t.key
             where t.scope = 'account' and t.locked_until > ${ctx.now}) as locked,
          (select count(*)::int from sessions where expires_at > ${ctx.now} and last_seen_at > ${idleCutoff}) as sessions,
          (select count(*)::int from audit_log where at >= ${today} and result = 'denied') as denied,
          (select count(*)::int from audit_log where at >= ${today} and event = 'auth.login' and result <> 'success') as failed,
          (select count(*)::int from users where must_change_password and not disabled) as must_change,
          (select count(*)::int from users where disabled) as disabled`,
      );
      return {
        lockedAccounts: Number(r?.locked ?? 0),
        activeSessions: Number(r?.sessions ?? 0),
        deniedToday: Number(r?.denied ?? 0),
        failedLoginsToday: Number(r?.failed ?? 0),
        mustChangePassword: Number(r?.must_change ?? 0),
        disabledAccounts: Number(r?.disabled ?? 0),
      };
    },
  );

  app.get(
    '/api/security/accounts',
    {
      config: user,
      schema: {
        tags,
        summary: '锁定账号或三员账号列表（安全管理员）',
        querystring: z.strictObject({ kind: z.enum(['locked', 'admins']) }),
        response: { 200: UserList },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      authorize(ctx.actor, 'security', 'view_overview', {});
      const ids =
        req.query.kind === 'locked'
          ? await ctx.tx
              .select({ id: users.id })
              .from(users)
              .innerJoin(
                loginThrottle,
                and(
                  eq(loginThrottle.scope, 'account'),
                  eq(loginThrottle.key, sql`lower(${users.username})`),
                  gt(loginThrottle.lockedUntil, ctx.now),
                ),
              )
              .limit(500)
          : await ctx.tx
              .selectDistinct({ id: memberships.userId })
              .from(memberships)
              .where(inArray(memberships.role, [...ADMIN_ROLES]));
      return presentUsers(
        ctx.tx,
        ctx.actor,
        ids.map((r) => r.id),
        ctx.now,
      );
    },
  );

  app.get(
    '/api/security/sessions',
    {
      config: user,
      schema: {
        tags,
        summary: '在线会话（安全管理员；最近活动在前，最多500个）',
        response: { 200: z.array(SessionRow) },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      authorize(ctx.actor, 'security', 'view_sessions', {});
      const policy = await loadSecurityPolicy(app.database.db);
      const idleCutoff = new Date(ctx.now.getTime() - policy.sessionIdleMinutes * 60_000);
      const rows = await ctx.tx
        .select({
          id: sessions.idHash,
          userId: sessions.userId,
          username: users.username,
          displayName: users.displayName,
          ip: sessions.ip,
          userAgent: sessions.userAgent,
          createdAt: sessions.createdAt,
          lastSeenAt: sessions.lastSeenAt,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(gt(sessions.expiresAt, ctx.now), gt(sessions.lastSeenAt, idleCutoff)))
        .orderBy(desc(sessions.lastSeenAt))
        .limit(500);
      // The id is the SHA-256 of the cookie token: it identifies the session but cannot be used as one.
      return rows.map((r) => ({
        ...r,
        createdAt: r.createdAt.toISOString(),
        lastSeenAt: r.lastSeenAt.toISOString(),
        current: r.id === req.session?.idHash,
      }));
    },
  );

  app.post(
    '/api/security/sessions/:id/revoke',
    {
      config: user,
      schema: {
        tags,
        summary: '强制下线一个会话（安全管理员）',
        params: z.strictObject({ id: z.string().regex(/^[0-9a-f]{64}$/, '会话编号格式不正确') }),
        body: z.strictObject({}).optional(),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (req) => {
      await inTransaction(req, async (ctx) => {
        authorize(ctx.actor, 'security', 'revoke_session', {});
        const [gone] = await ctx.tx
          .delete(sessions)
          .where(eq(sessions.idHash, req.params.id))
          .returning({ userId: sessions.userId });
        if (!gone) throw notFound('会话');
        await auditAdminChange(ctx, 'session.revoke', { type: 'user', id: gone.userId }, {});
      });
      return { ok: true as const };
    },
  );

  // The two-person rule (系统管理员创建、安全管理员审核): 单位管理员 roles the system administrator granted.
  app.get(
    '/api/security/pending-grants',
    {
      config: user,
      schema: {
        tags,
        summary: '待确认的单位管理员授权（系统管理员授予，安全管理员确认后生效）',
        response: { 200: PendingGrantList },
      },
    },
    async (req) => listPendingGrants(readContext(req)),
  );

  app.post(
    '/api/security/pending-grants/confirm',
    {
      config: user,
      schema: {
        tags,
        summary: '确认一项授权（安全管理员；确认后角色生效）',
        body: PendingGrantBody,
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => confirmGrant(ctx, req.body));
      return { ok: true as const };
    },
  );

  app.post(
    '/api/security/pending-grants/reject',
    {
      config: user,
      schema: {
        tags,
        summary: '拒绝一项授权（安全管理员；角色随即撤销）',
        body: PendingGrantBody,
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => rejectGrant(ctx, req.body));
      return { ok: true as const };
    },
  );
}
