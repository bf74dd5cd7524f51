import { describe, expect, it } from 'vitest';
import {
  beijingMidnight,
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

/** The dates the buckets cover, whole months expanded: must be the period's dates, each once. */
function covered(b: ReturnType<typeof periodBuckets>): string[] {
  const months = dates(b.months.from, b.months.to);
  return [
    ...dates(b.headDays.from, b.headDays.to),
    ...months,
    ...dates(b.tailDays.from, b.tailDays.to),
  ].sort();
}

describe('periodBuckets: whole months plus the days at the edges', () => {
  it.each<[PeriodSpec, ReturnType<typeof periodBuckets>]>([
    [
      { kind: 'month', year: 2026, month: 10 },
      {
        months: { from: '2026-10-01', to: '2026-11-01' },
        headDays: { from: '2026-10-01', to: '2026-10-01' },
        tailDays: { from: '2026-11-01', to: '2026-11-01' },
      },
    ],
    [
      { kind: 'month', year: 2026, month: 12 },
      {
        months: { from: '2026-12-01', to: '2027-01-01' },
        headDays: { from: '2026-12-01', to: '2026-12-01' },
        tailDays: { from: '2027-01-01', to: '2027-01-01' },
      },
    ],
    [
      { kind: 'year', year: 2026 },
      {
        months: { from: '2026-01-01', to: '2027-01-01' },
        headDays: { from: '2026-01-01', to: '2026-01-01' },
        tailDays: { from: '2027-01-01', to: '2027-01-01' },
      },
    ],
    [
      { kind: 'quarter', year: 2026, quarter: 4 },
      {
        months: { from: '2026-10-01', to: '2027-01-01' },
        headDays: { from: '2026-10-01', to: '2026-10-01' },
        tailDays: { from: '2027-01-01', to: '2027-01-01' },
      },
    ],
    [
      { kind: 'custom', from: '2026-10-05', to: '2026-10-20' },
      {
        months: { from: '2026-10-05', to: '2026-10-05' },
        headDays: { from: '2026-10-05', to: '2026-10-21' },
        tailDays: { from: '2026-10-21', to: '2026-10-21' },
      },
    ],
    [
      // Leap day inside the head, then whole March–November, then December's first days.
      { kind: 'custom', from: '2028-02-28', to: '2028-12-03' },
      {
        months: { from: '2028-03-01', to: '2028-12-01' },
        headDays: { from: '2028-02-28', to: '2028-03-01' },
        tailDays: { from: '2028-12-01', to: '2028-12-04' },
      },
    ],
    [
      // Across a year end, no whole month: days only.
      { kind: 'custom', from: '2026-12-15', to: '2027-01-20' },
      {
        months: { from: '2026-12-15', to: '2026-12-15' },
        headDays: { from: '2026-12-15', to: '2027-01-21' },
        tailDays: { from: '2027-01-21', to: '2027-01-21' },
      },
    ],
    [
      // A month's last day through the next month's end: that whole month, one head day.
      { kind: 'custom', from: '2027-01-31', to: '2027-02-28' },
      {
        months: { from: '2027-02-01', to: '2027-03-01' },
        headDays: { from: '2027-01-31', to: '2027-02-01' },
        tailDays: { from: '2027-03-01', to: '2027-03-01' },
      },
    ],
    [
      { kind: 'custom', from: '2026-12-31', to: '2026-12-31' },
      {
        months: { from: '2026-12-31', to: '2026-12-31' },
        headDays: { from: '2026-12-31', to: '2027-01-01' },
        tailDays: { from: '2027-01-01', to: '2027-01-01' },
      },
    ],
  ])('%j', (s, expected) => {
    expect(spec(s)).toEqual(expected);
  });

  it('covers every date of any custom range exactly once (starts over 2027–2029, lengths around months)', () => {
    const first = Date.parse('2027-11-20T00:00:00Z');
    const wrong: string[] = [];
    for (let s = 0; s < 500; s += 5) {
      for (const len of [1, 2, 28, 29, 30, 31, 32, 59, 61, 62, 366, 400]) {
        const from = new Date(first + s * DAY).toISOString().slice(0, 10);
        const to = new Date(first + (s + len - 1) * DAY).toISOString().slice(0, 10);
        const end = new Date(first + (s + len) * DAY).toISOString().slice(0, 10);
        const b = spec({ kind: 'custom', from, to });
        const whole = b.months.from !== b.months.to;
        const ok =
          covered(b).join() === dates(from, end).join() &&
          (!whole || (b.months.from.endsWith('-01') && b.months.to.endsWith('-01'))) &&
          (!whole ||
            (dates(b.headDays.from, b.headDays.to).length < 31 &&
              dates(b.tailDays.from, b.tailDays.to).length < 31));
        if (!ok) wrong.push(`${from}..${to}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('every month of 2024–2029 (leap Februaries included) is one monthly bucket', () => {
    for (let year = 2024; year <= 2029; year++)
      for (let month = 1; month <= 12; month++) {
        const b = spec({ kind: 'month', year, month });
        expect(b.months.from).toBe(`${year}-${String(month).padStart(2, '0')}-01`);
        expect(dates(b.months.from, b.months.to).length).toBe(
          new Date(Date.UTC(year, month, 0)).getUTCDate(),
        );
        expect(b.headDays.from).toBe(b.headDays.to);
        expect(b.tailDays.from).toBe(b.tailDays.to);
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
