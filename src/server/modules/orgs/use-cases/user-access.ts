import { randomInt } from 'node:crypto';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import type { Actor, Membership } from '../../../http/context.js';
import { AppError, notFound } from '../../../http/errors.js';
import { can } from '../../../policy/authorize.js';
import { isSecurityAdmin, isSystemAdmin } from '../../../policy/predicates.js';
import { maskSealed, USER_PHONE } from '../../../crypto/personal-data.js';
import { passwordPolicyViolation } from '../../auth/passwords.js';
import { loginThrottle } from '../../auth/schema.js';
import { isAdminRole, ROLES, type Role } from '../domain.js';
import { memberships, users, type UserRow } from '../schema.js';

/**
 * 三员分立 and the people screens. The security administrator (安全管理员) manages permissions and the password
 * policy, so they may list accounts (to review who holds which role) and reset passwords — including the other
 * administrators', which is their job — but they do not create accounts or grant roles; that stays with the
 * system administrator and each unit's administrator, so no single administrator both grants and secures an
 * account. Nothing here exposes business content: only names, roles and account state.
 * The rules themselves are orgPolicy's ('view_members', 'reset_password').
 */
export function canViewMembers(actor: Actor, orgId: string): boolean {
  return can(actor, 'org', 'view_members', { orgId }).ok;
}

export interface LoadedUser {
  user: UserRow;
  memberships: Membership[];
}

/**
 * Loads an account the actor may see, or answers 404 with the same body as a missing one: sys/sec admins see
 * every account, a unit administrator the accounts with a role in their unit.
 */
