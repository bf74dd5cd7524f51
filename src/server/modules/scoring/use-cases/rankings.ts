import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { abilities } from '../../../policy/authorize.js';
import { resolvePeriod, type PeriodSpec } from '../periods.js';
import { hubWithRules } from '../repo.js';
import { laggingUnits } from './quotas.js';
import { unitStats } from './stats.js';

function periodOr400(spec: PeriodSpec) {
  const period = resolvePeriod(spec);
  if (!period) throw invalid('period', '统计期间无效');
  return period;
}

/** 排名 among the units a hub evaluates over a period (sql/unit-stats.sql). */
export async function rankings(ctx: UseCaseContext, hubId: string, spec: PeriodSpec) {
  const {
    hub,
    rules: { rules },
  } = await hubWithRules(ctx, hubId, 'view');
  const period = periodOr400(spec);
  const rows = await unitStats(ctx.tx, hubId, rules, period);
  return {
    hub: { id: hub.id, name: hub.name },
    period: {
      kind: period.kind,
      label: period.label,
      start: period.start.toISOString(),
      end: period.end.toISOString(),
    },
    periodicals:
      rows[0]?.adoptedByPeriodical.map((p) => ({
        periodicalId: p.periodicalId,
        periodicalName: p.periodicalName,
      })) ?? [],
    annualZeroingApplied: period.isYear && rules.missedSolicitationsZeroAt > 0,
    rows,
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
  const period = periodOr400(spec);
  const stats = await unitStats(ctx.tx, hubId, rules, period);
  return {
    hub: { id: hub.id, name: hub.name },
    period: { label: period.label, start: period.start.toISOString(), end: period.end.toISOString() },
    rows: await laggingUnits(ctx, hubId, period, stats),
  };
}
