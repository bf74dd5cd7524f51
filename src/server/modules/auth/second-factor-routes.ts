import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction, readContext } from '../../app.js';
import { getCrypto } from '../../crypto/current.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import { authorize } from '../../policy/authorize.js';
import { auditAction, writeAudit } from '../audit/audit.js';
import { users } from '../orgs/schema.js';
import { loginChallenges, recoveryCodes, secondFactors } from './schema.js';
import {
  activeSecondFactor,
  hashRecoveryCode,
  newRecoveryCodes,
  secondFactorProvider,
  secondFactorRequiredFor,
} from './second-factor.js';
import { loadSecurityPolicy } from './security-policy.js';
import { entityId } from '../../http/entity-id.js';

const user = { access: 'user' } as const;
const tags = ['两步验证'];

const Status = z.object({
  kind: z.enum(['totp', 'sm2-ukey']).nullable(),
  status: z.enum(['none', 'pending', 'active']),
  required: z.boolean(),
  recoveryCodesLeft: z.number(),
  enabledAt: z.string().nullable(),
});

/**
 * A user's own second factor (两步验证): status, enrolment (start → QR code; confirm with a current code →
 * ten recovery codes, shown once), and the security administrator's reset of someone else's.
 */
export async function secondFactorRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/auth/second-factor',
    { config: user, schema: { tags, summary: '我的两步验证状态', response: { 200: Status } } },
    async (req) => {
      const ctx = readContext(req);
      const [row] = await ctx.tx
        .select()
        .from(secondFactors)
        .where(eq(secondFactors.userId, ctx.actor.userId));
      const [left] = await ctx.tx
        .select({ n: sql<number>`count(*)::int` })
        .from(recoveryCodes)
        .where(and(eq(recoveryCodes.userId, ctx.actor.userId), isNull(recoveryCodes.usedAt)));
      const policy = await loadSecurityPolicy(app.database.db);
      return {
        kind: row?.kind ?? null,
        status: row?.status ?? ('none' as const),
        required: secondFactorRequiredFor(ctx.actor, policy),
        recoveryCodesLeft: row?.status === 'active' ? Number(left?.n ?? 0) : 0,
        enabledAt: row?.enabledAt?.toISOString() ?? null,
      };
    },
  );

  app.post(
    '/api/auth/second-factor/enrol',
    {
      config: user,
      schema: {
        tags,
        summary: '开始绑定两步验证：生成密钥，返回 otpauth:// 地址（二维码）',
        body: z.strictObject({ kind: z.enum(['totp', 'sm2-ukey']).default('totp') }),
        response: {
          200: z.object({ kind: z.string(), uri: z.string().nullable(), secret: z.string().nullable() }),
        },
      },
    },
    async (req) =>
      inTransaction(req, async (ctx) => {
        const provider = secondFactorProvider(req.body.kind);
        if (await activeSecondFactor(ctx.tx, ctx.actor.userId))
          throw conflict('已启用两步验证；如需更换，请联系安全管理员重置');
        const started = await provider.enrolStart({ username: ctx.actor.username });
        const secretEnc = getCrypto().encrypt(started.material);
        await ctx.tx
          .insert(secondFactors)
          .values({
            userId: ctx.actor.userId,
            kind: provider.kind,
            status: 'pending',
            secretEnc,
            createdAt: ctx.now,
          })
          .onConflictDoUpdate({
            target: secondFactors.userId,
            set: {
              kind: provider.kind,
              status: 'pending',
              secretEnc,
              lastUsedStep: null,
              createdAt: ctx.now,
            },
          });
        await auditAction(
          ctx,
          'auth.second_factor.enrol_start',
          { type: 'user', id: ctx.actor.userId },
          {
            kind: provider.kind,
          },
        );
        return { kind: provider.kind, uri: started.show.uri ?? null, secret: started.show.secret ?? null };
      }),
  );

  app.post(
    '/api/auth/second-factor/confirm',
    {
      config: user,
      schema: {
        tags,
        summary: '确认绑定：输入当前动态口令；返回十个恢复码（只显示这一次）',
        body: z.strictObject({ code: z.string().min(1).max(16) }),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
      },
    },
    async (req) => {
      const ctx0 = readContext(req);
      const [pending] = await ctx0.tx
        .select()
        .from(secondFactors)
        .where(and(eq(secondFactors.userId, ctx0.actor.userId), eq(secondFactors.status, 'pending')));
      if (!pending) throw conflict('没有待确认的绑定，请重新开始');
      const checked = await secondFactorProvider(pending.kind).enrolConfirm(
        getCrypto().decrypt(pending.secretEnc),
        req.body.code,
        new Date(),
      );
      if (!checked.ok) {
        await inTransaction(req, (ctx) =>
          writeAudit(ctx.tx, {
            at: ctx.now,
            userId: ctx.actor.userId,
            ip: ctx.ip,
            requestId: ctx.requestId,
            event: 'auth.second_factor.enrol_confirm',
            objectType: 'user',
            objectId: ctx.actor.userId,
            result: 'failure',
            detail: { reason: 'bad_code' },
          }),
        );
        req.refusalAudited = true;
        throw new AppError('validation', '动态口令不正确，请核对手机时间后输入当前显示的6位数字', {
          field: 'code',
        });
      }
      const codes = newRecoveryCodes();
      await inTransaction(req, async (ctx) => {
        const done = await ctx.tx
          .update(secondFactors)
          .set({ status: 'active', enabledAt: ctx.now, lastUsedStep: checked.step })
          .where(
            and(
              eq(secondFactors.userId, ctx.actor.userId),
              eq(secondFactors.status, 'pending'),
              eq(secondFactors.secretEnc, pending.secretEnc),
            ),
          )
          .returning({ userId: secondFactors.userId });
        if (!done.length) throw conflict('绑定已在别处完成或重新开始，请刷新后重试');
        await ctx.tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, ctx.actor.userId));
        await ctx.tx
          .insert(recoveryCodes)
          .values(codes.map((c) => ({ userId: ctx.actor.userId, codeHash: hashRecoveryCode(c) })));
        await auditAction(
          ctx,
          'auth.second_factor.enrol_confirm',
          { type: 'user', id: ctx.actor.userId },
          {
            kind: pending.kind,
          },
        );
      });
      return { recoveryCodes: codes };
    },
  );

  app.post(
    '/api/security/users/:id/second-factor/reset',
    {
      config: user,
      schema: {
        tags: ['安全管理'],
        summary: '重置用户的两步验证（安全管理员；用户下次登录时重新绑定）',
        params: z.object({ id: entityId() }),
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async (req) => {
      await inTransaction(req, async (ctx) => {
        authorize(ctx.actor, 'security', 'reset_second_factor', {});
        const [target] = await ctx.tx.select({ id: users.id }).from(users).where(eq(users.id, req.params.id));
        if (!target) throw notFound('用户不存在');
        const removed = await ctx.tx
          .delete(secondFactors)
          .where(eq(secondFactors.userId, target.id))
          .returning({ kind: secondFactors.kind });
        await ctx.tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, target.id));
        await ctx.tx.delete(loginChallenges).where(eq(loginChallenges.userId, target.id));
        await auditAction(
          ctx,
          'auth.second_factor.reset',
          { type: 'user', id: target.id },
          {
            hadFactor: removed.length > 0,
          },
        );
      });
      return { ok: true };
    },
  );
}
