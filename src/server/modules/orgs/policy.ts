import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole, isSystemAdmin } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';

export type OrgPolicyAction =
  'create_item' | 'manage_units' | 'manage_users' | 'configure_hub' | 'view_members';

export interface OrgFacts {
  orgId: string;
}

/**
 * Unit administration. The system administrator manages the tree and accounts; a unit administrator
 * manages its own unit's people. Neither reads business content by virtue of that role.
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
      return isSystemAdmin(actor) || hasRole(actor, f.orgId, 'org_admin')
        ? allow
        : deny('无权查看该单位人员');
  }
}
