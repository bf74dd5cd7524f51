import { describe, expect, it } from 'vitest';
import {
  beijingMidnight,
  bucketRanges,
  periodBuckets,
  resolvePeriod,
  type PeriodSpec,
} from '../../src/server/modules/scoring/periods.js';

const DAY = 86_400_000;

function spec(s: PeriodSpec) {
  const p = resolvePeriod(s);
  if (!p) throw new Error('bad spec');
  return periodBuckets(p);
}

/** Every Beijing date of [from, to), as strings. */
function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += DAY)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The dates the buckets cover, whole years and months expanded: must be the period's dates, each once. */
function covered(b: ReturnType<typeof periodBuckets>): string[] {
  return [b.headDays, b.headMonths, b.years, b.tailMonths, b.tailDays]
    .flatMap((r) => dates(r.from, r.to))
    .sort();
}

const none = (at: string) => ({ from: at, to: at });
const range = (from: string, to: string) => ({ from, to });

describe('periodBuckets: whole years, the whole months beside them, the days at the edges', () => {
  it.each<[PeriodSpec, ReturnType<typeof periodBuckets>]>([
    [
      { kind: 'month', year: 2026, month: 10 },
      {
        years: none('2026-11-01'),
        headMonths: range('2026-10-01', '2026-11-01'),
        tailMonths: none('2026-11-01'),
        headDays: none('2026-10-01'),
        tailDays: none('2026-11-01'),
      },
    ],
    [
      { kind: 'month', year: 2026, month: 12 },
      {
        years: none('2027-01-01'),
        headMonths: range('2026-12-01', '2027-01-01'),
        tailMonths: none('2027-01-01'),
        headDays: none('2026-12-01'),
        tailDays: none('2027-01-01'),
      },
    ],
    [
      // A calendar year is one yearly bucket.
      { kind: 'year', year: 2026 },
      {
        years: range('2026-01-01', '2027-01-01'),
        headMonths: none('2026-01-01'),
        tailMonths: none('2027-01-01'),
        headDays: none('2026-01-01'),
        tailDays: none('2027-01-01'),
      },
    ],
    [
      { kind: 'quarter', year: 2026, quarter: 4 },
      {
        years: none('2027-01-01'),
        headMonths: range('2026-10-01', '2027-01-01'),
        tailMonths: none('2027-01-01'),
        headDays: none('2026-10-01'),
        tailDays: none('2027-01-01'),
      },
    ],
    [
      { kind: 'custom', from: '2026-10-05', to: '2026-10-20' },
      {
        years: none('2026-10-21'),
        headMonths: none('2026-10-21'),
        tailMonths: none('2026-10-21'),
        headDays: range('2026-10-05', '2026-10-21'),
        tailDays: none('2026-10-21'),
      },
    ],
    [
      // Leap day inside the head, then whole March–November, then December's first days.
      { kind: 'custom', from: '2028-02-28', to: '2028-12-03' },
      {
        years: none('2028-12-01'),
        headMonths: range('2028-03-01', '2028-12-01'),
        tailMonths: none('2028-12-01'),
        headDays: range('2028-02-28', '2028-03-01'),
        tailDays: range('2028-12-01', '2028-12-04'),
      },
    ],
    [
      // Across a year end, no whole month: days only.
      { kind: 'custom', from: '2026-12-15', to: '2027-01-20' },
      {
        years: none('2027-01-21'),
        headMonths: none('2027-01-21'),
        tailMonths: none('2027-01-21'),
        headDays: range('2026-12-15', '2027-01-21'),
        tailDays: none('2027-01-21'),
      },
    ],
    [
      // A month's last day through the next month's end: that whole month, one head day.
      { kind: 'custom', from: '2027-01-31', to: '2027-02-28' },
      {
        years: none('2027-03-01'),
        headMonths: range('2027-02-01', '2027-03-01'),
        tailMonths: none('2027-03-01'),
        headDays: range('2027-01-31', '2027-02-01'),
        tailDays: none('2027-03-01'),
      },
    ],
    [
      // Mid-March 2026 to mid-February 2028: days, months to the year end, 2027 whole, January, days.
      { kind: 'custom', from: '2026-03-15', to: '2028-02-10' },
      {
        years: range('2027-01-01', '2028-01-01'),
        headMonths: range('2026-04-01', '2027-01-01'),
        tailMonths: range('2028-01-01', '2028-02-01'),
        headDays: range('2026-03-15', '2026-04-01'),
        tailDays: range('2028-02-01', '2028-02-11'),
      },
    ],
    [
      // Two calendar years exactly.
      { kind: 'custom', from: '2026-01-01', to: '2027-12-31' },
      {
        years: range('2026-01-01', '2028-01-01'),
        headMonths: none('2026-01-01'),
        tailMonths: none('2028-01-01'),
        headDays: none('2026-01-01'),
        tailDays: none('2028-01-01'),
      },
    ],
    [
      { kind: 'custom', from: '2026-12-31', to: '2026-12-31' },
      {
        years: none('2027-01-01'),
        headMonths: none('2027-01-01'),
        tailMonths: none('2027-01-01'),
        headDays: range('2026-12-31', '2027-01-01'),
        tailDays: none('2027-01-01'),
      },
    ],
  ])('%j', (s, expected) => {
    expect(spec(s)).toEqual(expected);
  });

  it('covers every date of any custom range exactly once (starts over 2027–2029, lengths around months and years)', () => {
    const first = Date.parse('2027-11-20T00:00:00Z');
    const wrong: string[] = [];
    const days = (r: { from: string; to: string }) => dates(r.from, r.to).length;
    for (let s = 0; s < 500; s += 5) {
      for (const len of [1, 2, 28, 29, 30, 31, 32, 59, 61, 62, 365, 366, 400, 731, 800]) {
        const from = new Date(first + s * DAY).toISOString().slice(0, 10);
        const to = new Date(first + (s + len - 1) * DAY).toISOString().slice(0, 10);
        const end = new Date(first + (s + len) * DAY).toISOString().slice(0, 10);
        const b = spec({ kind: 'custom', from, to });
        const monthStart = (d: string) => d.endsWith('-01');
        const yearStart = (d: string) => d.endsWith('-01-01');
        const ok =
          covered(b).join() === dates(from, end).join() &&
          (days(b.years) === 0 || (yearStart(b.years.from) && yearStart(b.years.to))) &&
          [b.headMonths, b.tailMonths].every(
            (m) => days(m) === 0 || (monthStart(m.from) && monthStart(m.to)),
          ) &&
          (days(b.years) === 0 || (days(b.headMonths) < 366 && days(b.tailMonths) < 366)) &&
          (days(b.headMonths) + days(b.years) === 0 || (days(b.headDays) < 31 && days(b.tailDays) < 31));
        const rangeDates = bucketRanges(b)
          .flatMap(([, d, to]) => dates(d, to))
          .sort();
        if (!ok || rangeDates.join() !== dates(from, end).join()) wrong.push(`${from}..${to}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('as ranges: a year is one, a month one, a ragged range its days, months and years in order', () => {
    expect(bucketRanges(spec({ kind: 'year', year: 2026 }))).toEqual([['year', '2026-01-01', '2027-01-01']]);
    expect(bucketRanges(spec({ kind: 'month', year: 2026, month: 12 }))).toEqual([
      ['month', '2026-12-01', '2027-01-01'],
    ]);
    expect(bucketRanges(spec({ kind: 'custom', from: '2026-11-29', to: '2028-02-01' }))).toEqual([
      ['day', '2026-11-29', '2026-12-01'],
      ['month', '2026-12-01', '2027-01-01'],
      ['year', '2027-01-01', '2028-01-01'],
      ['month', '2028-01-01', '2028-02-01'],
      ['day', '2028-02-01', '2028-02-02'],
    ]);
  });

  it('every month of 2024–2029 (leap Februaries included) is one monthly bucket', () => {
    for (let year = 2024; year <= 2029; year++)
      for (let month = 1; month <= 12; month++) {
        const b = spec({ kind: 'month', year, month });
        expect(b.headMonths.from).toBe(`${year}-${String(month).padStart(2, '0')}-01`);
        expect(dates(b.headMonths.from, b.headMonths.to).length).toBe(
          new Date(Date.UTC(year, month, 0)).getUTCDate(),
        );
        expect(b.headDays.from).toBe(b.headDays.to);
        expect(b.tailDays.from).toBe(b.tailDays.to);
        expect(b.years.from).toBe(b.years.to);
      }
  });

  it('refuses bounds that are not midnight Beijing time', () => {
    const start = beijingMidnight(2026, 10, 1);
    expect(() => periodBuckets({ start: new Date(start.getTime() + 3600_000), end: start })).toThrow();
    expect(
      () => periodBuckets({ start, end: new Date(Date.UTC(2026, 9, 31)) }), // UTC midnight, 08:00 in Beijing
    ).toThrow();
    expect(periodBuckets({ start, end: start }).headDays).toEqual({ from: '2026-10-01', to: '2026-10-01' });
  });
});
