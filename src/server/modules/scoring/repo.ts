import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedStatement } from '../../db/prepared.js';
import type { UseCaseContext } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { authorize } from '../../policy/authorize.js';
import { auditAction, auditActionRow } from '../audit/audit.js';
import { orgs, type OrgRow } from '../orgs/schema.js';
import { DEFAULT_RULES, type ScoringRules } from './domain.js';
import type { ScoringPolicyAction } from './policy.js';
import { scoringRuleSets } from './schema.js';
import { runNamed, runPrepared } from './sql.js';

/**
 * Loads an evaluating hub for a scoring action. Someone holding no role at the hub gets the same 404 as
 * for a missing hub (its scoring is not theirs to know); a member lacking the role gets 403.
 */
export async function hubFor(
  ctx: UseCaseContext,
  hubId: string,
  action: ScoringPolicyAction,
): Promise<OrgRow> {
  const [hub] = await ctx.tx.select().from(orgs).where(eq(orgs.id, hubId));
  return checkHub(ctx, hub, hubId, action);
}

function checkHub(
  ctx: UseCaseContext,
  hub: OrgRow | undefined,
  hubId: string,
  action: ScoringPolicyAction,
): OrgRow {
  if (!hub || !hub.isHub) throw notFound('汇总单位');
  if (!ctx.actor.memberships.some((m) => m.orgId === hubId)) throw notFound('汇总单位');
  authorize(ctx.actor, 'scoring', action, { hubId });
  return hub;
}

const hubWithRulesStatement = preparedStatement('zx_scoring_hub_rules', (db) =>
  db
    .select({ hub: orgs, ruleSet: scoringRuleSets })
    .from(orgs)
    .leftJoin(scoringRuleSets, eq(scoringRuleSets.hubId, orgs.id))
    .where(eq(orgs.id, sql.placeholder('hubId'))),
);

/** `hubFor` and `loadRules` in one statement, for the use cases that need both (rankings, notices). */
export async function hubWithRules(
  ctx: UseCaseContext,
  hubId: string,
  action: ScoringPolicyAction,
): Promise<{ hub: OrgRow; rules: LoadedRules }> {
  const [row] = await hubWithRulesStatement(ctx.tx, { hubId });
  return { hub: checkHub(ctx, row?.hub, hubId, action), rules: rulesOf(row?.ruleSet ?? null) };
}

export interface LoadedRules {
  rules: ScoringRules;
  version: number;
  updatedAt: Date | null;
  isDefault: boolean;
}

export async function loadRules(tx: Db, hubId: string): Promise<LoadedRules> {
  const [row] = await tx.select().from(scoringRuleSets).where(eq(scoringRuleSets.hubId, hubId));
  return rulesOf(row ?? null);
}

/** A hub's rule set over the defaults; the defaults alone when it has saved none. */
function rulesOf(row: typeof scoringRuleSets.$inferSelect | null): LoadedRules {
  if (!row) return { rules: DEFAULT_RULES, version: 0, updatedAt: null, isDefault: true };
  return {
    rules: { ...DEFAULT_RULES, ...row.rules },
    version: row.version,
    updatedAt: row.updatedAt,
    isDefault: false,
  };
}

/** The units a hub evaluates (sql/evaluated-units.sql). */
export async function evaluatedUnitIds(tx: Db, hubId: string): Promise<Set<string>> {
  const rows = await runPrepared<{ org_id: string }>(tx, 'evaluated-unit-ids', { hubId });
  return new Set(rows.map((r) => r.org_id));
}

/**
 * Which of `orgIds` each hub evaluates (sql/evaluators-of.sql, the inverse of evaluated-units.sql), keyed by
 * hub: enough for the ledger's rules, which only ever ask whether a fact's own units are evaluated. No
 * statement when there is no unit to ask about.
 */
export async function evaluatedAmong(tx: Db, orgIds: Iterable<string>): Promise<Map<string, Set<string>>> {
  const ids = [...new Set(orgIds)];
  const byHub = new Map<string, Set<string>>();
  if (ids.length === 0) return byHub;
  const pairs = await runNamed<{ org_id: string; hub_id: string }>(tx, 'evaluators-of', {
    orgIds: JSON.stringify(ids),
  });
  for (const p of pairs) {
    let units = byHub.get(p.hub_id);
    if (!units) byHub.set(p.hub_id, (units = new Set()));
    units.add(p.org_id);
  }
  return byHub;
}

/** The org and every org above it. */
export async function selfAndAncestorIds(tx: Db, orgId: string): Promise<string[]> {
  const rows = await runNamed<{ id: string }>(tx, 'ancestors', { orgId });
  return rows.map((r) => r.id);
}

export function auditScoring(
  ctx: UseCaseContext,
  event: string,
  objectType: string,
  objectId: string,
  detail: Record<string, unknown>,
): Promise<void> {
  return auditAction(ctx, `scoring.${event}`, { type: objectType, id: objectId }, detail);
}

/** The row `auditScoring` writes, for a statement that inserts it along with the change it records. */
export function auditScoringRow(
  ctx: UseCaseContext,
  event: string,
  objectType: string,
  objectId: string,
  detail: Record<string, unknown>,
) {
  return auditActionRow(ctx, `scoring.${event}`, { type: objectType, id: objectId }, detail);
}

export interface AggregateDifference {
  aggregate: string;
  key: Record<string, unknown>;
  expected: Record<string, unknown>;
  kept: Record<string, unknown>;
}

/**
 * The consistency check of the pre-aggregated statistics (sql/aggregates-check.sql): every bucket and
 * counter recomputed from the ledger and hops and compared with what the triggers kept; [] when they agree.
 * A full scan of both: for tests and the operator's CLI, never a request.
 */
export function aggregateDifferences(tx: Db): Promise<AggregateDifference[]> {
  return runNamed<AggregateDifference>(tx, 'aggregates-check', {});
}
