import { inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../db/client.js';
import { CACHE_CHANNELS, type NotifiedCache } from '../../../db/notified-cache.js';
import { heavyGate, type Gate } from '../../../http/gate.js';
import { ORG_KIND_LABELS, type OrgKind } from '../../orgs/domain.js';
import { periodicals } from '../../periodicals/schema.js';
import type { ScoringRules, TargetLevel } from '../domain.js';
import { bucketRanges, periodBuckets, type Period } from '../periods.js';
import { adoptionRate, round2 } from '../rules.js';
import { evaluatedUnitIds } from '../repo.js';
import type { Rankings } from '../schemas.js';
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

/** What unit-stats.sql adds to each row: its place, the chart's orders and the sums over every unit. */
export interface RankedRow extends UnitStatsRow {
  position: number;
  by_submitted: number;
  by_adopted: number;
  units: number;
  total_county: number;
  total_city: number;
  total_province: number;
  total_national: number;
  total_submitted: number;
  total_adopted: number;
  total_adoptions: number;
  total_instructions: number;
  in_page: boolean;
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

/** Which rows of the ranking a query returns (sql/unit-stats.sql): positions (offset, offset + limit] and
 * the `leaders` first by points, submissions and adoptions. */
interface RowWindow {
  offset: number;
  limit: number;
  leaders: number;
}

const SOURCES = { aggregates: 'unit-stats', ledger: 'unit-stats-source' } as const;
type StatsSource = keyof typeof SOURCES;

const EVERY_ROW: RowWindow = { offset: 0, limit: 2_147_483_647, leaders: 0 };

/**
 * Every evaluated unit's figures and rank for a period (sql/unit-stats.sql, one query over the
 * pre-aggregated buckets with window functions, names included), with periodical labels joined
 * afterwards by id. `source: 'ledger'` computes the same from the ledger and hops alone (sql/unit-stats-source.sql), the
 * reference the consistency tests compare with. `cache`: reading requests only (see `RankingCache`).
 */
export async function unitStats(
  tx: Db,
  hubId: string,
  rules: ScoringRules,
  period: Period,
  source: StatsSource = 'aggregates',
  cache: RankingCache | null = null,
): Promise<UnitStats[]> {
  const { rows, present } = await statsRows(tx, hubId, rules, period, source, EVERY_ROW, cache);
  return rows.map(present);
}

/**
 * One page of a ranking with the sums over every unit and the chart's leaders: the answer's own parts
 * (schemas.ts `Rankings`), rows as the statistics present them.
 */
export type RankingPage = Pick<z.infer<typeof Rankings>, 'periodicals' | 'page' | 'summary' | 'leaders'> & {
  rows: UnitStats[];
};

/**
 * One page of the ranking (every unit when `page` is null), the sums over every unit and the chart's
 * leaders, from one statement: the database ranks every unit and returns the page and the leaders only.
 */
/**
 * A ranking page the cache cannot answer is computed at most one per core at a time, the others waiting in
 * arrival order (http/gate.ts): sixteen readers of a 2,000-unit hub's year otherwise share the cores until
 * some wait several times as long as the rest.
 */
const rankingComputations = heavyGate('正在计算的排名较多，请稍后重试');

export async function rankingPage(
  tx: Db,
  hubId: string,
  rules: ScoringRules,
  period: Period,
  page: { page: number; pageSize: number } | null,
  leaders: number,
  cache: RankingCache | null = null,
): Promise<RankingPage> {
  const window = page
    ? { offset: (page.page - 1) * page.pageSize, limit: page.pageSize, leaders }
    : { ...EVERY_ROW, leaders };
  const { rows, present, periodicals } = await statsRows(
    tx,
    hubId,
    rules,
    period,
    'aggregates',
    window,
    cache,
    rankingComputations,
  );
  const first = rows[0];
  const total = first?.units ?? 0;
  const leadersBy = (key: 'position' | 'by_submitted' | 'by_adopted', value: (r: RankedRow) => number) =>
    rows
      .filter((r) => r[key] <= leaders)
      .sort((a, b) => a[key] - b[key])
      .map((r) => ({ orgId: r.org_id, label: r.org_short_name || r.org_name, value: value(r) }));
  return {
    periodicals,
    rows: rows.filter((r) => r.in_page).map(present),
    page: page ? { ...page, total } : { page: 1, pageSize: total, total },
    summary: {
      units: total,
      submittedByLevel: {
        county: first?.total_county ?? 0,
        city: first?.total_city ?? 0,
        province: first?.total_province ?? 0,
        national: first?.total_national ?? 0,
      },
      submitted: first?.total_submitted ?? 0,
      adopted: first?.total_adopted ?? 0,
      adoptions: first?.total_adoptions ?? 0,
      instructions: first?.total_instructions ?? 0,
    },
    leaders: {
      points: leadersBy('position', (r) => round2(Number(r.points))),
      submitted: leadersBy('by_submitted', (r) => r.submitted),
      adopted: leadersBy('by_adopted', (r) => r.adopted),
    },
  };
}

/**
 * Ranked rows of the hubs' rankings kept between reading requests (db/notified-cache.ts): a row's figures
 * come from the hub's ledger and its units' hops and names, and every change to them notifies
 * `zx_scoring` (drizzle/0024_ranking_cache_invalidation.sql) with the hub's or the unit's id, or `*` when
 * the tree changed (which units a hub evaluates, a unit's name or level).
 */
export type RankingCache = NotifiedCache<RankedRow[]>;

/** The channel the scoring triggers notify (drizzle/0024_ranking_cache_invalidation.sql). */
export const SCORING_CHANNEL = CACHE_CHANNELS.rankings;

async function statsRows(
  tx: Db,
  hubId: string,
  rules: ScoringRules,
  period: Period,
  source: StatsSource,
  window: RowWindow,
  cache: RankingCache | null = null,
  /** Computations through here wait their turn (a ranking page, read outside any transaction). */
  gate: Gate | null = null,
): Promise<{
  rows: RankedRow[];
  present: (r: UnitStatsRow) => UnitStats;
  periodicals: RankingPage['periodicals'];
}> {
  const params = {
    hubId,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    bucketRanges: JSON.stringify(bucketRanges(periodBuckets(period))),
    isYear: period.isYear,
    zeroAt: rules.missedSolicitationsZeroAt,
    ...window,
  };
  const computeNow = async () => {
    const units = await evaluatedUnitIds(tx, hubId);
    // Prepared (sql.ts runPrepared): its generic plan was measured on the 1M-item province as good as the
    // custom one or better for the province, a city and a county hub, a month and a year (2–7 ms), once the
    // repeated-item steps start from the counters' partial indexes; planning alone had cost 3 ms a call.
    // The reference query of the consistency checks is planned per call (and returns every row).
    const value = await (source === 'ledger' ? runNamed : runPrepared)<RankedRow>(tx, SOURCES[source], {
      ...params,
      unitIds: JSON.stringify([...units]),
    });
    // The hub (its ledger) and every unit it evaluates (their hops, names): what a notification names.
    return { value, subjects: [hubId, ...units] };
  };
  const compute = gate ? () => gate.run(computeNow) : computeNow;
  const rows =
    cache && source === 'aggregates'
      ? await cache.read(JSON.stringify(params), compute)
      : (await compute()).value;
  const pIds = rules.periodicals.map((p) => p.periodicalId);
  const pRows = pIds.length
    ? await tx
        .select({ id: periodicals.id, name: periodicals.name })
        .from(periodicals)
        .where(inArray(periodicals.id, pIds))
    : [];
  const pName = new Map(pRows.map((p) => [p.id, p.name]));
  const present = (r: UnitStatsRow): UnitStats => ({
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
  });
  const periodicalList = pIds.map((id) => ({ periodicalId: id, periodicalName: pName.get(id) ?? '' }));
  return { rows, present, periodicals: periodicalList };
}
