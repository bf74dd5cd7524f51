import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole, isHubMember } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';
import { UNIT_ROLES } from '../orgs/domain.js';

export type ScoringPolicyAction =
  | 'view'
  | 'edit_rules'
  | 'add_entry'
  | 'manage_quotas'
  | 'compose_notice'
  | 'issue_notice'
  | 'read_notice'
  | 'view_standing';

/** The evaluating hub a scoring record belongs to; for a notice, whether the actor's unit received it. */
export interface ScoringFacts {
  hubId: string;
  noticeState?: 'draft' | 'issued';
  actorIsRecipient?: boolean;
  /** For a unit's own standing (本单位积分与排名): the evaluated unit. */
  orgId?: string;
}

/**
 * Scoring belongs to the evaluating hub: its editors, chief editors, leaders and unit administrator read
 * rules, ledger, rankings and rewards; the chief editor and the unit administrator set rules, quotas and
 * manual points; editors compose 通报 and chief editors issue them; evaluated units read issued ones.
 */
export function scoringPolicy(actor: Actor, action: ScoringPolicyAction, f: ScoringFacts): Decision {
  const member = isHubMember(actor, f.hubId) || hasRole(actor, f.hubId, 'org_admin');
  switch (action) {
    case 'view':
      return member ? allow : deny('只有本汇总单位的编辑、主编、领导可以查看积分与排名');
    case 'edit_rules':
    case 'add_entry':
    case 'manage_quotas':
      return hasRole(actor, f.hubId, 'chief_editor', 'org_admin')
        ? allow
        : deny('只有本单位主编或单位管理员可以设置积分规则、任务指标和加减分');
    case 'compose_notice':
      return hasRole(actor, f.hubId, 'editor', 'chief_editor')
        ? allow
        : deny('只有本单位编辑或主编可以编制通报');
    case 'issue_notice':
      if (f.noticeState !== 'draft') return deny('该通报已印发');
      return hasRole(actor, f.hubId, 'chief_editor') ? allow : deny('只有本单位主编可以印发通报');
    case 'view_standing':
      // A unit reads its own figures and rank position; other units' detail only through issued 通报.
      return f.orgId && hasRole(actor, f.orgId, ...UNIT_ROLES)
        ? allow
        : deny('只有本单位人员可以查看本单位积分与排名');
    case 'read_notice':
      if (member) return allow;
      return f.noticeState === 'issued' && f.actorIsRecipient ? allow : deny('无权查看该通报');
  }
}
