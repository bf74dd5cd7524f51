import type { Actor } from '../../http/context.js';
import { allow, deny, type Decision } from '../../policy/authorize.js';
import { isAuditAdmin } from '../../policy/predicates.js';

export type AuditPolicyAction = 'read_log' | 'verify_chain' | 'export_log';
export type AuditFacts = Record<string, never>;

/** 三员分立 (SECURITY.md §18): only the audit administrator reads, verifies and exports the audit log. */
export function auditPolicy(actor: Actor, action: AuditPolicyAction, _facts: AuditFacts): Decision {
  void action;
  return isAuditAdmin(actor) ? allow : deny('只有审计管理员可以查看、校验和导出审计日志');
}
