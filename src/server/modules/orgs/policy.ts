import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole, isSecurityAdmin, isSystemAdmin } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';

export type OrgPolicyAction =
  'create_item' | 'manage_units' | 'manage_users' | 'configure_hub' | 'view_members' | 'reset_password';

export interface OrgFacts {
  orgId: string;
  /** For account actions: the account holds one of the three administrator roles. */
  targetIsAdmin?: boolean;
}

/**
 * Unit administration under 三员分立. The system administrator manages the tree and accounts; a unit
 * administrator manages its own unit's people; the security administrator reviews who holds which role
 * and resets passwords (the only one who may reset an administrator's), but grants nothing. None of them
 * reads business content by virtue of that role.
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
    case 'reset_password':
      if (f.targetIsAdmin)
        return isSecurityAdmin(actor) ? allow : deny('管理员账号的密码只能由安全管理员重置');
      return isSecurityAdmin(actor) || isSystemAdmin(actor) || hasRole(actor, f.orgId, 'org_admin')
        ? allow
        : deny('无权重置该用户的密码');
  }
}
