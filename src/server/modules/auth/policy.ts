import type { Actor } from '../../http/context.js';
import { allow, deny, type Decision } from '../../policy/authorize.js';
import { isSecurityAdmin } from '../../policy/predicates.js';

export type SecurityPolicyAction =
  | 'view_policy'
  | 'edit_policy'
  | 'view_sessions'
  | 'revoke_session'
  | 'view_overview'
  | 'reset_second_factor';
export type SecurityFacts = Record<string, never>;

/** 三员分立: the password, lockout and session policy and the live sessions belong to the security administrator. */
export function securityPolicyRules(
  actor: Actor,
  action: SecurityPolicyAction,
  _facts: SecurityFacts,
): Decision {
  void action;
  return isSecurityAdmin(actor) ? allow : deny('只有安全管理员可以管理安全策略与在线会话');
}
