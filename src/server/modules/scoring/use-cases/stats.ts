import { inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../db/client.js';
import { CACHE_CHANNELS } from '../../../db/cache-channels.js';
import { heavyGate } from '../../../http/gate.js';
import { ORG_KIND_LABELS, type OrgKind } from '../../orgs/domain.js';
import { periodicals } from '../../periodicals/schema.js';
import type { FiguresReader } from '../figures-cache.js';
import type { ScoringRules, TargetLevel } from '../domain.js';
import { bucketRanges, periodBuckets, type Period } from '../periods.js';
import {
  rankingWindow,
  rankUnits,
  type Ranking,
  type RowWindow,
  type UnitFigures,
  type WindowRow,
} from '../ranking.js';
import { adoptionRate, round2 } from '../rules.js';
import { evaluatedUnitIds } from '../repo.js';
import type { Rankings } from '../schemas.js';
import { runNamed, runPrepared } from '../sql.js';

/** A row as presented: a unit's figures and places (ranking.ts), or the reference query's (ledger source). */
type UnitStatsRow = UnitFigures & { points: string | number; rank: number; tied: boolean };

/** A row of a ranking page: the unit's figures, places, the sums over every unit, whether the page shows it. */
export type RankedRow = WindowRow;

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

const SOURCES = { aggregates: 'unit-figures', ledger: 'unit-stats-source' } as const;
type StatsSource = keyof typeof SOURCES;

const EVERY_ROW: RowWindow = { offset: 0, limit: 2_147_483_647, leaders: 0 };

/**
 * Every evaluated unit's figures and rank for a period (sql/unit-figures.sql, one query over the
 * pre-aggregated buckets, names included, ranked by ranking.ts), with periodical labels joined
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
  const rows: UnitStatsRow[] =
    source === 'ledger'
      ? // The reference of the consistency checks: planned per call, ranked by SQL's window functions.
        await runNamed<UnitStatsRow>(tx, SOURCES.ledger, {
          ...statsParams(hubId, rules, period),
          unitIds: JSON.stringify([...(await evaluatedUnitIds(tx, hubId))]),
        })
      : await rankedRows(tx, hubId, rules, period, EVERY_ROW, cache);
  const { present } = await presenter(tx, rules);
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
 * A ranking a reading request's cache cannot answer (a ranking page's, a unit's standing's) is computed at
 * most one per core at a time, the others waiting in arrival order (http/gate.ts): sixteen readers of a
 * 2,000-unit hub's year otherwise share the cores until some wait several times as long as the rest.
 */
const rankingComputations = heavyGate('正在计算的排名较多，请稍后重试');

/**
 * One page of the ranking (every unit when `page` is null), the sums over every unit and the chart's
 * leaders: every unit ranked (ranking.ts), the page and the leaders returned.
 */
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
  const rows = await rankedRows(tx, hubId, rules, period, window, cache);
  const { present, periodicals } = await presenter(tx, rules);
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
 * How reading requests get a ranking (figures-cache.ts): computed for each reader, shared by the readers of
 * one ranking who ask while a computation is due (SharedComputations, the cache turned off), or kept between
 * reading requests as the units' figures (FiguresCache): a unit's figures come from the hub's ledger and the
 * unit's hops and name, and every change to them writes
 * `zx_scoring` on the change feed (drizzle/0024, 0028, 0029) naming the unit, the hub and unit, the hub, or
 * `*` when the tree changed (which units a hub evaluates, a unit's name or level).
 */
export type RankingCache = FiguresReader<UnitFigures, Ranking>;

/** The channel the scoring triggers write (drizzle/0024_ranking_cache_invalidation.sql, 0028, 0029). */
export const SCORING_CHANNEL = CACHE_CHANNELS.rankings;

/** The statistics' parameters of a hub's period: what a kept ranking is keyed by. */
function statsParams(hubId: string, rules: ScoringRules, period: Period) {
  return {
    // As the feed names it (uuid text is lower case): a request may spell the id in capitals.
    hubId: hubId.toLowerCase(),
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    bucketRanges: JSON.stringify(bucketRanges(periodBuckets(period))),
    isYear: period.isYear,
    zeroAt: rules.missedSolicitationsZeroAt,
  };
}

/**
 * The rows of `window` of the hub's ranking (ranking.ts) from its units' figures (sql/unit-figures.sql):
 * kept in `cache` and refreshed unit by unit, or computed now. A reading request's (the one that passes
 * `cache`) computes through `rankingComputations`, whichever page asks — readers of a ranking page and of a
 * unit's standing may share one computation (figures-cache.ts), so it is limited alike for all of them — and
 * waits there before it holds a connection; a transaction's (notices, quotas, exports) is not gated: it
 * already holds one.
 */
async function rankedRows(
  tx: Db,
  hubId: string,
  rules: ScoringRules,
  period: Period,
  window: RowWindow,
  cache: RankingCache | null,
): Promise<RankedRow[]> {
  const params = statsParams(hubId, rules, period);
  // Prepared (sql.ts runPrepared): its generic plan was measured on the 1M-item province as good as the
  // custom one or better for the province, a city and a county hub, a month and a year (2–7 ms), once the
  // repeated-item steps start from the counters' partial indexes; planning alone had cost 3 ms a call. The
  // same plan serves the few units a change named (figures-cache.ts).
  const figuresOf = async (unitIds: Iterable<string>) => {
    const rows = await runPrepared<UnitFigures>(tx, SOURCES.aggregates, {
      ...params,
      unitIds: JSON.stringify([...unitIds]),
    });
    return new Map(rows.map((r) => [r.org_id, r]));
  };
  const everyUnit = async () => figuresOf(await evaluatedUnitIds(tx, params.hubId));
  const all = cache ? () => rankingComputations.run(everyUnit) : everyUnit;
  const ranking = cache
    ? await cache.read(JSON.stringify(params), params.hubId, { all, units: figuresOf })
    : rankUnits((await all()).values());
  return rankingWindow(ranking, window);
}

/** Each unit's figures and place as the statistics show them, with the counted periodicals' names. */
async function presenter(
  tx: Db,
  rules: ScoringRules,
): Promise<{ present: (r: UnitStatsRow) => UnitStats; periodicals: RankingPage['periodicals'] }> {
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
  return { present, periodicals: periodicalList };
}
