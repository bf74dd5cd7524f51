import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole, isInUnit } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';

export type InstructionPolicyAction = 'create';

/**
 * Where a leader may write: for an item, the hubs it reached; for an issue, the issuing hub and the units
 * it is currently sent to (a leader instructs on what reached their office).
 */
export interface InstructionFacts {
  leaderOrgId: string;
  instructableOrgIds: readonly string[];
}

export function instructionPolicy(
  actor: Actor,
  action: InstructionPolicyAction,
  f: InstructionFacts,
): Decision {
  switch (action) {
    case 'create':
      if (!hasRole(actor, f.leaderOrgId, 'leader')) return deny('只有领导可以作出批示');
      return f.instructableOrgIds.includes(f.leaderOrgId)
        ? allow
        : deny('只能对报送或印发至本单位的稿件、期刊作出批示');
  }
}

export type FlagPolicyAction = 'flag' | 'close';

/** A flag (呈阅) of the hub `hubId` to the leader `leaderId`. */
export interface FlagFacts {
  hubId: string;
  leaderId: string | null;
}

/** The hub's editors and chief editors put things before its leaders; only that leader closes the flag. */
export function flagPolicy(actor: Actor, action: FlagPolicyAction, f: FlagFacts): Decision {
  switch (action) {
    case 'flag':
      return hasRole(actor, f.hubId, 'editor', 'chief_editor')
        ? allow
        : deny('只有本单位编辑或主编可以呈送领导批示');
    case 'close':
      return actor.userId === f.leaderId ? allow : deny('只有被呈阅的领导本人可以标记已阅');
  }
}

export type FollowUpPolicyAction = 'view' | 'answer';

export interface FollowUpFacts {
  orgId: string;
  leaderId: string;
  leaderOrgId: string;
}

/**
 * 落实反馈: the unit's people see and answer it (writer, reviewer, signer, unit administrator); the leader
 * who wrote the instruction and the people of the leader's office read it.
 */
export function followUpPolicy(actor: Actor, action: FollowUpPolicyAction, f: FollowUpFacts): Decision {
  switch (action) {
    case 'view':
      return isInUnit(actor, f.orgId) ||
        actor.userId === f.leaderId ||
        hasRole(actor, f.leaderOrgId, 'editor', 'chief_editor', 'leader')
        ? allow
        : deny('无权查看该落实反馈');
    case 'answer':
      return isInUnit(actor, f.orgId) ? allow : deny('只有承办单位人员可以填写落实反馈');
  }
}
