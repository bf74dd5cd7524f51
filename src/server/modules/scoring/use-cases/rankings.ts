import type { UseCaseContext } from '../../../http/context.js';
import { abilities } from '../../../policy/authorize.js';
import type { PeriodSpec } from '../periods.js';
import { hubWithRules } from '../repo.js';
import { laggingUnits } from './quotas.js';
import { requestedPeriod } from './requested-period.js';
import { rankingPage, unitStats, type RankingCache } from './stats.js';

/** How many units the ranking chart shows for each measure. */
const CHART_LEADERS = 15;

/**
 * 排名 among the units a hub evaluates over a period (sql/unit-figures.sql, ranking.ts): one page of the ranked units
 * with the sums over all of them and the chart's leaders; without `page`, every unit (the Excel export).
 * The ranked rows come from `cache` when it holds them (reading requests only: `ctx.tx` must not be a
 * transaction that wrote); who may see them is decided on every request.
 */
export async function rankings(
  ctx: UseCaseContext,
  hubId: string,
  spec: PeriodSpec,
  page?: { page: number; pageSize: number },
  cache: RankingCache | null = null,
) {
  const {
    hub,
    rules: { rules },
  } = await hubWithRules(ctx, hubId, 'view');
  const period = requestedPeriod(spec);
  const ranked = await rankingPage(ctx.tx, hubId, rules, period, page ?? null, CHART_LEADERS, cache);
  return {
    hub: { id: hub.id, name: hub.name },
    period: {
      kind: period.kind,
      label: period.label,
      start: period.start.toISOString(),
      end: period.end.toISOString(),
    },
    annualZeroingApplied: period.isYear && rules.missedSolicitationsZeroAt > 0,
    ...ranked,
    abilities: abilities(
      ctx.actor,
      'scoring',
      ['edit_rules', 'add_entry', 'compose_notice', 'manage_quotas'],
      { hubId },
    ),
  };
}

/** 信息报送滞后单位 of a hub over a period. */
export async function lagging(ctx: UseCaseContext, hubId: string, spec: PeriodSpec) {
  const {
    hub,
    rules: { rules },
  } = await hubWithRules(ctx, hubId, 'view');
  const period = requestedPeriod(spec);
  const stats = await unitStats(ctx.tx, hubId, rules, period);
  return {
    hub: { id: hub.id, name: hub.name },
    period: { label: period.label, start: period.start.toISOString(), end: period.end.toISOString() },
    rows: await laggingUnits(ctx, hubId, period, stats),
  };
}
