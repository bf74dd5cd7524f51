import { inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { ORG_KIND_LABELS, type OrgKind } from '../../orgs/domain.js';
import { periodicals } from '../../periodicals/schema.js';
import type { ScoringRules, TargetLevel } from '../domain.js';
import { periodBuckets, type Period } from '../periods.js';
import { adoptionRate, round2 } from '../rules.js';
import { evaluatedUnitIds } from '../repo.js';
import { runNamed, runPrepared } from '../sql.js';

interface UnitStatsRow {
  org_id: string;
  org_kind: OrgKind;
  org_name: string;
  org_short_name: string;
  is_hub: boolean;
  submitted_county: number;
  submitted_city: number;
  submitted_province: number;
  submitted_national: number;
  submitted: number;
  adopted: number;
  adoptions: number;
  adopted_of_submitted: number;
  by_periodical: Record<string, number>;
  instructions: number;
  missed_solicitations: number;
  ledger_points: string | number;
  zeroed: boolean;
  points: string | number;
  rank: number;
  tied: boolean;
}

export interface UnitStats {
  orgId: string;
  orgName: string;
  orgShortName: string;
  orgKind: OrgKind;
  orgKindLabel: string;
  isHub: boolean;
  submittedByLevel: Record<TargetLevel, number>;
  submitted: number;
  adopted: number;
  /** 篇次: every counted adoption, several periodicals adding up. */
  adoptions: number;
  adoptedOfSubmitted: number;
  adoptionRate: number | null;
  adoptedByPeriodical: { periodicalId: string; periodicalName: string; count: number }[];
  instructions: number;
  missedSolicitations: number;
  ledgerPoints: number;
  points: number;
  zeroed: boolean;
  rank: number;
  tied: boolean;
}

/**
 * Every evaluated unit's figures and rank for a period (sql/unit-stats.sql, one query over the
 * pre-aggregated buckets with window functions, names included), with periodical labels joined
 * afterwards by id. `source: 'ledger'` computes the same from the ledger and hops alone (sql/unit-stats-source.sql), the
 * reference the consistency tests compare with.
 */
const SOURCES = { aggregates: 'unit-stats', ledger: 'unit-stats-source' } as const;

export async function unitStats(
  tx: Db,
  hubId: string,
  rules: ScoringRules,
  period: Period,
  source: 'aggregates' | 'ledger' = 'aggregates',
): Promise<UnitStats[]> {
  const units = await evaluatedUnitIds(tx, hubId);
  const b = periodBuckets(period);
  // Prepared (sql.ts runPrepared): its generic plan was measured on the 1M-item province as good as the
  // custom one or better for the province, a city and a county hub, a month and a year (2–7 ms), once the
  // repeated-item steps start from the counters' partial indexes; planning alone had cost 3 ms a call.
  // The reference query of the consistency checks is planned per call.
  const rows = await (source === 'ledger' ? runNamed : runPrepared)<UnitStatsRow>(tx, SOURCES[source], {
    hubId,
    unitIds: JSON.stringify([...units]),
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    monthFrom: b.months.from,
    monthTo: b.months.to,
    headFrom: b.headDays.from,
    headTo: b.headDays.to,
    tailFrom: b.tailDays.from,
    tailTo: b.tailDays.to,
    isYear: period.isYear,
    zeroAt: rules.missedSolicitationsZeroAt,
  });
  const pIds = rules.periodicals.map((p) => p.periodicalId);
  const pRows = pIds.length
    ? await tx
        .select({ id: periodicals.id, name: periodicals.name })
        .from(periodicals)
        .where(inArray(periodicals.id, pIds))
    : [];
  const pName = new Map(pRows.map((p) => [p.id, p.name]));
  return rows.map((r) => ({
    orgId: r.org_id,
    orgName: r.org_name,
    orgShortName: r.org_short_name,
    orgKind: r.org_kind,
    orgKindLabel: ORG_KIND_LABELS[r.org_kind],
    isHub: r.is_hub,
    submittedByLevel: {
      county: Number(r.submitted_county),
      city: Number(r.submitted_city),
      province: Number(r.submitted_province),
      national: Number(r.submitted_national),
    },
    submitted: Number(r.submitted),
    adopted: Number(r.adopted),
    adoptions: Number(r.adoptions),
    adoptedOfSubmitted: Number(r.adopted_of_submitted),
    adoptionRate: adoptionRate(Number(r.adopted_of_submitted), Number(r.submitted)),
    adoptedByPeriodical: pIds.map((id) => ({
      periodicalId: id,
      periodicalName: pName.get(id) ?? '',
      count: Number(r.by_periodical[id] ?? 0),
    })),
    instructions: Number(r.instructions),
    missedSolicitations: Number(r.missed_solicitations),
    ledgerPoints: round2(Number(r.ledger_points)),
    points: round2(Number(r.points)),
    zeroed: r.zeroed,
    rank: Number(r.rank),
    tied: r.tied,
  }));
}
