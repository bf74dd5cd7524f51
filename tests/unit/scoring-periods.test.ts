import { describe, expect, it } from 'vitest';
import { applicableQuotas, checkQuota } from '../../src/server/modules/scoring/rules.js';
import {
  beijingDate,
  beijingDateString,
  currentQuotaPeriod,
  quotaScale,
  resolvePeriod,
  type PeriodSpec,
} from '../../src/server/modules/scoring/periods.js';

const iso = (d: Date) => d.toISOString();

describe('periods at midnight Beijing time', () => {
  it.each<{ spec: PeriodSpec; start: string; end: string; label: string; days: number }>([
    {
      spec: { kind: 'month', year: 2026, month: 10 },
      start: '2026-09-30T16:00:00.000Z',
      end: '2026-10-31T16:00:00.000Z',
      label: '2026年10月',
      days: 31,
    },
    {
      spec: { kind: 'month', year: 2026, month: 12 },
      start: '2026-11-30T16:00:00.000Z',
      end: '2026-12-31T16:00:00.000Z',
      label: '2026年12月',
      days: 31,
    },
    {
      spec: { kind: 'month', year: 2028, month: 2 },
      start: '2028-01-31T16:00:00.000Z',
      end: '2028-02-29T16:00:00.000Z',
      label: '2028年2月',
      days: 29,
    },
    {
      spec: { kind: 'quarter', year: 2026, quarter: 1 },
      start: '2025-12-31T16:00:00.000Z',
      end: '2026-03-31T16:00:00.000Z',
      label: '2026年第一季度',
      days: 90,
    },
    {
      spec: { kind: 'quarter', year: 2026, quarter: 4 },
      start: '2026-09-30T16:00:00.000Z',
      end: '2026-12-31T16:00:00.000Z',
      label: '2026年第四季度',
      days: 92,
    },
    {
      spec: { kind: 'year', year: 2026 },
      start: '2025-12-31T16:00:00.000Z',
      end: '2026-12-31T16:00:00.000Z',
      label: '2026年度',
      days: 365,
    },
    {
      spec: { kind: 'custom', from: '2026-10-01', to: '2026-10-15' },
      start: '2026-09-30T16:00:00.000Z',
      end: '2026-10-15T16:00:00.000Z',
      label: '2026年10月1日至2026年10月15日',
      days: 15,
    },
    {
      spec: { kind: 'custom', from: '2026-10-08', to: '2026-10-08' },
      start: '2026-10-07T16:00:00.000Z',
      end: '2026-10-08T16:00:00.000Z',
      label: '2026年10月8日至2026年10月8日',
      days: 1,
    },
  ])('$label', ({ spec, start, end, label, days }) => {
    const p = resolvePeriod(spec)!;
    expect([iso(p.start), iso(p.end), p.label, p.days]).toEqual([start, end, label, days]);
    expect(p.isYear).toBe(spec.kind === 'year');
  });

  it.each<PeriodSpec>([
    { kind: 'month', year: 2026, month: 13 },
    { kind: 'month', year: 2026, month: 0 },
    { kind: 'quarter', year: 2026, quarter: 5 },
    { kind: 'custom', from: '2026-02-30', to: '2026-03-01' },
    { kind: 'custom', from: '2026-03-02', to: '2026-03-01' },
    { kind: 'custom', from: '2026/03/01', to: '2026-03-01' },
  ])('refuses %o', (spec) => expect(resolvePeriod(spec)).toBeNull());

  it('an instant belongs to the Beijing calendar date: 16:00Z is already the next day', () => {
    expect(beijingDateString(new Date('2026-09-30T15:59:59.999Z'))).toBe('2026-09-30');
    expect(beijingDateString(new Date('2026-09-30T16:00:00.000Z'))).toBe('2026-10-01');
    const oct = resolvePeriod({ kind: 'month', year: 2026, month: 10 })!;
    const inOct = (at: string) => new Date(at) >= oct.start && new Date(at) < oct.end;
    expect(inOct('2026-09-30T15:59:59.999Z')).toBe(false);
    expect(inOct('2026-09-30T16:00:00.000Z')).toBe(true);
    expect(inOct('2026-10-31T15:59:59.999Z')).toBe(true);
    expect(inOct('2026-10-31T16:00:00.000Z')).toBe(false);
    expect(beijingDate(new Date('2026-11-22T17:00:00Z'))).toMatchObject({ day: 23, weekday: 0 });
  });

  it.each([
    {
      q: 'day',
      now: '2026-10-31T16:30:00Z',
      start: '2026-10-31T16:00:00.000Z',
      end: '2026-11-01T16:00:00.000Z',
    },
    {
      q: 'week',
      now: '2026-11-23T13:00:00Z',
      start: '2026-11-22T16:00:00.000Z',
      end: '2026-11-29T16:00:00.000Z',
    },
    {
      q: 'week',
      now: '2026-11-22T15:00:00Z',
      start: '2026-11-15T16:00:00.000Z',
      end: '2026-11-22T16:00:00.000Z',
    },
    {
      q: 'month',
      now: '2026-10-31T16:30:00Z',
      start: '2026-10-31T16:00:00.000Z',
      end: '2026-11-30T16:00:00.000Z',
    },
    {
      q: 'quarter',
      now: '2026-09-30T16:00:00Z',
      start: '2026-09-30T16:00:00.000Z',
      end: '2026-12-31T16:00:00.000Z',
    },
  ] as const)('current $q period at $now', ({ q, now, start, end }) => {
    const p = currentQuotaPeriod(q, new Date(now));
    expect([iso(p.start), iso(p.end)]).toEqual([start, end]);
  });

  it.each([
    { q: 'day', spec: { kind: 'month', year: 2026, month: 10 }, want: 31 },
    { q: 'week', spec: { kind: 'month', year: 2026, month: 10 }, want: 31 / 7 },
    { q: 'month', spec: { kind: 'quarter', year: 2026, quarter: 4 }, want: 3 },
    { q: 'month', spec: { kind: 'year', year: 2026 }, want: 12 },
    { q: 'quarter', spec: { kind: 'month', year: 2026, month: 10 }, want: 1 / 3 },
    { q: 'month', spec: { kind: 'custom', from: '2026-10-01', to: '2026-10-15' }, want: 0.5 },
  ] as const)('a $q quota over $spec.kind counts $want times', ({ q, spec, want }) => {
    expect(quotaScale(q, resolvePeriod(spec)!)).toBeCloseTo(want, 10);
  });
});

