import { eq } from 'drizzle-orm';
import { openPersonal, USER_PHONE } from '../../../crypto/personal-data.js';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, notFound } from '../../../http/errors.js';
import { auditAction } from '../../audit/audit.js';
import { reserveHourlyUse } from '../../auth/throttle.js';
import { memberships, users } from '../schema.js';
import { mayRevealPersonalData, seesAccount } from './user-access.js';

/**
 * 查看完整电话 (SECURITY.md §22): the plain phone of one account, for the person themself or the
 * administrator of a unit the account belongs to (orgPolicy 'reveal_personal_data'), never a 三员 by
 * virtue of that role. Someone who cannot see the account at all gets the 404 of a missing one; someone who
 * sees it in the people list but may not reveal (the system and security administrators) gets 403. Counted
 * against the actor's hourly budget and audited in this transaction: no audit row, no number.
 */
export async function revealPhone(
  ctx: UseCaseContext,
  userId: string,
  perHour: number,
): Promise<{ phone: string | null }> {
  const [user] = await ctx.tx
    .select({ id: users.id, username: users.username, phoneEnc: users.phoneEnc })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw notFound('用户');
  const ms = await ctx.tx
    .select({ orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  const self = userId === ctx.actor.userId;
  if (!mayRevealPersonalData(ctx.actor, { id: userId, memberships: ms })) {
    if (!seesAccount(ctx.actor, ms)) throw notFound('用户');
    throw new AppError('forbidden', '只有本人和所在单位的单位管理员可以查看完整电话号码');
  }
  await reserveHourlyUse(ctx.tx, 'reveal_hour', ctx.actor.userId, ctx.now, perHour, '查看完整个人信息');
  let phone: string | null = null;
  if (user.phoneEnc !== null) {
    try {
      phone = openPersonal(USER_PHONE, user.id, user.phoneEnc);
    } catch {
      // Fails closed: another key or an altered value is never shown, and never a 500.
      throw new AppError('conflict', '该电话号码无法解密（密钥不符或数据已被改动），请联系系统管理员');
    }
  }
  await auditAction(
    ctx,
    'user.phone_reveal',
    { type: 'user', id: userId },
    { username: user.username, self, field: USER_PHONE.name },
  );
  return { phone };
}
