import { allow, deny, type Decision } from '../../policy/authorize.js';
import { hasRole } from '../../policy/predicates.js';
import type { Actor } from '../../http/context.js';

export type InstructionPolicyAction = 'create';

/** The item's receiving hubs: a leader writes on an item that reached a hub they lead. */
export interface InstructionFacts {
  leaderOrgId: string;
  receivingHubIds: readonly string[];
}

export function instructionPolicy(
  actor: Actor,
  action: InstructionPolicyAction,
  f: InstructionFacts,
): Decision {
  switch (action) {
    case 'create':
      if (!hasRole(actor, f.leaderOrgId, 'leader')) return deny('只有领导可以作出批示');
      return f.receivingHubIds.includes(f.leaderOrgId) ? allow : deny('只能对报送至本单位的稿件作出批示');
  }
}
