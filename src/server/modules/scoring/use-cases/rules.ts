import { eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { invalid, staleVersion } from '../../../http/errors.js';
import { periodicals } from '../../periodicals/schema.js';
import type { ScoringRules } from '../domain.js';
import { auditScoring, hubFor, loadRules, selfAndAncestorIds } from '../repo.js';
import { scoringRuleSets } from '../schema.js';
import { recomputeHub } from './recompute.js';

/**
 * Replaces a hub's rules and recomputes its ledger in the same transaction. Counted periodicals must be
 * the hub's own or a higher hub's (an ancestor's).
 */
export async function updateScoringRules(
  ctx: UseCaseContext,
  hubId: string,
  rules: ScoringRules,
  rowVersion: number,
) {
  await hubFor(ctx, hubId, 'edit_rules');
  const ids = rules.periodicals.map((p) => p.periodicalId);
  if (ids.length > 0) {
    const allowedHubs = new Set(await selfAndAncestorIds(ctx.tx, hubId));
    const found = await ctx.tx
      .select({ id: periodicals.id, hubId: periodicals.hubId, name: periodicals.name })
      .from(periodicals)
      .where(inArray(periodicals.id, ids));
    const byId = new Map(found.map((p) => [p.id, p]));
    ids.forEach((id, i) => {
      const p = byId.get(id);
      if (!p) throw invalid(`periodicals.${i}.periodicalId`, '刊物不存在');
      if (!allowedHubs.has(p.hubId))
        throw invalid(`periodicals.${i}.periodicalId`, `《${p.name}》不是本单位或上级单位的刊物，不能计分`);
    });
  }
  const [locked] = await ctx.tx
    .select()
    .from(scoringRuleSets)
    .where(eq(scoringRuleSets.hubId, hubId))
    .for('update');
  if ((locked?.version ?? 0) !== rowVersion) throw staleVersion('积分规则', locked?.version ?? 0);
  const version = rowVersion + 1;
  // Compare-and-set: a first save racing another first save meets the other's row and updates nothing.
  const [done] = await ctx.tx
    .insert(scoringRuleSets)
    .values({ hubId, rules, version, updatedBy: ctx.actor.userId, updatedAt: ctx.now })
    .onConflictDoUpdate({
      target: scoringRuleSets.hubId,
      set: { rules, version, updatedBy: ctx.actor.userId, updatedAt: ctx.now },
      setWhere: eq(scoringRuleSets.version, rowVersion),
    })
    .returning({ version: scoringRuleSets.version });
  if (!done) throw staleVersion('积分规则');
  const changed = await recomputeHub(ctx, hubId);
  await auditScoring(ctx, 'rules_update', 'org', hubId, { version, ...changed });
  return { version, recomputed: changed };
}

export async function getScoringRules(ctx: UseCaseContext, hubId: string) {
  await hubFor(ctx, hubId, 'view');
  return loadRules(ctx.tx, hubId);
}
