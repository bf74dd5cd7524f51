import { DatePicker, Segmented, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useSearchParams } from 'react-router-dom';
import type { Query } from '../../api/client';
import type { Me } from '../../api/types';
import { useHub } from '../../components/HubPicker';

export {
  ENTRY_KIND_LABELS,
  PENALTY_TYPES,
  PENALTY_TYPE_LABELS,
  QUOTA_PERIODS,
  QUOTA_PERIOD_LABELS,
} from '../../../server/modules/scoring/domain';
export { ORG_LEVEL_LABELS } from '../../../server/modules/orgs/domain';

export const TARGET_LEVELS = ['national', 'province', 'city', 'county'] as const;
export type TargetLevel = (typeof TARGET_LEVELS)[number];
export const LEVEL_SHORT: Record<TargetLevel, string> = {
  national: '国家',
  province: '省级',
  city: '市级',
  county: '县级',
};

/** Who reads a hub's scoring (the server decides; this only picks which hubs to offer). */
export const SCORING_ROLES = ['editor', 'chief_editor', 'leader', 'org_admin'] as const;

export function useScoringHub(me: Me) {
  return useHub(me, SCORING_ROLES);
}

export type PeriodKind = 'month' | 'quarter' | 'year' | 'custom';

export interface PeriodValue {
  kind: PeriodKind;
  month: string;
  quarter: string;
  year: number;
  from: string;
  to: string;
}

/** The current period in Beijing time (the browser's clock; the server resolves the exact bounds). */
export function defaultPeriod(kind: PeriodKind = 'month'): PeriodValue {
  const now = dayjs();
  return {
    kind,
    month: now.format('YYYY-MM'),
    quarter: `${now.year()}-Q${Math.floor(now.month() / 3) + 1}`,
    year: now.year(),
    from: now.startOf('month').format('YYYY-MM-DD'),
    to: now.format('YYYY-MM-DD'),
  };
}

/** ?period=month&month=… (the server's PeriodQuery), kept in the URL so a view can be shared. */
export function usePeriodParam(): [PeriodValue, (p: PeriodValue) => void] {
  const [params, setParams] = useSearchParams();
  const d = defaultPeriod((params.get('period') as PeriodKind | null) ?? 'month');
  const value: PeriodValue = {
    kind: d.kind,
    month: params.get('month') ?? d.month,
    quarter: params.get('quarter') ?? d.quarter,
    year: Number(params.get('year') ?? d.year),
    from: params.get('from') ?? d.from,
    to: params.get('to') ?? d.to,
  };
  const set = (p: PeriodValue) => {
    const next = new URLSearchParams(params);
    for (const k of ['period', 'month', 'quarter', 'year', 'from', 'to']) next.delete(k);
    for (const [k, v] of Object.entries(periodQuery(p))) if (v !== undefined) next.set(k, String(v));
    setParams(next, { replace: true });
  };
  return [value, set];
}

export function periodQuery(p: PeriodValue): Query {
  switch (p.kind) {
    case 'month':
      return { period: 'month', month: p.month };
    case 'quarter':
      return { period: 'quarter', quarter: p.quarter };
    case 'year':
      return { period: 'year', year: p.year };
    case 'custom':
      return { period: 'custom', from: p.from, to: p.to };
  }
}

/** 月 / 季 / 年 / 自定义 with the matching picker. */
export function PeriodPicker({ value, onChange }: { value: PeriodValue; onChange(p: PeriodValue): void }) {
  const quarter = (q: string): Dayjs => {
    const [y, n] = q.split('-Q').map(Number);
    return dayjs(`${y}-${String((n! - 1) * 3 + 1).padStart(2, '0')}-01`);
  };
  return (
    <Space wrap>
      <Segmented<PeriodKind>
        aria-label="统计周期"
        value={value.kind}
        onChange={(kind) => onChange({ ...value, kind })}
        options={[
          { value: 'month', label: '月' },
          { value: 'quarter', label: '季' },
          { value: 'year', label: '年' },
          { value: 'custom', label: '自定义' },
        ]}
      />
      {value.kind === 'month' ? (
        <DatePicker
          picker="month"
          aria-label="统计月份"
          allowClear={false}
          value={dayjs(`${value.month}-01`)}
          onChange={(d) => d && onChange({ ...value, month: d.format('YYYY-MM') })}
        />
      ) : value.kind === 'quarter' ? (
        <DatePicker
          picker="quarter"
          aria-label="统计季度"
          allowClear={false}
          value={quarter(value.quarter)}
          onChange={(d) =>
            d && onChange({ ...value, quarter: `${d.year()}-Q${Math.floor(d.month() / 3) + 1}` })
          }
        />
      ) : value.kind === 'year' ? (
        <DatePicker
          picker="year"
          aria-label="统计年度"
          allowClear={false}
          value={dayjs(`${value.year}-01-01`)}
          onChange={(d) => d && onChange({ ...value, year: d.year() })}
        />
      ) : (
        <DatePicker.RangePicker
          aria-label="统计期间"
          allowClear={false}
          value={[dayjs(value.from), dayjs(value.to)]}
          onChange={(r) =>
            r?.[0] && r[1]
              ? onChange({ ...value, from: r[0].format('YYYY-MM-DD'), to: r[1].format('YYYY-MM-DD') })
              : undefined
          }
        />
      )}
    </Space>
  );
}

export const rateText = (r: number | null | undefined): string =>
  r === null || r === undefined ? '—' : `${Math.round(r * 1000) / 10}%`;

/** A horizontal bar chart in plain HTML (no chart library is bundled). */
export function BarChart(props: { data: { label: string; value: number; hint?: string }[]; unit?: string }) {
  const max = Math.max(1, ...props.data.map((d) => d.value));
  return (
    <div className="zx-bars" role="img" aria-label="柱状图">
      {props.data.map((d) => (
        <div
          className="zx-bar-row"
          key={d.label}
          title={d.hint ?? `${d.label}：${d.value}${props.unit ?? ''}`}
        >
          <span className="zx-bar-label">{d.label}</span>
          <span className="zx-bar-track">
            <span
              className="zx-bar-fill"
              style={{ width: `${(Math.max(0, d.value) / max) * 100}%`, display: 'block' }}
            />
          </span>
          <span className="zx-bar-value">
            {d.value}
            {props.unit ?? ''}
          </span>
        </div>
      ))}
    </div>
  );
}
