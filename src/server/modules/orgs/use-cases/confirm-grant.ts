import { and, asc, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { UseCaseContext } from '../../../http/context.js';
import { conflict, notFound } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { notify } from '../../notifications/notify.js';
import { ROLE_LABELS, type Role } from '../domain.js';
import { memberships, orgs, users } from '../schema.js';
import { auditAdminChange } from './admin-audit.js';

/**
 * The two-person rule (系统管理员创建、安全管理员审核): a 单位管理员 role the system administrator grants waits here
 * until a security administrator confirms it (it then takes effect) or rejects it (the role is removed). Each
 * decision is audited and told to the person, in the same transaction.
 */
export interface PendingGrantKey {
  userId: string;
  orgId: string;
  role: Role;
  /** When the grant was made, as listed: a grant rejected and made again is another one (409). */
  grantedAt: string;
}

const granter = alias(users, 'granter');

/** Every grant waiting for confirmation, oldest first (security administrators only). */
export async function listPendingGrants(ctx: UseCaseContext) {
  authorize(ctx.actor, 'org', 'confirm_grant', { orgId: '' });
  return ctx.tx
    .select({
      userId: memberships.userId,
      username: users.username,
      displayName: users.displayName,
      orgId: memberships.orgId,
      orgName: orgs.name,
      role: memberships.role,
      grantedBy: memberships.grantedBy,
      grantedByUsername: granter.username,
      grantedByDisplayName: granter.displayName,
      grantedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .leftJoin(granter, eq(granter.id, memberships.grantedBy))
    .where(isNull(memberships.confirmedAt))
    .orderBy(asc(memberships.createdAt), asc(users.username))
    .limit(500);
}

/** The pending row, locked; 403 before anything is read, 404 when there is none, 409 when already decided. */
async function lockPending(ctx: UseCaseContext, key: PendingGrantKey) {
  authorize(ctx.actor, 'org', 'confirm_grant', { orgId: key.orgId, targetUserId: key.userId });
  const [row] = await ctx.tx
    .select({
      createdAt: memberships.createdAt,
      confirmedAt: memberships.confirmedAt,
      grantedBy: memberships.grantedBy,
      username: users.username,
      orgName: orgs.name,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .where(pk(key))
    .for('update', { of: memberships });
  if (!row) throw notFound('待确认的授权');
  if (row.confirmedAt !== null) throw conflict('该授权已经确认，无需重复操作');
  if (row.createdAt.getTime() !== Date.parse(key.grantedAt))
    throw conflict('该授权已被撤销后重新授予，请刷新后重试');
  return row;
}

function pk(key: PendingGrantKey) {
  return and(
    eq(memberships.userId, key.userId),
    eq(memberships.orgId, key.orgId),
    eq(memberships.role, key.role),
  );
}

export async function confirmGrant(ctx: UseCaseContext, key: PendingGrantKey): Promise<void> {
  const row = await lockPending(ctx, key);
  const [done] = await ctx.tx
    .update(memberships)
    .set({ confirmedAt: ctx.now, confirmedBy: ctx.actor.userId })
    .where(and(pk(key), isNull(memberships.confirmedAt)))
    .returning({ userId: memberships.userId });
  if (!done) throw conflict('该授权已经确认，无需重复操作');
  await auditAdminChange(
    ctx,
    'user.grant_confirm',
    { type: 'user', id: key.userId },
    { username: row.username, orgId: key.orgId, role: key.role, grantedBy: row.grantedBy },
  );
  await notify(ctx, [key.orgId], {
    kind: 'account',
    userId: key.userId,
    title: `您在「${row.orgName}」的${ROLE_LABELS[key.role]}角色已生效`,
    body: `安全管理员已确认系统管理员授予您的${ROLE_LABELS[key.role]}角色，重新进入页面即可使用。`,
  });
}

export async function rejectGrant(ctx: UseCaseContext, key: PendingGrantKey): Promise<void> {
  const row = await lockPending(ctx, key);
  const gone = await ctx.tx
    .delete(memberships)
    .where(and(pk(key), isNull(memberships.confirmedAt)))
    .returning({ userId: memberships.userId });
  if (gone.length === 0) throw conflict('该授权已经确认，不能拒绝');
  await auditAdminChange(
    ctx,
    'user.grant_reject',
    { type: 'user', id: key.userId },
    { username: row.username, orgId: key.orgId, role: key.role, grantedBy: row.grantedBy },
  );
  await notify(ctx, [key.orgId], {
    kind: 'account',
    userId: key.userId,
    title: `系统管理员授予您的「${row.orgName}」${ROLE_LABELS[key.role]}角色未获确认`,
    body: '安全管理员拒绝了该授权，角色已撤销。如有疑问，请联系安全管理员。',
  });
}
