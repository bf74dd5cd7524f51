import { addTableSheet, newWorkbook, workbookBuffer, type SheetColumn } from '../../xlsx/table-sheet.js';
import { round2 } from './rules.js';
import type { NoticeSnapshot } from './use-cases/notices.js';

/** Numbers stay numbers in the sheets (rates as percentages, points to 2 decimals). */

/** A 通报 as a workbook: 排名表 (one row per unit, a column per counted periodical), 采用目录, 滞后单位. */
export async function noticeXlsx(n: {
  title: string;
  periodLabel: string;
  remarks: string | null;
  snapshot: NoticeSnapshot;
}): Promise<Buffer> {
  const s = n.snapshot;
  const wb = await newWorkbook(s.hub.name);
  const columns: SheetColumn[] = [
    { header: '排名', kind: 'int' },
    { header: '并列' },
    { header: '单位', maxWidth: 36 },
    { header: '报送', kind: 'int' },
    { header: '采用', kind: 'int' },
    ...s.periodicals.map((p): SheetColumn => ({ header: `《${p.periodicalName}》采用`, kind: 'int' })),
    { header: '采用率', kind: 'percent' },
    { header: '积分', kind: 'decimal' },
    { header: '滞后' },
  ];
  addTableSheet(wb, {
    name: '排名表',
    title: n.title,
    notes: [`统计期间：${n.periodLabel}`, ...(n.remarks ? [n.remarks] : [])],
    columns,
    rows: s.rows.map((r) => [
      r.rank,
      r.tied ? '并列' : '',
      r.orgName,
      r.submitted,
      r.adopted,
      ...s.periodicals.map(
        (p) => r.adoptedByPeriodical.find((x) => x.periodicalId === p.periodicalId)?.count ?? 0,
      ),
      r.adoptionRate,
      round2(r.points),
      r.lagging ? '是' : '',
    ]),
  });
  addTableSheet(wb, {
    name: '采用目录',
    columns: [
      { header: '单位', maxWidth: 36 },
      { header: '标题', maxWidth: 60 },
      { header: '刊物', maxWidth: 30 },
      { header: '采用方式' },
      { header: '采用时间', kind: 'datetime' },
    ],
    rows: s.rows.flatMap((r) =>
      r.adoptedTitles.map((t) => [r.orgName, t.title, t.periodicalName, t.typeLabel, new Date(t.adoptedAt)]),
    ),
  });
  addTableSheet(wb, {
    name: '滞后单位',
    columns: [
      { header: '单位', maxWidth: 36 },
      { header: '未完成事项', maxWidth: 80 },
    ],
    rows: s.lagging.map((l) => [l.orgName, l.missed.join('；')]),
  });
  return workbookBuffer(wb);
}

export interface RewardsReport {
  hub: { name: string };
  year: number;
  officers: { name: string; orgName: string; count: number; amount: number }[];
  units: { orgName: string; count: number; amount: number }[];
  adoptions: {
    title: string;
    orgName: string;
    authorName: string;
    periodicalName: string;
    levelLabel: string;
    adoptedAt: string;
    amount: number;
  }[];
  total: number;
}

/** 奖励 of a year: per officer, per unit, and every adoption with its amount (元). */
export async function rewardsXlsx(r: RewardsReport): Promise<Buffer> {
  const wb = await newWorkbook(r.hub.name);
  addTableSheet(wb, {
    name: '信息员',
    title: `${r.hub.name}${r.year}年度政务信息采用奖励（按信息员）`,
    columns: [
      { header: '信息员' },
      { header: '单位', maxWidth: 36 },
      { header: '采用篇数', kind: 'int' },
      { header: '奖励金额（元）', kind: 'decimal' },
    ],
    rows: r.officers.map((o) => [o.name, o.orgName, o.count, o.amount]),
    footer: [['合计', '', r.officers.reduce((s, o) => s + o.count, 0), r.total]],
  });
  addTableSheet(wb, {
    name: '单位',
    columns: [
      { header: '单位', maxWidth: 36 },
      { header: '采用篇数', kind: 'int' },
      { header: '奖励金额（元）', kind: 'decimal' },
    ],
    rows: r.units.map((u) => [u.orgName, u.count, u.amount]),
  });
  addTableSheet(wb, {
    name: '采用明细',
    columns: [
      { header: '标题', maxWidth: 60 },
      { header: '单位', maxWidth: 36 },
      { header: '信息员' },
      { header: '刊物', maxWidth: 30 },
      { header: '级别' },
      { header: '采用时间', kind: 'datetime' },
      { header: '奖励金额（元）', kind: 'decimal' },
    ],
    rows: r.adoptions.map((a) => [
      a.title,
      a.orgName,
      a.authorName,
      a.periodicalName,
      a.levelLabel,
      new Date(a.adoptedAt),
      a.amount,
    ]),
  });
  return workbookBuffer(wb);
}

export interface RankingsReport {
  hub: { name: string };
  period: { label: string };
  periodicals: { periodicalId: string; periodicalName: string }[];
  rows: {
    rank: number;
    tied: boolean;
    orgName: string;
    submittedByLevel: Record<string, number>;
    submitted: number;
    adopted: number;
    adoptedByPeriodical: { periodicalId: string; count: number }[];
    adoptionRate: number | null;
    instructions: number;
    points: number;
    zeroed: boolean;
  }[];
}

/** The ranking table as shown on the page: 报送 per target level, 采用 per periodical, rate, points, rank. */
export async function rankingsXlsx(r: RankingsReport): Promise<Buffer> {
  const wb = await newWorkbook(r.hub.name);
  const levels: [string, string][] = [
    ['county', '向县级报送'],
    ['city', '向市级报送'],
    ['province', '向省级报送'],
  ];
  addTableSheet(wb, {
    name: '排名',
    title: `${r.hub.name}考核单位政务信息排名（${r.period.label}）`,
    columns: [
      { header: '排名' },
      { header: '单位', maxWidth: 36 },
      ...levels.map(([, label]): SheetColumn => ({ header: label, kind: 'int' })),
      { header: '报送合计', kind: 'int' },
      { header: '采用合计', kind: 'int' },
      ...r.periodicals.map((p): SheetColumn => ({ header: `《${p.periodicalName}》采用`, kind: 'int' })),
      { header: '采用率', kind: 'percent' },
      { header: '批示', kind: 'int' },
      { header: '积分', kind: 'decimal' },
    ],
    rows: r.rows.map((row) => [
      row.tied ? `${row.rank}（并列）` : row.rank,
      row.orgName,
      ...levels.map(([level]) => row.submittedByLevel[level] ?? 0),
      row.submitted,
      row.adopted,
      ...r.periodicals.map(
        (p) => row.adoptedByPeriodical.find((x) => x.periodicalId === p.periodicalId)?.count ?? 0,
      ),
      row.adoptionRate,
      row.instructions,
      row.zeroed ? 0 : round2(row.points),
    ]),
  });
  return workbookBuffer(wb);
}
