/**
 * Statistical periods in Beijing time (Asia/Shanghai, UTC+8 all year, no daylight saving). Every period is
 * a half-open interval [start, end) of instants: 2026-10 is [2026-09-30T16:00Z, 2026-10-31T16:00Z).
 * Pure: no I/O, no clock (callers pass `now`).
 */
import type { QuotaPeriod } from './domain.js';

const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const QUARTER_NAMES = ['一', '二', '三', '四'] as const;

export type PeriodSpec =
  | { kind: 'month'; year: number; month: number }
  | { kind: 'quarter'; year: number; quarter: number }
  | { kind: 'year'; year: number }
  | { kind: 'custom'; from: string; to: string };

export interface Period {
  kind: PeriodSpec['kind'];
  start: Date;
  end: Date;
  label: string;
  /** The annual zeroing rule applies to whole-year periods only. */
  isYear: boolean;
  /** Calendar days in the period (Beijing dates). */
  days: number;
  /** Whole calendar months when the period is month/quarter/year aligned; null for custom ranges. */
  months: number | null;
}

/** Midnight Beijing time of a calendar date, as an instant. */
export function beijingMidnight(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - OFFSET_MS);
}

/** The Beijing calendar date of an instant. */
export function beijingDate(at: Date): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(at.getTime() + OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: (d.getUTCDay() + 6) % 7, // 0 = Monday
  };
}

