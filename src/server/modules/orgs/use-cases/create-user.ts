import { randomUUID } from 'node:crypto';
import { sealPersonal, USER_PHONE } from '../../../crypto/personal-data.js';
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import type { UseCaseContext } from '../../../http/context.js';
import { conflict, invalid } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { hashPassword } from '../../auth/passwords.js';
import { loadSecurityPolicy } from '../../auth/security-policy.js';
import { separationOfDutiesViolation, type Role } from '../domain.js';
import { grantNeedsConfirmation } from '../policy.js';
import { memberships, orgs, users } from '../schema.js';
import type { CreateUserInput, MembershipInput } from '../schemas.js';
import {
  deliverOneTimePassword,
  planDelivery,
  type DeliverySettings,
  type PasswordDelivery,
} from '../../delivery/one-time-password.js';
import { auditAdminChange } from './admin-audit.js';
import { assertMayManageAdmins, randomPassword } from './user-access.js';

/** A phone as stored: encrypted and indexed (SECURITY.md §22), or both null when cleared. */
export function phoneColumns(userId: string, phone: string | null | undefined) {
  const sealed = phone ? sealPersonal(USER_PHONE, userId, phone) : null;
  return { phoneEnc: sealed?.enc ?? null, phoneIndex: sealed?.index ?? null };
}

/**
 * The grant columns of a new membership: who granted it and, unless the two-person rule holds it for a
 * security administrator (grantNeedsConfirmation), confirmed at once.
 */
export function grantColumns(ctx: UseCaseContext, role: Role) {
  const pending = grantNeedsConfirmation(ctx.actor, role);
  return { grantedBy: ctx.actor.userId, confirmedAt: pending ? null : ctx.now, confirmedBy: null };
}

/** Drops repeated (unit, role) pairs and checks 三员分立 and that every unit exists. */
export async function checkMemberships(tx: Db, list: readonly MembershipInput[]): Promise<MembershipInput[]> {
  const unique = [...new Map(list.map((m) => [`${m.orgId}/${m.role}`, m])).values()];
  const violation = separationOfDutiesViolation(unique.map((m) => m.role));
  if (violation) throw invalid('memberships', violation);
  const orgIds = [...new Set(unique.map((m) => m.orgId))];
  const found = await tx.select({ id: orgs.id }).from(orgs).where(inArray(orgs.id, orgIds));
  const missing = list.findIndex((m) => !found.some((f) => f.id === m.orgId));
  if (missing >= 0) throw invalid(`memberships.${missing}.orgId`, '单位不存在');
  return unique;
}

export async function assertUsernameFree(tx: Db, username: string): Promise<void> {
  const [clash] = await tx
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  if (clash) throw conflict(`用户名「${username}」已被使用（不区分大小写），请更换`, { field: 'username' });
}

/**
 * A unit administrator opens an account with business roles in their unit; the system administrator opens
 * administrator accounts and units' administrators (单位管理员) only (三员分立: business roles are granted by the
 * unit's own administrator). Nobody chooses the password: a one-time password is generated and must be changed
 * at first login. A 三员 never sees it — it is mailed to the person (`email` required) — while a unit's own
 * administrator is shown it once; either way the person is told (planDelivery, deliverOneTimePassword).
 */
export async function createUser(
  ctx: UseCaseContext,
  input: CreateUserInput,
  settings: DeliverySettings,
): Promise<{ id: string; delivery: PasswordDelivery; pendingConfirmation: boolean }> {
  const id = randomUUID();
  const roles = await checkMemberships(ctx.tx, input.memberships);
  for (const m of roles)
    authorize(ctx.actor, 'org', 'grant_role', { orgId: m.orgId, role: m.role, targetUserId: id });
  assertMayManageAdmins(ctx.actor, input.memberships);
  await assertUsernameFree(ctx.tx, input.username);
  const plan = planDelivery(
    ctx,
    settings,
    input.email,
    '三员开设的账号，一次性密码只发送至本人邮箱（管理员看不到）：请填写本人的邮箱',
  );

  const policy = await loadSecurityPolicy(ctx.tx);
  const password = randomPassword(input.username, policy.passwordMinLength);
  await ctx.tx.insert(users).values({
    id,
    username: input.username,
    displayName: input.displayName,
    ...phoneColumns(id, input.phone),
    email: input.email ?? null,
    passwordHash: await hashPassword(password),
    mustChangePassword: true,
    passwordChangedAt: ctx.now,
    createdAt: ctx.now,
  });
  await ctx.tx.insert(memberships).values(
    roles.map((m) => ({
      userId: id,
      orgId: m.orgId,
      role: m.role,
      createdAt: ctx.now,
      ...grantColumns(ctx, m.role),
    })),
  );
  const pending = roles.filter((m) => grantNeedsConfirmation(ctx.actor, m.role));
  const delivery = await deliverOneTimePassword(
    ctx,
    settings,
    plan,
    {
      userId: id,
      username: input.username,
      displayName: input.displayName,
      email: input.email ?? null,
      orgId: roles[0]!.orgId,
    },
    password,
    'create',
  );
  await auditAdminChange(
    ctx,
    'user.create',
    { type: 'user', id },
    {
      username: input.username,
      memberships: roles,
      oneTimePassword: true,
      ...auditDelivery(delivery),
      ...(pending.length > 0 && { pendingConfirmation: pending }),
    },
  );
  return { id, delivery, pendingConfirmation: pending.length > 0 };
}

/** What the audit row says about the delivery: the channel and masked address, never the password. */
export function auditDelivery(d: PasswordDelivery): Record<string, unknown> {
  return d.delivery === 'mail'
    ? { delivery: 'mail', to: d.to }
    : { delivery: 'screen', ...(d.demoOnly && { demoOnly: true }) };
}
