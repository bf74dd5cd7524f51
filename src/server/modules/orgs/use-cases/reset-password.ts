import { eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError } from '../../../http/errors.js';
import { can } from '../../../policy/authorize.js';
import { hashPassword } from '../../auth/passwords.js';
import { passwordHistory } from '../../auth/schema.js';
import { loadSecurityPolicy } from '../../auth/security-policy.js';
import { deleteUserSessions } from '../../auth/sessions.js';
import { clearAccount } from '../../auth/throttle.js';
import { isAdminRole } from '../domain.js';
import { users } from '../schema.js';
import {
  deliverOneTimePassword,
  planDelivery,
  type DeliverySettings,
  type PasswordDelivery,
} from '../../delivery/one-time-password.js';
import { auditAdminChange } from './admin-audit.js';
import { auditDelivery } from './create-user.js';
import { loadVisibleUser, randomPassword } from './user-access.js';

/**
 * Resets a forgotten password: the account gets a generated one-time password (never chosen by the
 * administrator), must change it at next login, is unlocked, and loses its sessions. A 三员 never sees it: it is
 * mailed to the account's registered address; a unit's own administrator is shown it once. The user is told in
 * the app (a notice to them alone), by mail, and at their next login (the account notices of /api/auth/me).
 *
 * 三员分立: an administrator account's password is reset only by the security administrator; a business
 * account's only by its unit's administrator (the system administrator may reset an account that is only a
 * 单位管理员, a role it grants itself). Nobody resets their own (they use 修改密码).
 */
export async function resetPassword(
  ctx: UseCaseContext,
  userId: string,
  settings: DeliverySettings,
): Promise<PasswordDelivery> {
  const { user, memberships } = await loadVisibleUser(ctx.tx, ctx.actor, userId, true);
  if (userId === ctx.actor.userId) throw new AppError('forbidden', '请通过“修改密码”修改自己的密码');
  const targetIsAdmin = memberships.some((m) => isAdminRole(m.role));
  const targetOnlyOrgAdmin = memberships.length > 0 && memberships.every((m) => m.role === 'org_admin');
  const decisions = memberships.map((m) =>
    can(ctx.actor, 'org', 'reset_password', { orgId: m.orgId, targetIsAdmin, targetOnlyOrgAdmin }),
  );
  const refused = decisions.find((d) => !d.ok);
  if (decisions.length === 0 || !decisions.some((d) => d.ok))
    throw new AppError('forbidden', refused && !refused.ok ? refused.reason : '无权重置该用户的密码');
  const plan = planDelivery(
    ctx,
    settings,
    user.email,
    '该账号未登记邮箱：三员重置的一次性密码只发送至本人邮箱（管理员看不到）。请由本人或本单位的单位管理员先登记邮箱',
  );
  const policy = await loadSecurityPolicy(ctx.tx);
  const password = randomPassword(user.username, policy.passwordMinLength);
  await ctx.tx
    .insert(passwordHistory)
    .values({ userId, passwordHash: user.passwordHash, createdAt: ctx.now });
  await ctx.tx
    .update(users)
    .set({
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      passwordChangedAt: ctx.now,
    })
    .where(eq(users.id, userId));
  await clearAccount(ctx.tx, user.username);
  await deleteUserSessions(ctx.tx, userId);
  const delivery = await deliverOneTimePassword(
    ctx,
    settings,
    plan,
    {
      userId,
      username: user.username,
      displayName: user.displayName,
      email: user.email,
      orgId: memberships[0]!.orgId,
    },
    password,
    'reset',
  );
  await auditAdminChange(
    ctx,
    'user.reset_password',
    { type: 'user', id: userId },
    { username: user.username, oneTimePassword: true, ...auditDelivery(delivery) },
  );
  return delivery;
}
