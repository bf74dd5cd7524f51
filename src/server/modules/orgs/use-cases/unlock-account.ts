import type { UseCaseContext } from '../../../http/context.js';
import { AppError } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { deleteUserSessions } from '../../auth/sessions.js';
import { clearAccount } from '../../auth/throttle.js';
import { auditAdminChange } from './admin-audit.js';
import { loadVisibleUser } from './user-access.js';

/** The security administrator lifts a lockout: failures and lock are cleared; the password is unchanged. */
export async function unlockAccount(ctx: UseCaseContext, userId: string): Promise<void> {
  const { user } = await loadVisibleUser(ctx.tx, ctx.actor, userId, true);
  authorize(ctx.actor, 'org', 'unlock_account', { orgId: '' });
  await clearAccount(ctx.tx, user.username);
  await auditAdminChange(ctx, 'user.unlock', { type: 'user', id: userId }, { username: user.username });
}

/** The security administrator forces a user off: every session of the account ends at once. */
export async function endUserSessions(ctx: UseCaseContext, userId: string): Promise<number> {
  const { user } = await loadVisibleUser(ctx.tx, ctx.actor, userId, true);
  authorize(ctx.actor, 'org', 'end_sessions', { orgId: '' });
  if (userId === ctx.actor.userId) throw new AppError('forbidden', '请使用“退出登录”结束自己的会话');
  const ended = await deleteUserSessions(ctx.tx, userId);
  await auditAdminChange(
    ctx,
    'session.revoke_user',
    { type: 'user', id: userId },
    { username: user.username, sessions: ended },
  );
  return ended;
}
