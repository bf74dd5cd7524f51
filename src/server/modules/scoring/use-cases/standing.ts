import { and, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import { orgsWithRole, type UseCaseContext } from '../../../http/context.js';
import { invalid, notFound } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { UNIT_ROLES } from '../../orgs/domain.js';
import { orgs } from '../../orgs/schema.js';
import { ENTRY_KIND_LABELS } from '../domain.js';
import type { PeriodSpec } from '../periods.js';
import { evaluatedAmong, loadRules } from '../repo.js';
import { scoreEntries } from '../schema.js';
import { quotaProgress } from './quotas.js';
import { requestedPeriod } from './requested-period.js';
import { unitStats, type RankingCache } from './stats.js';

const ENTRY_LIMIT = 300;

/**
 * 本单位积分与排名: a unit's own standing with one hub that evaluates it — its figures and points over the
 * period (the same figures and ranking as the hub's), its rank position among the hub's units (only the
 * position and the number of units: other units' figures reach it through the hub's issued 通报), the
 * ledger rows that make up its points, and its quota progress in the current quota periods. The hub's
 * ranked rows come from `cache` when it holds them (reading requests only).
 */
export async function unitStanding(
  ctx: UseCaseContext,
  q: { orgId?: string | undefined; hubId?: string | undefined; period: PeriodSpec },
  cache: RankingCache | null = null,
) {
  const myUnits = orgsWithRole(ctx.actor, UNIT_ROLES);
  const unitRows = myUnits.length
    ? await ctx.tx.select({ orgId: orgs.id, orgName: orgs.name }).from(orgs).where(inArray(orgs.id, myUnits))
    : [];
  const orgId = q.orgId ?? unitRows[0]?.orgId;
  const empty = { units: unitRows, unit: null, hubs: [], hub: null, period: null, standing: null };
  if (!orgId) return { ...empty, entries: [], entriesTruncated: false, quotas: [] };
  // Someone outside the unit learns nothing about it: the same 404 as a missing unit.
  if (!myUnits.includes(orgId)) throw notFound('单位');
  authorize(ctx.actor, 'scoring', 'view_standing', { hubId: '', orgId });
  const period = requestedPeriod(q.period);
  const hubIds = [...(await evaluatedAmong(ctx.tx, [orgId])).keys()];
  const hubRows = hubIds.length
    ? await ctx.tx.select({ hubId: orgs.id, hubName: orgs.name }).from(orgs).where(inArray(orgs.id, hubIds))
    : [];
  if (q.hubId && !hubIds.includes(q.hubId)) throw invalid('hubId', '该汇总单位不考核本单位');
  const hubId = q.hubId ?? hubIds[0];
  const unit = unitRows.find((u) => u.orgId === orgId)!;
  const periodOut = {
    kind: period.kind,
    label: period.label,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
  };
  if (!hubId) return { ...empty, unit, period: periodOut, entries: [], entriesTruncated: false, quotas: [] };
  const { rules } = await loadRules(ctx.tx, hubId);
  const all = await unitStats(ctx.tx, hubId, rules, period, 'aggregates', cache);
  const mine = all.find((s) => s.orgId === orgId);
  const entries = await ctx.tx
    .select()
    .from(scoreEntries)
    .where(
      and(
        eq(scoreEntries.hubId, hubId),
        eq(scoreEntries.orgId, orgId),
        gte(scoreEntries.occurredAt, period.start),
        lt(scoreEntries.occurredAt, period.end),
      ),
    )
    .orderBy(desc(scoreEntries.occurredAt), desc(scoreEntries.id))
    .limit(ENTRY_LIMIT + 1);
  const quotas = (await quotaProgress(ctx)).filter((p) => p.orgId === orgId && p.hubId === hubId);
  return {
    units: unitRows,
    unit,
    hubs: hubRows,
    hub: hubRows.find((h) => h.hubId === hubId) ?? null,
    period: periodOut,
    standing: mine
      ? {
          points: mine.points,
          zeroed: mine.zeroed,
          rank: mine.rank,
          tied: mine.tied,
          unitCount: all.length,
          submitted: mine.submitted,
          adopted: mine.adopted,
          adoptions: mine.adoptions,
          adoptionRate: mine.adoptionRate,
          instructions: mine.instructions,
          adoptedByPeriodical: mine.adoptedByPeriodical.map((p) => ({
            periodicalName: p.periodicalName,
            count: p.count,
          })),
        }
      : null,
    entries: entries.slice(0, ENTRY_LIMIT).map((e) => ({
      id: e.id,
      kind: e.kind,
      kindLabel: ENTRY_KIND_LABELS[e.kind],
      occurredAt: e.occurredAt.toISOString(),
      points: Number(e.points),
      explanation: e.explanation,
      reason: e.reason,
      itemId: e.itemId,
      manual: e.manual,
    })),
    entriesTruncated: entries.length > ENTRY_LIMIT,
    quotas: quotas.map((p) => ({ periodLabel: p.periodLabel, check: p.check })),
  };
}