/** "2026-10-05" for an instant, in Beijing time. */
export function beijingDateString(at: Date): string {
  const { year, month, day } = beijingDate(at);
  return `${year}-${pad(month)}-${pad(day)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function parseDate(s: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return null;
  return { year, month, day };
}

function build(
  kind: PeriodSpec['kind'],
  start: Date,
  end: Date,
  label: string,
  months: number | null,
): Period {
  return {
    kind,
    start,
    end,
    label,
    isYear: kind === 'year',
    days: Math.round((end.getTime() - start.getTime()) / DAY_MS),
    months,
  };
}

/** Resolves a period spec to its interval and Chinese label; null when the spec is not a real period. */
export function resolvePeriod(spec: PeriodSpec): Period | null {
  switch (spec.kind) {
    case 'month': {
      if (spec.month < 1 || spec.month > 12) return null;
      const start = beijingMidnight(spec.year, spec.month, 1);
      const end = beijingMidnight(spec.year + (spec.month === 12 ? 1 : 0), (spec.month % 12) + 1, 1);
      return build('month', start, end, `${spec.year}年${spec.month}月`, 1);
    }
    case 'quarter': {
      if (spec.quarter < 1 || spec.quarter > 4) return null;
      const first = (spec.quarter - 1) * 3 + 1;
      const start = beijingMidnight(spec.year, first, 1);
      const end =
        spec.quarter === 4 ? beijingMidnight(spec.year + 1, 1, 1) : beijingMidnight(spec.year, first + 3, 1);
      return build('quarter', start, end, `${spec.year}年第${QUARTER_NAMES[spec.quarter - 1]}季度`, 3);
    }
    case 'year':
      return build(
        'year',
        beijingMidnight(spec.year, 1, 1),
        beijingMidnight(spec.year + 1, 1, 1),
        `${spec.year}年度`,
        12,
      );
    case 'custom': {
      const from = parseDate(spec.from);
      const to = parseDate(spec.to);
      if (!from || !to) return null;
      const start = beijingMidnight(from.year, from.month, from.day);
      const end = new Date(beijingMidnight(to.year, to.month, to.day).getTime() + DAY_MS);
      if (end <= start) return null;
      const label = `${from.year}年${from.month}月${from.day}日至${to.year}年${to.month}月${to.day}日`;
      return build('custom', start, end, label, null);
    }
  }
}

/** The quota period containing `now` (weeks start on Monday), for the 工作台 progress. */
export function currentQuotaPeriod(period: QuotaPeriod, now: Date): Period {
  const d = beijingDate(now);
  switch (period) {
    case 'day': {
      const start = beijingMidnight(d.year, d.month, d.day);
      return build(
        'custom',
        start,
        new Date(start.getTime() + DAY_MS),
        `${d.year}年${d.month}月${d.day}日`,
        null,
      );
    }
    case 'week': {
      const start = new Date(beijingMidnight(d.year, d.month, d.day).getTime() - d.weekday * DAY_MS);
      const s = beijingDate(start);
      return build(
        'custom',
        start,
        new Date(start.getTime() + 7 * DAY_MS),
        `${s.year}年${s.month}月${s.day}日起一周`,
        null,
      );
    }
    case 'month':
      return resolvePeriod({ kind: 'month', year: d.year, month: d.month })!;
    case 'quarter':
      return resolvePeriod({ kind: 'quarter', year: d.year, quarter: Math.floor((d.month - 1) / 3) + 1 })!;
  }
}

/**
 * How many quota periods a statistical period holds, so a quota can be checked over any period: a daily
 * quota over October counts 31 times, a monthly one over a quarter 3 times, a quarterly one over a month
 * a third. Custom ranges count days (week = 7, month = 30, quarter = 91 days).
 */
export function quotaScale(quota: QuotaPeriod, period: Period): number {
  switch (quota) {
    case 'day':
      return period.days;
    case 'week':
      return period.days / 7;
    case 'month':
      return period.months ?? period.days / 30;
    case 'quarter':
      return period.months !== null ? period.months / 3 : period.days / 91;
  }
}

/** A half-open range of Beijing dates, "2026-10-01" inclusive to "2026-11-01" exclusive. */
export interface DateRange {
  from: string;
  to: string;
}

/**
 * How the pre-aggregated statistics cover a period: whole calendar years from the yearly buckets, the
 * whole months before the first and after the last whole year from the monthly ones, and the days before
 * the first and after the last whole month from the daily ones, so that the union is the period exactly
 * and nothing is counted twice (a calendar year is one yearly bucket, a month one monthly bucket). Empty
 * ranges have from = to. The period must start and end at midnight Beijing time (every Period of this
 * module does); anything else is a programming error.
 */
export interface PeriodBuckets {
  years: DateRange;
  headMonths: DateRange;
  tailMonths: DateRange;
  headDays: DateRange;
  tailDays: DateRange;
}

export function periodBuckets(period: Pick<Period, 'start' | 'end'>): PeriodBuckets {
  const { start, end } = period;
  for (const at of [start, end])
    if ((at.getTime() + OFFSET_MS) % DAY_MS !== 0)
      throw new Error(`period bound ${at.toISOString()} is not at midnight Beijing time`);
  if (end < start) throw new Error('period ends before it starts');
  const s = beijingDate(start);
  const e = beijingDate(end);
  const from = beijingDateString(start);
  const to = beijingDateString(end);
  const firstMonth = s.day === 1 ? from : nextMonthString(s.year, s.month);
  const lastMonth = dateString(e.year, e.month, 1);
  if (firstMonth >= lastMonth) {
    const none = { from: to, to };
    return { years: none, headMonths: none, tailMonths: none, headDays: { from, to }, tailDays: none };
  }
  const headDays = { from, to: firstMonth };
  const tailDays = { from: lastMonth, to };
  const firstYear = firstMonth.endsWith('-01-01')
    ? firstMonth
    : dateString(Number(firstMonth.slice(0, 4)) + 1, 1, 1);
  const lastYear = dateString(Number(lastMonth.slice(0, 4)), 1, 1);
  if (firstYear >= lastYear) {
    const none = { from: lastMonth, to: lastMonth };
    return {
      years: none,
      headMonths: { from: firstMonth, to: lastMonth },
      tailMonths: none,
      headDays,
      tailDays,
    };
  }
  return {
    years: { from: firstYear, to: lastYear },
    headMonths: { from: firstMonth, to: firstYear },
    tailMonths: { from: lastYear, to: lastMonth },
    headDays,
    tailDays,
  };
}

export type BucketRange = ['day' | 'month' | 'year', string, string];

/**
 * The non-empty bucket ranges of a period, [grain, from, to), the form sql/unit-figures.sql reads them in,
 * each one index range per unit: a year is one range, a month one, a ragged custom range at most five.
 */
export function bucketRanges(b: PeriodBuckets): BucketRange[] {
  const all: BucketRange[] = [
    ['day', b.headDays.from, b.headDays.to],
    ['month', b.headMonths.from, b.headMonths.to],
    ['year', b.years.from, b.years.to],
    ['month', b.tailMonths.from, b.tailMonths.to],
    ['day', b.tailDays.from, b.tailDays.to],
  ];
  return all.filter(([, from, to]) => from < to);
}

function dateString(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

function nextMonthString(year: number, month: number): string {
  return month === 12 ? dateString(year + 1, 1, 1) : dateString(year, month + 1, 1);
}
