import { eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, invalid } from '../../../http/errors.js';
import { can } from '../../../policy/authorize.js';
import { hashPassword, passwordPolicyViolation } from '../../auth/passwords.js';
import { passwordHistory } from '../../auth/schema.js';
import { deleteUserSessions } from '../../auth/sessions.js';
import { isAdminRole } from '../domain.js';
import { users } from '../schema.js';
import { auditAdminChange } from './admin-audit.js';
import { loadVisibleUser, randomPassword } from './user-access.js';

/**
 * Resets a forgotten password: the account gets a one-time password (given, or generated and shown once),
 * must change it at next login, is unlocked, and loses its sessions.
 *
 * 三员分立: an administrator account's password is reset only by the security administrator; a business
 * account's by the security administrator, the system administrator or its unit's administrator. Nobody
 * resets their own (they use 修改密码).
 */
export async function resetPassword(
  ctx: UseCaseContext,
  userId: string,
  newPassword: string | undefined,
): Promise<{ temporaryPassword: string | null }> {
  const { user, memberships } = await loadVisibleUser(ctx.tx, ctx.actor, userId, true);
  if (userId === ctx.actor.userId) throw new AppError('forbidden', '请通过“修改密码”修改自己的密码');
  const isAdminAccount = memberships.some((m) => isAdminRole(m.role));
  const decisions = memberships.map((m) =>
    can(ctx.actor, 'org', 'reset_password', { orgId: m.orgId, targetIsAdmin: isAdminAccount }),
  );
  const refused = decisions.find((d) => !d.ok);
  if (decisions.length === 0 || !decisions.some((d) => d.ok))
    throw new AppError('forbidden', refused && !refused.ok ? refused.reason : '无权重置该用户的密码');
  if (newPassword !== undefined) {
    const violation = passwordPolicyViolation(newPassword, user.username);
    if (violation) throw invalid('newPassword', violation);
  }
  const password = newPassword ?? randomPassword(user.username);
  await ctx.tx
    .insert(passwordHistory)
    .values({ userId, passwordHash: user.passwordHash, createdAt: ctx.now });
  await ctx.tx
    .update(users)
    .set({
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      failedLogins: 0,
      lockedUntil: null,
      passwordChangedAt: ctx.now,
    })
    .where(eq(users.id, userId));
  await deleteUserSessions(ctx.tx, userId);
  await auditAdminChange(
    ctx,
    'user.reset_password',
    { type: 'user', id: userId },
    { username: user.username, generated: newPassword === undefined },
  );
  return { temporaryPassword: newPassword === undefined ? password : null };
}
