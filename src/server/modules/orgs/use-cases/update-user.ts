import { and, eq } from 'drizzle-orm';
import type { Membership, UseCaseContext } from '../../../http/context.js';
import { AppError, staleVersion } from '../../../http/errors.js';
import { authorize, can } from '../../../policy/authorize.js';
import { deleteUserSessions } from '../../auth/sessions.js';
import { memberships, users } from '../schema.js';
import type { UpdateUserInput } from '../schemas.js';
import { actorIsAdministrator, maskEmail } from '../../delivery/one-time-password.js';
import { auditAdminChange } from './admin-audit.js';
import { checkMemberships, grantColumns, phoneColumns } from './create-user.js';
import { grantNeedsConfirmation } from '../policy.js';
import { assertMayManageAdmins, loadVisibleUser } from './user-access.js';

const key = (m: Membership) => `${m.orgId}/${m.role}`;

/** The (unit, role) pairs granted or taken away: each needs the actor's grant_role for that role there. */
function changedMemberships(before: readonly Membership[], after: readonly Membership[]): Membership[] {
  const a = new Set(before.map(key));
  const b = new Set(after.map(key));
  return [...before.filter((m) => !b.has(key(m))), ...after.filter((m) => !a.has(key(m)))];
}

/**
 * Edits an account: name, phone, email, roles per unit, disabled. Disabling ends every session of the user at
 * once (SECURITY.md §5). Nobody disables themselves or changes their own roles (orgPolicy's grant_role refuses
 * a grant to oneself), so an administrator cannot lock the system out or grant themselves more. Everyone may
 * register their own email; a 三员 never changes another person's.
 */
export async function updateUser(ctx: UseCaseContext, userId: string, input: UpdateUserInput): Promise<void> {
  const { user, memberships: before } = await loadVisibleUser(ctx.tx, ctx.actor, userId, true);
  const isSelf = userId === ctx.actor.userId;
  if (isSelf && input.disabled !== undefined)
    throw new AppError('forbidden', '不能停用自己的账号或修改自己的角色，请联系其他管理员');
  const emailChanged = input.email !== undefined && (input.email ?? null) !== user.email;
  // Everyone may register their own address; only the self-edit of the address skips the checks below.
  const onlyOwnEmail =
    isSelf &&
    input.displayName === undefined &&
    input.phone === undefined &&
    input.memberships === undefined &&
    input.disabled === undefined;
  if (!onlyOwnEmail) assertMayManageAdmins(ctx.actor, [...before, ...(input.memberships ?? [])]);
  // 三员分立: one-time passwords of a 三员's resets go to this address, so a 三员 never changes another person's
  // (it would redirect the next reset to them); the person, or their unit's administrator, does.
  if (emailChanged && !isSelf && actorIsAdministrator(ctx))
    throw new AppError(
      'forbidden',
      '三员不得修改他人账号的邮箱（一次性密码发送至该邮箱）：请由本人或本单位的单位管理员修改',
      { field: 'email' },
    );

  const touchesProfile =
    input.displayName !== undefined ||
    input.phone !== undefined ||
    input.disabled !== undefined ||
    (input.email !== undefined && !onlyOwnEmail);
  if (touchesProfile) {
    const decisions = (before.length ? before.map((m) => m.orgId) : ['']).map((orgId) =>
      can(ctx.actor, 'org', 'manage_users', { orgId }),
    );
    const denied = decisions.find((d) => !d.ok);
    if (!decisions.some((d) => d.ok))
      throw new AppError('forbidden', denied && !denied.ok ? denied.reason : '无权修改该用户');
  }

  let after = before;
  if (input.memberships) {
    after = await checkMemberships(ctx.tx, input.memberships);
    for (const m of changedMemberships(before, after))
      authorize(ctx.actor, 'org', 'grant_role', { orgId: m.orgId, role: m.role, targetUserId: userId });
  }

  const changes = {
    ...(input.displayName !== undefined && { displayName: input.displayName }),
    ...(emailChanged && { email: input.email ?? null }),
    ...(input.disabled !== undefined && { disabled: input.disabled }),
    ...(input.disabled === false && user.disabled && { enabledAt: ctx.now }),
  };
  // After every authorization check, so a refused edit answers 403 whatever version it carries.
  if (user.rowVersion !== input.rowVersion) throw staleVersion('账号信息', user.rowVersion);
  const [done] = await ctx.tx
    .update(users)
    .set({
      ...changes,
      ...(input.phone !== undefined && phoneColumns(userId, input.phone)),
      rowVersion: input.rowVersion + 1,
    })
    .where(and(eq(users.id, userId), eq(users.rowVersion, input.rowVersion)))
    .returning({ id: users.id });
  if (!done) throw staleVersion('账号信息');
  const rolesChanged = changedMemberships(before, after).length > 0;
  const pendingAdded = after.filter(
    (m) => !before.some((b) => key(b) === key(m)) && grantNeedsConfirmation(ctx.actor, m.role),
  );
  if (rolesChanged) {
    const removed = before.filter((m) => !after.some((a) => key(a) === key(m)));
    const added = after.filter((m) => !before.some((b) => key(b) === key(m)));
    // Removals first, so the 三员分立 trigger sees the final role set when the new rows arrive.
    for (const m of removed)
      await ctx.tx
        .delete(memberships)
        .where(
          and(eq(memberships.userId, userId), eq(memberships.orgId, m.orgId), eq(memberships.role, m.role)),
        );
    if (added.length > 0)
      await ctx.tx.insert(memberships).values(
        added.map((m) => ({
          userId,
          orgId: m.orgId,
          role: m.role,
          createdAt: ctx.now,
          ...grantColumns(ctx, m.role),
        })),
      );
  }
  if (input.disabled === true) await deleteUserSessions(ctx.tx, userId);
  await auditAdminChange(
    ctx,
    'user.update',
    { type: 'user', id: userId },
    {
      username: user.username,
      // Never the number itself, plain or encrypted: only that it changed; the address masked.
      ...((Object.keys(changes).length > 0 || input.phone !== undefined) && {
        changes: {
          ...changes,
          ...(input.phone !== undefined && { phone: '(已修改)' }),
          ...(changes.email !== undefined && { email: changes.email ? maskEmail(changes.email) : null }),
        },
      }),
      ...(rolesChanged && { membershipsBefore: before, membershipsAfter: after }),
      ...(pendingAdded.length > 0 && { pendingConfirmation: pendingAdded }),
    },
  );
}