describe('quota compliance (seed 001: ≥15 to the county, ≥10 to the city, ≥5 to the province, ≥20%)', () => {
  const monthly = {
    period: 'month' as const,
    minSubmitted: { county: 15, city: 10, province: 5 },
    minAdopted: null,
    minAdoptionRate: 0.2,
  };

  it('met exactly at the thresholds', () => {
    const r = checkQuota(
      monthly,
      {
        submittedByLevel: { county: 15, city: 10, province: 5 },
        submitted: 30,
        adopted: 6,
        adoptionRate: 0.2,
      },
      1,
    );
    expect(r.met).toBe(true);
    expect(r.required.map((x) => x.label)).toEqual([
      '向省级报送 5/5 篇（每月指标）',
      '向市级报送 10/10 篇（每月指标）',
      '向县级报送 15/15 篇（每月指标）',
      '采用率 20%/20%',
    ]);
  });

  it('lists exactly what was missed', () => {
    const r = checkQuota(
      monthly,
      {
        submittedByLevel: { county: 16, city: 9, province: 5 },
        submitted: 30,
        adopted: 4,
        adoptionRate: 0.1333,
      },
      1,
    );
    expect(r.met).toBe(false);
    expect(r.shortfalls.map((x) => x.label)).toEqual(['向市级报送 9/10 篇（每月指标）', '采用率 13.33%/20%']);
  });

  it('nothing submitted fails a rate quota at 0%', () => {
    const r = checkQuota(
      { ...monthly, minSubmitted: {} },
      { submittedByLevel: {}, submitted: 0, adopted: 0, adoptionRate: null },
      1,
    );
    expect(r.shortfalls.map((x) => x.label)).toEqual(['采用率 0%/20%']);
  });

  it('a weekly quota checked over a month says it is weekly (issue: “4/5” read against a monthly 3)', () => {
    const weekly = {
      period: 'week' as const,
      minSubmitted: { county: 1 },
      minAdopted: null,
      minAdoptionRate: null,
    };
    const r = checkQuota(
      weekly,
      { submittedByLevel: { county: 4 }, submitted: 4, adopted: 0, adoptionRate: null },
      31 / 7,
    );
    expect(r.shortfalls.map((x) => x.label)).toEqual(['向县级报送 4/5 篇（每周≥1篇，按本期折算）']);
  });

  it('seed 001 篇3: ≥3 a day to the city is 93 over October; a quarterly minimum is pro-rated and rounded up', () => {
    const daily = {
      period: 'day' as const,
      minSubmitted: { city: 3 },
      minAdopted: null,
      minAdoptionRate: null,
    };
    const r = checkQuota(
      daily,
      { submittedByLevel: { city: 92 }, submitted: 92, adopted: 0, adoptionRate: 0 },
      31,
    );
    expect(r.shortfalls.map((x) => [x.required, x.actual])).toEqual([[93, 92]]);
    const q = { period: 'quarter' as const, minSubmitted: {}, minAdopted: 5, minAdoptionRate: null };
    expect(
      checkQuota(q, { submittedByLevel: {}, submitted: 9, adopted: 1, adoptionRate: 0.1 }, 1 / 3)
        .shortfalls[0],
    ).toMatchObject({ required: 2, actual: 1 });
  });

  it('the most specific active quota per period applies: unit > category > all', () => {
    const q = (
      id: string,
      orgId: string | null,
      orgKind: 'township' | 'department' | null,
      period: 'month' | 'day',
      active = true,
    ) => ({ id, orgId, orgKind, period, active });
    const quotas = [
      q('all-month', null, null, 'month'),
      q('township-month', null, 'township', 'month'),
      q('T-month', 'T', null, 'month'),
      q('dept-day', null, 'department', 'day'),
      q('T-day-off', 'T', null, 'day', false),
      q('S-month', 'S', null, 'month'),
    ];
    expect(applicableQuotas(quotas, { id: 'T', kind: 'township' }).map((x) => x.id)).toEqual(['T-month']);
    expect(applicableQuotas(quotas, { id: 'X', kind: 'township' }).map((x) => x.id)).toEqual([
      'township-month',
    ]);
    expect(
      applicableQuotas(quotas, { id: 'D', kind: 'department' })
        .map((x) => x.id)
        .sort(),
    ).toEqual(['all-month', 'dept-day']);
  });
});
