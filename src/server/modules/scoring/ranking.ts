/**
 * 排名: the order of a hub's units over a period, from each unit's figures (sql/unit-figures.sql). Pure: the
 * same figures rank the same way whether they were computed now, kept (use-cases/figures-cache.ts) or partly
 * refreshed after a change named some units.
 *
 * - points: the ledger sum (4 decimals, the ledger's scale), 0 when the year's rule zeroed the unit;
 * - rank / tied: standard competition ranking (1, 2, 2, 4) by points compared at the 2 decimals people see,
 *   rounded half away from zero as PostgreSQL rounds numeric; tied when the rank is shared;
 * - position: 1, 2 … in the order shown: rank, then adopted, then submitted (more first), then the units'
 *   order in the tree, then id;
 * - by_submitted / by_adopted: the places in the chart's two other orders (ties by position);
 * - the sums over every unit, carried on each row returned.
 * The reference ranking from the ledger alone (sql/unit-stats-source.sql) ranks with SQL window functions;
 * the consistency tests compare the two.
 */

import type { OrgKind } from '../orgs/domain.js';

/** One unit's figures for a period (sql/unit-figures.sql, one row per evaluated unit). */
export interface UnitFigures {
  org_id: string;
  org_kind: OrgKind;
  org_name: string;
  org_short_name: string;
  is_hub: boolean;
  sort_order: number;
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
  /** numeric: a decimal string from the drivers (a number only from hand-built rows). */
  ledger_points: string | number;
  zeroed: boolean;
}

/** A unit's figures with its places. */
export type PlacedUnit<F extends UnitFigures = UnitFigures> = F & {
  /** The points ranked: the ledger sum, or '0' when zeroed. */
  points: string;
  rank: number;
  tied: boolean;
  position: number;
  by_submitted: number;
  by_adopted: number;
};

export interface RankingTotals {
  units: number;
  total_county: number;
  total_city: number;
  total_province: number;
  total_national: number;
  total_submitted: number;
  total_adopted: number;
  total_adoptions: number;
  total_instructions: number;
}

/** Every unit in position order, and the sums over them all. */
export interface Ranking<F extends UnitFigures = UnitFigures> {
  rows: PlacedUnit<F>[];
  totals: RankingTotals;
}

/** Which rows a page of the ranking shows: positions (offset, offset + limit] and the `leaders` first by
 * points, submissions and adoptions (the chart). */
export interface RowWindow {
  offset: number;
  limit: number;
  leaders: number;
}

export type WindowRow<F extends UnitFigures = UnitFigures> = PlacedUnit<F> &
  RankingTotals & { in_page: boolean };

const DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/**
 * A decimal's value in hundredths, rounded half away from zero (PostgreSQL's round(numeric, 2)), exactly:
 * 1.005 is 101, where binary floating point makes 1.005 × 100 = 100.49999….
 */
export function hundredths(value: string | number): bigint {
  const text = typeof value === 'number' ? value.toFixed(6) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal: ${String(value)}`);
  const fraction = m[3] ?? '';
  const kept = BigInt((m[2] || '0') + fraction.padEnd(2, '0').slice(0, 2));
  const magnitude = kept + ((fraction[2] ?? '0') >= '5' ? 1n : 0n);
  return m[1] === '-' ? -magnitude : magnitude;
}

/** PostgreSQL's uuid order (bytes, as memcmp) is the order of their lower-case text. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The units ranked and positioned, with the sums over them (see the module's comment). */
export function rankUnits<F extends UnitFigures>(figures: Iterable<F>): Ranking<F> {
  const scored = [...figures].map((f) => {
    const points = f.zeroed ? '0' : String(f.ledger_points);
    return { f, points, key: hundredths(points), rank: 0, tied: false };
  });
  // Competition ranks: by points at 2 decimals, more first.
  scored.sort((a, b) => (a.key === b.key ? 0 : a.key > b.key ? -1 : 1));
  for (let i = 0; i < scored.length;) {
    let j = i + 1;
    while (j < scored.length && scored[j]!.key === scored[i]!.key) j++;
    for (let k = i; k < j; k++) {
      scored[k]!.rank = i + 1;
      scored[k]!.tied = j - i > 1;
    }
    i = j;
  }
  scored.sort(
    (a, b) =>
      a.rank - b.rank ||
      b.f.adopted - a.f.adopted ||
      b.f.submitted - a.f.submitted ||
      a.f.sort_order - b.f.sort_order ||
      compareIds(a.f.org_id, b.f.org_id),
  );
  const rows: PlacedUnit<F>[] = scored.map((s, i) => ({
    ...s.f,
    points: s.points,
    rank: s.rank,
    tied: s.tied,
    position: i + 1,
    by_submitted: 0,
    by_adopted: 0,
  }));
  // Already in position order: a stable sort by the measure leaves ties by position.
  [...rows].sort((a, b) => b.submitted - a.submitted).forEach((r, i) => (r.by_submitted = i + 1));
  [...rows].sort((a, b) => b.adopted - a.adopted).forEach((r, i) => (r.by_adopted = i + 1));
  const totals: RankingTotals = {
    units: rows.length,
    total_county: 0,
    total_city: 0,
    total_province: 0,
    total_national: 0,
    total_submitted: 0,
    total_adopted: 0,
    total_adoptions: 0,
    total_instructions: 0,
  };
  for (const r of rows) {
    totals.total_county += r.submitted_county;
    totals.total_city += r.submitted_city;
    totals.total_province += r.submitted_province;
    totals.total_national += r.submitted_national;
    totals.total_submitted += r.submitted;
    totals.total_adopted += r.adopted;
    totals.total_adoptions += r.adoptions;
    totals.total_instructions += r.instructions;
  }
  return { rows, totals };
}

/** The rows a page shows (`in_page`) and the chart's leaders, in position order, each with the sums. */
export function rankingWindow<F extends UnitFigures>(ranking: Ranking<F>, window: RowWindow): WindowRow<F>[] {
  const { offset, limit, leaders } = window;
  const out: WindowRow<F>[] = [];
  for (const r of ranking.rows) {
    const inPage = r.position > offset && r.position <= offset + limit;
    if (inPage || r.position <= leaders || r.by_submitted <= leaders || r.by_adopted <= leaders)
      out.push({ ...r, ...ranking.totals, in_page: inPage });
  }
  return out;
}
