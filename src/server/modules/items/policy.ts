import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole, isAnyHubMember, isInUnit } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';
import type { ItemState } from './domain/states.js';

export type ItemPolicyAction =
  'view' | 'edit' | 'submit_for_review' | 'approve' | 'approve_and_sign' | 'return' | 'sign' | 'withdraw';

/** What the item policy needs to know about an item and its relations; loaded once by the route. */
export interface ItemFacts {
  orgId: string;
  state: ItemState;
  /** The author and everyone who wrote a version inside the unit: four eyes keeps them from approving. */
  writerIds: readonly string[];
  coReporterOrgIds: readonly string[];
  /** Every hub that received a hop of this item. */
  receivingHubIds: readonly string[];
}

const FOUR_EYES = '审核、签发须由撰稿人以外的人员进行（不得审核或签发本人撰写的稿件）';

export function itemPolicy(actor: Actor, action: ItemPolicyAction, f: ItemFacts): Decision {
  const ownUnit = isInUnit(actor, f.orgId);
  const wroteIt = f.writerIds.includes(actor.userId);
  switch (action) {
    case 'view':
      if (ownUnit) return allow;
      if (f.state !== 'draft' && f.coReporterOrgIds.some((o) => isInUnit(actor, o))) return allow;
      if (isAnyHubMember(actor, f.receivingHubIds)) return allow;
      return deny('无权查看该稿件');
    case 'edit':
    case 'submit_for_review':
      return hasRole(actor, f.orgId, 'writer') ? allow : deny('只有本单位信息员可以编辑或提交稿件');
    case 'approve':
      if (!hasRole(actor, f.orgId, 'reviewer')) return deny('只有本单位审核人可以审核稿件');
      return wroteIt ? deny(FOUR_EYES) : allow;
    case 'approve_and_sign':
      if (!hasRole(actor, f.orgId, 'reviewer', 'signer')) return deny('只有本单位审核人或签发人可以审核签发');
      return wroteIt ? deny(FOUR_EYES) : allow;
    case 'sign':
      if (!hasRole(actor, f.orgId, 'signer')) return deny('只有本单位签发人可以签发稿件');
      return wroteIt ? deny(FOUR_EYES) : allow;
    case 'return':
      // The signer may send back at either step (and is the one who reviews where the unit merged them).
      if (f.state === 'awaiting_signoff')
        return hasRole(actor, f.orgId, 'signer') ? allow : deny('只有本单位签发人可以退回待签发的稿件');
      return hasRole(actor, f.orgId, 'reviewer', 'signer')
        ? allow
        : deny('只有本单位审核人或签发人可以退回稿件');
    case 'withdraw':
      return hasRole(actor, f.orgId, 'writer', 'signer')
        ? allow
        : deny('只有本单位信息员或签发人可以撤回稿件');
  }
}
