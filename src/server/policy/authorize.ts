import { AppError } from '../http/errors.js';
import type { Actor } from '../http/context.js';
import { itemPolicy, type ItemFacts, type ItemPolicyAction } from '../modules/items/policy.js';
import { hopPolicy, type HopFacts, type HopPolicyAction } from '../modules/items/hop-policy.js';
import { orgPolicy, type OrgFacts, type OrgPolicyAction } from '../modules/orgs/policy.js';
import { auditPolicy, type AuditFacts, type AuditPolicyAction } from '../modules/audit/policy.js';
import {
  securityPolicyRules,
  type SecurityFacts,
  type SecurityPolicyAction,
} from '../modules/auth/policy.js';
import { scoringPolicy, type ScoringFacts, type ScoringPolicyAction } from '../modules/scoring/policy.js';
import {
  flagPolicy,
  followUpPolicy,
  instructionPolicy,
  type FlagFacts,
  type FlagPolicyAction,
  type FollowUpFacts,
  type FollowUpPolicyAction,
  type InstructionFacts,
  type InstructionPolicyAction,
} from '../modules/instructions/policy.js';
import {
  issuePolicy,
  periodicalPolicy,
  type IssueFacts,
  type IssuePolicyAction,
  type PeriodicalFacts,
  type PeriodicalPolicyAction,
} from '../modules/periodicals/policy.js';

/** A policy's answer: allowed, or the reason (for people, in Chinese) it is not. */
export type Decision = { ok: true } | { ok: false; reason: string };
export const allow: Decision = { ok: true };
export const deny = (reason: string): Decision => ({ ok: false, reason });

/**
 * The registry of every entity's policy. Adding an entity means adding it here; the compiler then makes
 * every caller of `authorize` name an action that entity's policy knows.
 */
interface PolicyRegistry {
  item: { action: ItemPolicyAction; facts: ItemFacts };
  hop: { action: HopPolicyAction; facts: HopFacts };
  org: { action: OrgPolicyAction; facts: OrgFacts };
  periodical: { action: PeriodicalPolicyAction; facts: PeriodicalFacts };
  issue: { action: IssuePolicyAction; facts: IssueFacts };
  scoring: { action: ScoringPolicyAction; facts: ScoringFacts };
  instruction: { action: InstructionPolicyAction; facts: InstructionFacts };
  audit: { action: AuditPolicyAction; facts: AuditFacts };
  security: { action: SecurityPolicyAction; facts: SecurityFacts };
  instructionFlag: { action: FlagPolicyAction; facts: FlagFacts };
  followUp: { action: FollowUpPolicyAction; facts: FollowUpFacts };
}

type PolicyFn<E extends keyof PolicyRegistry> = (
  actor: Actor,
  action: PolicyRegistry[E]['action'],
  facts: PolicyRegistry[E]['facts'],
) => Decision;

const POLICIES: { [E in keyof PolicyRegistry]: PolicyFn<E> } = {
  item: itemPolicy,
  hop: hopPolicy,
  org: orgPolicy,
  periodical: periodicalPolicy,
  issue: issuePolicy,
  scoring: scoringPolicy,
  instruction: instructionPolicy,
  audit: auditPolicy,
  security: securityPolicyRules,
  instructionFlag: flagPolicy,
  followUp: followUpPolicy,
};

export function can<E extends keyof PolicyRegistry>(
  actor: Actor,
  entity: E,
  action: PolicyRegistry[E]['action'],
  facts: PolicyRegistry[E]['facts'],
): Decision {
  return POLICIES[entity](actor, action, facts);
}

/** Throws 403 with the policy's reason; nothing after a denial runs. */
export function authorize<E extends keyof PolicyRegistry>(
  actor: Actor,
  entity: E,
  action: PolicyRegistry[E]['action'],
  facts: PolicyRegistry[E]['facts'],
): void {
  const d = can(actor, entity, action, facts);
  if (!d.ok) throw new AppError('forbidden', d.reason);
}

/** The abilities sent with a record so the UI renders buttons from the server's rules. */
export function abilities<E extends keyof PolicyRegistry, A extends PolicyRegistry[E]['action']>(
  actor: Actor,
  entity: E,
  actions: readonly A[],
  facts: PolicyRegistry[E]['facts'],
): Record<A, boolean> {
  const out = {} as Record<A, boolean>;
  for (const a of actions) out[a] = can(actor, entity, a, facts).ok;
  return out;
}
