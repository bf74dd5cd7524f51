import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import type { UseCaseContext } from '../../../http/context.js';
import { conflict, invalid } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { hashPassword, passwordPolicyViolation } from '../../auth/passwords.js';
import { separationOfDutiesViolation } from '../domain.js';
import { memberships, orgs, users } from '../schema.js';
import type { CreateUserInput, MembershipInput } from '../schemas.js';
import { auditAdminChange } from './admin-audit.js';
import { assertMayManageAdmins } from './user-access.js';

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
 * A unit administrator (or the system administrator) opens an account with roles per unit. The initial
 * password must meet the policy and is changed at first login.
 */
export async function createUser(ctx: UseCaseContext, input: CreateUserInput): Promise<string> {
  for (const orgId of new Set(input.memberships.map((m) => m.orgId)))
    authorize(ctx.actor, 'org', 'manage_users', { orgId });
  assertMayManageAdmins(ctx.actor, input.memberships);
  const roles = await checkMemberships(ctx.tx, input.memberships);
  const violation = passwordPolicyViolation(input.password, input.username);
  if (violation) throw invalid('password', violation);
  await assertUsernameFree(ctx.tx, input.username);

  const id = randomUUID();
  await ctx.tx.insert(users).values({
    id,
    username: input.username,
    displayName: input.displayName,
    phone: input.phone ?? null,
    passwordHash: await hashPassword(input.password),
    mustChangePassword: true,
    passwordChangedAt: ctx.now,
    createdAt: ctx.now,
  });
  await ctx.tx
    .insert(memberships)
    .values(roles.map((m) => ({ userId: id, orgId: m.orgId, role: m.role, createdAt: ctx.now })));
  await auditAdminChange(
    ctx,
    'user.create',
    { type: 'user', id },
    { username: input.username, memberships: roles },
  );
  return id;
}
