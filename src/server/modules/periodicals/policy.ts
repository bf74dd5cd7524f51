import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole, isSystemAdmin } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';
import { BUSINESS_ROLES } from '../orgs/domain.js';

export type PeriodicalPolicyAction = 'view' | 'configure' | 'compile' | 'list_issues';

export interface PeriodicalFacts {
  hubId: string;
}

export type IssuePolicyAction =
  'view' | 'edit' | 'submit' | 'review' | 'sign' | 'issue' | 'distribute' | 'recall' | 'view_receipts';

export interface IssueFacts {
  hubId: string;
  /** The compiler (编辑): four eyes keeps them from signing their own issue. */
  createdBy: string;
  /** Orgs the issue is currently sent to (recalled rows excluded; empty before it is issued). */
  recipientOrgIds: readonly string[];
  /**
   * Once issued (and not recalled): the units on the chains of the items it published — origin units,
   * co-reporters and the hubs that forwarded them. They read the issue's header and their own entries.
   */
  chainOrgIds?: readonly string[];
}

const EDITORS = ['editor', 'chief_editor'] as const;

/** Any business role in the org; the three administrators read no content by virtue of their role. */
export const isMemberOf = (actor: Actor, orgId: string): boolean => hasRole(actor, orgId, ...BUSINESS_ROLES);

/**
 * A hub's periodical settings. Its members read them (the system administrator too: names and numbering
 * are configuration, not content); the chief editor, the unit administrator or the system administrator
 * change them; the hub's editors compile issues.
 */
export function periodicalPolicy(actor: Actor, action: PeriodicalPolicyAction, f: PeriodicalFacts): Decision {
  switch (action) {
    case 'view':
      return isSystemAdmin(actor) || isMemberOf(actor, f.hubId)
        ? allow
        : deny('只有本汇总单位人员可以查看其刊物');
    case 'configure':
      return isSystemAdmin(actor) || hasRole(actor, f.hubId, 'chief_editor', 'org_admin')
        ? allow
        : deny('只有本单位主编、单位管理员或系统管理员可以修改刊物设置');
    case 'compile':
      return hasRole(actor, f.hubId, ...EDITORS) ? allow : deny('只有本单位编辑或主编可以编辑期刊');
    case 'list_issues':
      return isMemberOf(actor, f.hubId) ? allow : deny('只有本汇总单位人员可以查看本刊各期');
  }
}

/**
 * An issue: the hub's members see it in every state; members of a recipient org read it once issued
 * (until it is recalled); so do the units on the chain of an item it published (their entries only, see
 * read-issue.visibleEntryIds), so that “被《…》第N期采用” opens for them. The hub's editors compile, review and issue; a chief editor other than the
 * compiler signs; a chief editor recalls.
 */
export function issuePolicy(actor: Actor, action: IssuePolicyAction, f: IssueFacts): Decision {
  switch (action) {
    case 'view':
      return isMemberOf(actor, f.hubId) ||
        f.recipientOrgIds.some((o) => isMemberOf(actor, o)) ||
        (f.chainOrgIds ?? []).some((o) => isMemberOf(actor, o))
        ? allow
        : deny('无权查看该期刊物');
    case 'review':
      // Four eyes on issues as on items: whoever compiled the issue does not review it.
      if (!hasRole(actor, f.hubId, ...EDITORS)) return deny('只有本单位编辑或主编可以办理');
      return actor.userId === f.createdBy
        ? deny('审核须由编辑本期以外的人员进行（不得审核本人编辑的期刊）')
        : allow;
    case 'edit':
    case 'submit':
    case 'issue':
    case 'distribute':
      return hasRole(actor, f.hubId, ...EDITORS) ? allow : deny('只有本单位编辑或主编可以办理');
    case 'sign':
      if (!hasRole(actor, f.hubId, 'chief_editor')) return deny('只有本单位主编可以签发期刊');
      return actor.userId === f.createdBy
        ? deny('签发须由编辑本期以外的主编进行（不得签发本人编辑的期刊）')
        : allow;
    case 'recall':
      return hasRole(actor, f.hubId, 'chief_editor') ? allow : deny('只有本单位主编可以收回期刊');
    case 'view_receipts':
      return isMemberOf(actor, f.hubId) ? allow : deny('只有编发单位可以查看阅读情况');
  }
}
