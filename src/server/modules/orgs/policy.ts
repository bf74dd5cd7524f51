import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole, isSecurityAdmin, isSystemAdmin } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';
import { isAdminRole, type Role } from './domain.js';

export type OrgPolicyAction =
  | 'create_item'
  | 'manage_units'
  | 'manage_users'
  | 'grant_role'
  | 'configure_hub'
  | 'view_members'
  | 'reset_password'
  | 'unlock_account'
  | 'end_sessions'
  | 'reveal_personal_data'
  | 'confirm_grant';

export interface OrgFacts {
  orgId: string;
  /** For account actions: the account holds one of the three administrator roles. */
  targetIsAdmin?: boolean;
  /** For resets: the account's only role is 单位管理员 (which the system administrator may grant). */
  targetOnlyOrgAdmin?: boolean;
  /** For grant_role: the role granted or taken away in `orgId`. */
  role?: Role;
  /**
   * For reveal_personal_data: whose personal data; for grant_role: the account receiving or losing the role;
   * for confirm_grant: the account whose pending role is confirmed or rejected.
   */
  targetUserId?: string;
}

/**
 * Unit administration under 三员分立. The system administrator manages the tree, the administrator accounts
 * and each unit's administrator (单位管理员); business roles are granted only by the unit's own
 * administrator, so no 三员 can open an account that reads business content. The security administrator
 * reviews who holds which role, unlocks accounts, ends sessions and resets the administrators' passwords
 * (one-time passwords only), but grants nothing and never resets a business account, which could then be
 * taken over. None of them reads business content by virtue of that role.
 */
export function orgPolicy(actor: Actor, action: OrgPolicyAction, f: OrgFacts): Decision {
  switch (action) {
    case 'create_item':
      return hasRole(actor, f.orgId, 'writer') ? allow : deny('只有本单位信息员可以撰写稿件');
    case 'manage_units':
      return isSystemAdmin(actor) ? allow : deny('只有系统管理员可以管理单位');
    case 'manage_users':
      return isSystemAdmin(actor) || hasRole(actor, f.orgId, 'org_admin')
        ? allow
        : deny('无权管理该单位的人员');
    case 'configure_hub':
      return isSystemAdmin(actor) || hasRole(actor, f.orgId, 'org_admin', 'chief_editor')
        ? allow
        : deny('无权修改该单位的设置');
    case 'view_members':
      return isSystemAdmin(actor) || isSecurityAdmin(actor) || hasRole(actor, f.orgId, 'org_admin')
        ? allow
        : deny('无权查看该单位人员');
    case 'grant_role':
      // Separation of duties: whatever the role, nobody grants (or takes away) their own.
      if (f.targetUserId !== undefined && f.targetUserId === actor.userId)
        return deny('不能给自己授予或撤销角色（职责分离），请由其他有权限的管理员办理');
      if (f.role && isAdminRole(f.role))
        return isSystemAdmin(actor) ? allow : deny('只有系统管理员可以授予三员角色');
      if (f.role === 'org_admin')
        return isSystemAdmin(actor) || hasRole(actor, f.orgId, 'org_admin')
          ? allow
          : deny('无权授予该单位的单位管理员角色');
      return hasRole(actor, f.orgId, 'org_admin')
        ? allow
        : deny('业务角色只能由本单位的单位管理员授予（三员分立）');
    // The two-person rule (系统管理员创建、安全管理员审核): a 单位管理员 role the system administrator granted waits
    // for a security administrator, who confirms or rejects it but never for their own account.
    case 'confirm_grant':
      if (f.targetUserId !== undefined && f.targetUserId === actor.userId)
        return deny('不能确认或拒绝授予自己的角色（职责分离）');
      return isSecurityAdmin(actor)
        ? allow
        : deny('只有安全管理员可以确认或拒绝系统管理员授予的单位管理员角色');
    case 'reset_password':
      if (f.targetIsAdmin)
        return isSecurityAdmin(actor) ? allow : deny('管理员账号的密码只能由安全管理员重置');
      if (hasRole(actor, f.orgId, 'org_admin')) return allow;
      if (f.targetOnlyOrgAdmin && isSystemAdmin(actor)) return allow;
      return deny('业务账号的密码只能由本单位的单位管理员重置');
    case 'unlock_account':
      return isSecurityAdmin(actor) ? allow : deny('只有安全管理员可以解锁账号');
    case 'end_sessions':
      return isSecurityAdmin(actor) ? allow : deny('只有安全管理员可以强制下线');
    // The plain phone (SECURITY.md §22): the person themself, and the administrator of a unit the account
    // belongs to, who needs it to reach them. Never a 三员 by virtue of that role: they manage accounts, not
    // people's contact data; an administrator account's data is its holder's alone.
    case 'reveal_personal_data':
      if (f.targetUserId !== undefined && f.targetUserId === actor.userId) return allow;
      if (f.targetIsAdmin) return deny('管理员账号的个人信息只有本人可以查看');
      return hasRole(actor, f.orgId, 'org_admin')
        ? allow
        : deny('只有本人和所在单位的单位管理员可以查看完整个人信息');
  }
}

/**
 * Whether a role granted by this actor takes effect only after a security administrator confirms it: a
 * 单位管理员 role granted by the system administrator, who could otherwise open one with a mailbox they control
 * and, as that unit administrator, a business account whose password they are shown. Every other grant (a unit
 * administrator's own, bootstrap, seed, command line) takes effect at once.
 */
export function grantNeedsConfirmation(actor: Actor, role: Role): boolean {
  return role === 'org_admin' && isSystemAdmin(actor);
}
