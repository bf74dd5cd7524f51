import { describe, expect, it } from 'vitest';
import {
  hundredths,
  rankingWindow,
  rankUnits,
  type UnitFigures,
} from '../../src/server/modules/scoring/ranking.js';
import { unitFigures } from '../helpers/unit-figures.js';

let seq = 0;
/** A unit's figures; ids in creation order unless given, `points` its ledger sum. */
function unit(f: Partial<UnitFigures> & { points?: string | number }): UnitFigures {
  const { points, ...rest } = f;
  return unitFigures({
    org_id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
    ...rest,
    ledger_points: f.ledger_points ?? points ?? '0',
  });
}

describe('hundredths: a decimal at 2 places, half away from zero, exactly', () => {
  it.each([
    ['1.005', 101n],
    ['-1.005', -101n],
    ['1.0049', 100n],
    ['2.5', 250n],
    ['0.0049', 0n],
    ['0.0050', 1n],
    ['-0.0050', -1n],
    ['12', 1200n],
    ['.5', 50n],
    ['3.3334', 333n],
    ['123456789012.9950', 12345678901300n],
    [3.3334, 333n],
    [-2.675, -268n],
    [0, 0n],
  ])('%s', (value, want) => expect(hundredths(value)).toBe(want));

  it.each(['', 'abc', '1.2.3', '-', '1e5'])('refuses %j', (value) =>
    expect(() => hundredths(value)).toThrow(),
  );
});

