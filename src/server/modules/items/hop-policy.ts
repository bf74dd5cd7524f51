import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole, isInUnit } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';
import type { StageRole } from '../orgs/domain.js';

export type HopPolicyAction =
  | 'receive'
  | 'advance'
  | 'edit'
  | 'return'
  | 'reject'
  | 'resubmit'
  | 'adopt'
  | 'revoke_adoption'
  | 'forward'
  | 'archive'
  | 'withdraw';

export interface HopFacts {
  toOrgId: string;
  fromOrgId: string;
  originOrgId: string;
  /** True for a hop a hub created by forwarding; false for the unit's own submission. */
  forwarded: boolean;
  /** The role the hub's current receiving stage needs, null when it has no stages or is past them. */
  stageRole: StageRole | null;
}

const EDITORS = ['editor', 'chief_editor'] as const;

export function hopPolicy(actor: Actor, action: HopPolicyAction, f: HopFacts): Decision {
  switch (action) {
    case 'receive':
    case 'edit':
    case 'adopt':
    case 'revoke_adoption':
    case 'forward':
    case 'archive':
      return hasRole(actor, f.toOrgId, ...EDITORS) ? allow : deny('只有接收单位的编辑可以处理该报送');
    case 'advance':
    case 'return':
    case 'reject': {
      const roles = f.stageRole ? [f.stageRole, 'chief_editor' as const] : EDITORS;
      return hasRole(actor, f.toOrgId, ...roles) ? allow : deny('您不是该报送当前环节的办理人');
    }
    case 'resubmit':
    case 'withdraw':
      if (f.forwarded)
        return hasRole(actor, f.fromOrgId, ...EDITORS) ? allow : deny('只有转报单位的编辑可以办理');
      return isInUnit(actor, f.originOrgId) && hasRole(actor, f.originOrgId, 'writer', 'signer')
        ? allow
        : deny('只有报送单位的信息员或签发人可以办理');
  }
}