export async function loadVisibleUser(
  tx: Db,
  actor: Actor,
  userId: string,
  lock = false,
): Promise<LoadedUser> {
  const query = tx.select().from(users).where(eq(users.id, userId));
  const [user] = lock ? await query.for('update') : await query;
  if (!user) throw notFound('用户');
  const ms = await tx
    .select({ orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  if (userId !== actor.userId && !seesAccount(actor, ms)) throw notFound('用户');
  return { user, memberships: ms };
}

/** Whether the actor sees an account with these memberships at all (outside: the 404 of a missing one). */
export function seesAccount(actor: Actor, accountMemberships: readonly Membership[]): boolean {
  return (
    isSystemAdmin(actor) ||
    isSecurityAdmin(actor) ||
    accountMemberships.some((m) => canViewMembers(actor, m.orgId))
  );
}

/** Administrator accounts are managed by the system administrator only; unit administrators never touch them. */
export function assertMayManageAdmins(actor: Actor, roles: readonly Membership[]): void {
  if (roles.some((m) => isAdminRole(m.role)) && !isSystemAdmin(actor))
    throw new AppError('forbidden', '只有系统管理员可以管理系统管理员、安全管理员、审计管理员账号');
}

/** One-time passwords for bootstrap, new accounts and resets: 20 characters (or the policy's minimum) from all four classes. */
export function randomPassword(username: string, length = 20): string {
  const classes = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#%^*-_=+?'];
  const all = classes.join('');
  for (;;) {
    const chars = classes.map((c) => c[randomInt(c.length)]!);
    while (chars.length < Math.max(length, 20)) chars.push(all[randomInt(all.length)]!);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    const password = chars.join('');
    if (!passwordPolicyViolation(password, username)) return password;
  }
}

/** The roles the actor may grant or take away in a unit (the role picker offers only these). */
export function grantableRoles(actor: Actor, orgId: string): Role[] {
  return ROLES.filter((role) => can(actor, 'org', 'grant_role', { orgId, role }).ok);
}

/**
 * What the actor may do to one account, decided by orgPolicy and sent with each row so the people screens
 * show only those buttons.
 */
export function userAbilities(
  actor: Actor,
  target: { id: string; memberships: readonly Membership[]; locked: boolean; hasPhone?: boolean },
) {
  const self = target.id === actor.userId;
  const targetIsAdmin = target.memberships.some((m) => isAdminRole(m.role));
  const targetOnlyOrgAdmin =
    target.memberships.length > 0 && target.memberships.every((m) => m.role === 'org_admin');
  const units = target.memberships.length ? [...new Set(target.memberships.map((m) => m.orgId))] : [''];
  const anyUnit = (ok: (orgId: string) => boolean) => units.some(ok);
  const manage =
    (!targetIsAdmin || isSystemAdmin(actor)) &&
    anyUnit((orgId) => can(actor, 'org', 'manage_users', { orgId }).ok);
  return {
    edit: manage,
    editRoles: manage && !self,
    disable: manage && !self,
    resetPassword:
      !self &&
      anyUnit(
        (orgId) => can(actor, 'org', 'reset_password', { orgId, targetIsAdmin, targetOnlyOrgAdmin }).ok,
      ),
    unlock: target.locked && can(actor, 'org', 'unlock_account', { orgId: '' }).ok,
    endSessions: !self && can(actor, 'org', 'end_sessions', { orgId: '' }).ok,
    revealPhone: (target.hasPhone ?? false) && mayRevealPersonalData(actor, target),
  };
}

/**
 * SECURITY.md §22: whether the actor may see this account's personal data in plain (orgPolicy
 * 'reveal_personal_data' in any unit the account belongs to; the person themself always).
 */
export function mayRevealPersonalData(
  actor: Actor,
  target: { id: string; memberships: readonly Membership[] },
): boolean {
  const targetIsAdmin = target.memberships.some((m) => isAdminRole(m.role));
  const units = target.memberships.length ? [...new Set(target.memberships.map((m) => m.orgId))] : [''];
  return units.some(
    (orgId) =>
      can(actor, 'org', 'reveal_personal_data', { orgId, targetUserId: target.id, targetIsAdmin }).ok,
  );
}

/**
 * The people list: account state, lock, every (unit, role) each holds (those still waiting for a security
 * administrator's confirmation also in `pendingMemberships`), and the actor's abilities. Never the
 * hash; the phone masked only.
 */
export async function presentUsers(tx: Db, actor: Actor, userIds: readonly string[], now = new Date()) {
  if (userIds.length === 0) return [];
  const [rows, ms] = await Promise.all([
    tx
      .select({
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        phoneEnc: users.phoneEnc,
        email: users.email,
        disabled: users.disabled,
        mustChangePassword: users.mustChangePassword,
        lockedUntil: loginThrottle.lockedUntil,
        lastLoginAt: users.lastLoginAt,
        createdAt: users.createdAt,
        rowVersion: users.rowVersion,
      })
      .from(users)
      .leftJoin(
        loginThrottle,
        and(
          eq(loginThrottle.scope, 'account'),
          eq(loginThrottle.key, sql`lower(${users.username})`),
          gt(loginThrottle.lockedUntil, now),
        ),
      )
      .where(inArray(users.id, [...userIds]))
      .orderBy(asc(users.username)),
    tx
      .select({
        userId: memberships.userId,
        orgId: memberships.orgId,
        role: memberships.role,
        confirmedAt: memberships.confirmedAt,
      })
      .from(memberships)
      .where(inArray(memberships.userId, [...userIds])),
  ]);
  return rows.map(({ phoneEnc, ...u }) => {
    const mine = ms.filter((m) => m.userId === u.id);
    const own = mine.map((m) => ({ orgId: m.orgId, role: m.role }));
    return {
      ...u,
      // Masked (SECURITY.md §22): the plain number only through POST /api/users/:id/phone/reveal.
      phoneMasked: maskSealed(USER_PHONE, u.id, phoneEnc),
      memberships: own,
      // Granted by the system administrator, waiting for a security administrator (grants nothing yet).
      pendingMemberships: mine
        .filter((m) => m.confirmedAt === null)
        .map((m) => ({ orgId: m.orgId, role: m.role })),
      abilities: userAbilities(actor, {
        id: u.id,
        memberships: own,
        locked: u.lockedUntil !== null,
        hasPhone: phoneEnc !== null,
      }),
    };
  });
}
