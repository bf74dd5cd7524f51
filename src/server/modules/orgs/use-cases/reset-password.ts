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
import { auditAdminChange } from './admin-audit.js';
import { loadVisibleUser, randomPassword } from './user-access.js';

/**
 * Resets a forgotten password: the account gets a generated one-time password (shown once, never chosen by
 * the administrator), must change it at next login, is unlocked, and loses its sessions. The user is told at
 * their next login (the account notices of /api/auth/me, read from the audit log).
 *
 * 三员分立: an administrator account's password is reset only by the security administrator; a business
 * account's only by its unit's administrator (the system administrator may reset an account that is only a
 * 单位管理员, a role it grants itself). Nobody resets their own (they use 修改密码).
 */
export async function resetPassword(
  ctx: UseCaseContext,
  userId: string,
): Promise<{ temporaryPassword: string }> {
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
  await auditAdminChange(
    ctx,
    'user.reset_password',
    { type: 'user', id: userId },
    { username: user.username, oneTimePassword: true },
  );
  return { temporaryPassword: password };
}