describe('rankUnits: competition ranks by points at 2 decimals, then the order shown', () => {
  it.each([
    { pts: [10, 8, 8, 5], ranks: [1, 2, 2, 4], tied: [false, true, true, false] },
    { pts: [0, 0, 0], ranks: [1, 1, 1], tied: [true, true, true] },
    { pts: ['3.3334', '3.3333', '1'], ranks: [1, 1, 3], tied: [true, true, false] },
    { pts: [5, -2, 7], ranks: [2, 3, 1], tied: [false, false, false] },
    { pts: [9, 9, 4, 4, 1], ranks: [1, 1, 3, 3, 5], tied: [true, true, true, true, false] },
    { pts: ['1.005', '1.01', '1.0049'], ranks: [1, 1, 3], tied: [true, true, false] },
  ])('$pts', ({ pts, ranks, tied }) => {
    const units = pts.map((points) => unit({ points }));
    const ranked = rankUnits(units);
    const of = (u: UnitFigures) => ranked.rows.find((r) => r.org_id === u.org_id)!;
    expect(units.map((u) => of(u).rank)).toEqual(ranks);
    expect(units.map((u) => of(u).tied)).toEqual(tied);
  });

  it('a zeroed unit ranks with 0 points, whatever its ledger says', () => {
    const zeroed = unit({ points: '50', zeroed: true });
    const ranked = rankUnits([unit({ points: '3' }), zeroed, unit({ points: '0' })]);
    const z = ranked.rows.find((r) => r.org_id === zeroed.org_id)!;
    expect([z.points, z.rank, z.tied]).toEqual(['0', 2, true]);
  });

  it('orders a shared rank by adopted, submitted, the tree’s order, then id', () => {
    const a = unit({ org_id: 'b0000000-0000-4000-8000-000000000000', points: 5, adopted: 1 });
    const b = unit({ org_id: 'a0000000-0000-4000-8000-000000000000', points: 5, adopted: 2 });
    const c = unit({ org_id: 'c0000000-0000-4000-8000-000000000000', points: 5, adopted: 1, submitted: 3 });
    const d = unit({ org_id: 'd0000000-0000-4000-8000-000000000000', points: 5, adopted: 1, sort_order: -1 });
    const e = unit({ org_id: '00000000-0000-4000-8000-00000000000f', points: 5, adopted: 1 });
    const top = unit({ points: 6 });
    const ranked = rankUnits([a, b, c, d, e, top]);
    expect(ranked.rows.map((r) => r.org_id)).toEqual([top, b, c, d, e, a].map((u) => u.org_id));
    expect(ranked.rows.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('places by submissions and by adoptions, ties by position; sums every unit', () => {
    const units = [
      unit({ points: 9, submitted: 1, adopted: 0, submitted_county: 1, instructions: 2 }),
      unit({ points: 8, submitted: 5, adopted: 2, submitted_city: 5, adoptions: 3 }),
      unit({
        points: 7,
        submitted: 5,
        adopted: 2,
        submitted_province: 3,
        submitted_national: 2,
        adoptions: 2,
      }),
    ];
    const ranked = rankUnits(units);
    expect(ranked.rows.map((r) => [r.position, r.by_submitted, r.by_adopted])).toEqual([
      [1, 3, 3],
      [2, 1, 1],
      [3, 2, 2],
    ]);
    expect(ranked.totals).toEqual({
      units: 3,
      total_county: 1,
      total_city: 5,
      total_province: 3,
      total_national: 2,
      total_submitted: 11,
      total_adopted: 4,
      total_adoptions: 5,
      total_instructions: 2,
    });
    expect(rankUnits([]).totals.units).toBe(0);
  });

  it('agrees with the definitions on random hubs (rank = 1 + units ahead; positions a sorted permutation)', () => {
    let a = 7;
    const rand = (n: number) => {
      a = (a * 1_103_515_245 + 12_345) % 2 ** 31;
      return a % n;
    };
    for (let round = 0; round < 200; round++) {
      const units = Array.from({ length: 1 + rand(40) }, () =>
        unit({
          points: `${rand(3) - 1 < 0 ? '-' : ''}${rand(6)}.${String(rand(10_000)).padStart(4, '0')}`,
          zeroed: rand(10) === 0,
          adopted: rand(4),
          submitted: rand(5),
          sort_order: rand(3),
        }),
      );
      const { rows } = rankUnits(units);
      const key = (r: (typeof rows)[number]) => hundredths(r.points);
      for (const r of rows) {
        expect(r.rank).toBe(1 + rows.filter((o) => key(o) > key(r)).length);
        expect(r.tied).toBe(rows.some((o) => o !== r && key(o) === key(r)));
      }
      expect(rows.map((r) => r.position)).toEqual(rows.map((_, i) => i + 1));
      for (let i = 1; i < rows.length; i++) {
        const [p, q] = [rows[i - 1]!, rows[i]!];
        const order = [
          p.rank - q.rank,
          q.adopted - p.adopted,
          q.submitted - p.submitted,
          p.sort_order - q.sort_order,
          p.org_id < q.org_id ? -1 : 1,
        ].find((d) => d !== 0);
        expect(order).toBeLessThan(0);
      }
      expect(new Set(rows.map((r) => r.by_submitted)).size).toBe(rows.length);
    }
  });
});

describe('rankingWindow: the page and the chart’s leaders', () => {
  const units = Array.from({ length: 10 }, (_, i) => unit({ points: 100 - i, submitted: i, adopted: i % 3 }));
  const ranking = rankUnits(units);

  it('returns the page’s positions and the leaders by each measure, in position order, with the sums', () => {
    const rows = rankingWindow(ranking, { offset: 4, limit: 2, leaders: 1 });
    // Page: positions 5 and 6; leaders: position 1, most submitted (position 10), most adopted (position 3).
    expect(rows.map((r) => [r.position, r.in_page])).toEqual([
      [1, false],
      [3, false],
      [5, true],
      [6, true],
      [10, false],
    ]);
    expect(rows.every((r) => r.units === 10 && r.total_submitted === 45)).toBe(true);
  });

  it('past the last page: the leaders only; every row with the widest window', () => {
    expect(rankingWindow(ranking, { offset: 20, limit: 10, leaders: 0 })).toEqual([]);
    expect(rankingWindow(ranking, { offset: 0, limit: 2_147_483_647, leaders: 0 })).toHaveLength(10);
  });
});
