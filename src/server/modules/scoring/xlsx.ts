import ExcelJS from 'exceljs';
import { round2 } from './rules.js';
import type { NoticeSnapshot } from './use-cases/notices.js';

/** Numbers stay numbers in the sheets (rates as percentages, points to 2 decimals). */
const title = (ws: ExcelJS.Worksheet, text: string, span: number) => {
  ws.addRow([text]);
  ws.mergeCells(ws.rowCount, 1, ws.rowCount, span);
  const c = ws.getCell(ws.rowCount, 1);
  c.font = { name: '宋体', size: 16, bold: true };
  c.alignment = { horizontal: 'center' };
};
const header = (ws: ExcelJS.Worksheet, cols: string[]) => {
  const row = ws.addRow(cols);
  row.font = { bold: true };
  row.eachCell((c) => {
    c.border = {
      top: { style: 'thin' },
      bottom: { style: 'thin' },
      left: { style: 'thin' },
      right: { style: 'thin' },
    };
    c.alignment = { horizontal: 'center' };
  });
};

/** A 通报 as a workbook: 排名表 (one row per unit, a column per counted periodical), 采用目录, 滞后单位. */
export async function noticeXlsx(n: {
  title: string;
  periodLabel: string;
  remarks: string | null;
  snapshot: NoticeSnapshot;
}): Promise<Buffer> {
  const s = n.snapshot;
  const wb = new ExcelJS.Workbook();
  wb.creator = s.hub.name;
  const ws = wb.addWorksheet('排名表');
  const cols = [
    '排名',
    '并列',
    '单位',
    '报送',
    '采用',
    ...s.periodicals.map((p) => `《${p.periodicalName}》采用`),
    '采用率',
    '积分',
    '滞后',
  ];
  title(ws, n.title, cols.length);
  ws.addRow([`统计期间：${n.periodLabel}`]);
  if (n.remarks) ws.addRow([n.remarks]);
  header(ws, cols);
  for (const r of s.rows) {
    const row = ws.addRow([
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
    ]);
    row.getCell(cols.indexOf('采用率') + 1).numFmt = '0.00%';
    row.getCell(cols.indexOf('积分') + 1).numFmt = '0.00';
  }
  ws.getColumn(3).width = 28;
  const wt = wb.addWorksheet('采用目录');
  header(wt, ['单位', '标题', '刊物', '采用方式', '采用时间']);
  for (const r of s.rows)
    for (const t of r.adoptedTitles)
      wt.addRow([r.orgName, t.title, t.periodicalName, t.typeLabel, new Date(t.adoptedAt)]);
  wt.getColumn(2).width = 50;
  const wl = wb.addWorksheet('滞后单位');
  header(wl, ['单位', '未完成事项']);
  for (const l of s.lagging) wl.addRow([l.orgName, l.missed.join('；')]);
  return Buffer.from(await wb.xlsx.writeBuffer());
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
  const wb = new ExcelJS.Workbook();
  const wo = wb.addWorksheet('信息员');
  title(wo, `${r.hub.name}${r.year}年度政务信息采用奖励（按信息员）`, 4);
  header(wo, ['信息员', '单位', '采用篇数', '奖励金额（元）']);
  for (const o of r.officers) wo.addRow([o.name, o.orgName, o.count, o.amount]);
  wo.addRow(['合计', '', r.officers.reduce((s, o) => s + o.count, 0), r.total]);
  const wu = wb.addWorksheet('单位');
  header(wu, ['单位', '采用篇数', '奖励金额（元）']);
  for (const u of r.units) wu.addRow([u.orgName, u.count, u.amount]);
  const wa = wb.addWorksheet('采用明细');
  header(wa, ['标题', '单位', '信息员', '刊物', '级别', '采用时间', '奖励金额（元）']);
  for (const a of r.adoptions)
    wa.addRow([
      a.title,
      a.orgName,
      a.authorName,
      a.periodicalName,
      a.levelLabel,
      new Date(a.adoptedAt),
      a.amount,
    ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
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
  const wb = new ExcelJS.Workbook();
  wb.creator = r.hub.name;
  const ws = wb.addWorksheet('排名');
  const levels: [string, string][] = [
    ['county', '向县级报送'],
    ['city', '向市级报送'],
    ['province', '向省级报送'],
  ];
  const cols = [
    '排名',
    '单位',
    ...levels.map(([, label]) => label),
    '报送合计',
    '采用合计',
    ...r.periodicals.map((p) => `《${p.periodicalName}》采用`),
    '采用率',
    '批示',
    '积分',
  ];
  title(ws, `${r.hub.name}考核单位政务信息排名（${r.period.label}）`, cols.length);
  header(ws, cols);
  for (const row of r.rows) {
    const line = ws.addRow([
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
    ]);
    line.getCell(cols.indexOf('采用率') + 1).numFmt = '0.00%';
    line.getCell(cols.indexOf('积分') + 1).numFmt = '0.00';
  }
  ws.getColumn(2).width = 28;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
