import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { displayWidth } from '../../src/server/xlsx/table-sheet.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildOrgTree, type OrgTree } from '../helpers/factories.js';
import { flow, rules, thisMonth, thisYear } from './scoring-flow.js';

/** Every Excel export: Beijing wall-clock times in a Chinese format, fitted widths, frozen header, print setup. */

let t: TestApp;
let tree: OrgTree;
const f = flow(
  () => t,
  () => tree,
);
const year = thisYear();
// 23:20 Beijing time on 15 January is 15:20 UTC; 01:30 on 16 January Beijing is 17:30 UTC on the 15th.
const lateEvening = `${year}-01-15T15:20:00.000Z`;
const earlyMorning = `${year}-01-15T17:30:00.000Z`;
let noticeId = '';

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildOrgTree(t.app.database.db);
  const put = await (
    await f.as(tree.K.chief)
  ).put(
    `/api/hubs/${tree.K.id}/scoring-rules`,
    rules({ periodicals: [{ periodicalId: tree.K.periodicalId, single: 1, combined: 0.5 }] }),
  );
  expect(put.statusCode, put.body).toBe(200);
  const adopted: string[] = [];
  for (const title of ['某街道夜间调度会部署防汛工作', '某街道凌晨开展燃气安全巡查']) {
    const a = await f.submittedItem(title);
    await f.receive(tree.K.editor, a.hops[0]!.id);
    const d = await f.adopt(tree.K.editor, a.hops[0]!.id, tree.K.periodicalId);
    adopted.push(d.adoptions[0]!.id);
  }
  const db = t.app.database.db;
  await queryRows(db, sql`update adoptions set adopted_at = ${lateEvening} where id = ${adopted[0]!}`);
  await queryRows(db, sql`update adoptions set adopted_at = ${earlyMorning} where id = ${adopted[1]!}`);
  const n = await (
    await f.as(tree.K.chief)
  ).post(`/api/hubs/${tree.K.id}/notices`, {
    title: `${year}年政务信息工作通报`,
    period: 'year',
    year,
  });
  expect(n.statusCode, n.body).toBe(201);
  noticeId = n.json<{ id: string }>().id;
});
afterAll(async () => t.close());

async function workbook(url: string): Promise<{ wb: ExcelJS.Workbook; bytes: Buffer }> {
  const res = await (await f.as(tree.K.editor)).get(url);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return { wb, bytes: res.rawPayload };
}

/** The header row is the one frozen; every sheet prints landscape, one page wide, header repeated. */
function expectHouseLayout(ws: ExcelJS.Worksheet, headerRow: number) {
  const view = ws.views[0] as { state?: string; ySplit?: number };
  expect(view.state).toBe('frozen');
  expect(view.ySplit).toBe(headerRow);
  expect(ws.pageSetup.orientation).toBe('landscape');
  expect(ws.pageSetup.fitToPage).toBe(true);
  expect(ws.pageSetup.fitToWidth).toBe(1);
  expect(ws.pageSetup.fitToHeight).toBe(0);
  expect(ws.pageSetup.printTitlesRow).toBe(`${headerRow}:${headerRow}`);
  expect(ws.autoFilter).toBeTruthy();
  // Widths fitted to content: every column at least as wide as its header (CJK counting double).
  ws.getRow(headerRow).eachCell((cell, col) => {
    expect(ws.getColumn(col).width, String(cell.value)).toBeGreaterThanOrEqual(
      Math.min(displayWidth(String(cell.value)), 60),
    );
  });
}

function columnOf(ws: ExcelJS.Worksheet, headerRow: number, name: string): number {
  const values = ws.getRow(headerRow).values as unknown[];
  const i = values.indexOf(name);
  expect(i, name).toBeGreaterThan(0);
  return i;
}

describe('Excel exports', () => {
  it('rewards: adoption times in Beijing wall-clock with a Chinese format, fitted widths, print setup', async () => {
    const { wb } = await workbook(`/api/hubs/${tree.K.id}/rewards.xlsx?year=${year}`);
    const ws = wb.getWorksheet('采用明细')!;
    expectHouseLayout(ws, 1);
    const timeCol = columnOf(ws, 1, '采用时间');
    const titleCol = columnOf(ws, 1, '标题');
    const byTitle = new Map<string, ExcelJS.Cell>();
    for (let r = 2; r <= ws.rowCount; r++)
      byTitle.set(String(ws.getRow(r).getCell(titleCol).value), ws.getRow(r).getCell(timeCol));
    const evening = byTitle.get('某街道夜间调度会部署防汛工作')!;
    expect(evening.value).toBeInstanceOf(Date);
    // exceljs reads a cell's wall clock back as the Date's UTC fields.
    const e = evening.value as Date;
    expect([e.getUTCMonth() + 1, e.getUTCDate(), e.getUTCHours(), e.getUTCMinutes()]).toEqual([
      1, 15, 23, 20,
    ]);
    expect(evening.numFmt).toMatch(/yyyy.*年.*m.*月.*d.*日.*hh:mm/);
    const morning = byTitle.get('某街道凌晨开展燃气安全巡查')!.value as Date;
    expect([morning.getUTCDate(), morning.getUTCHours(), morning.getUTCMinutes()]).toEqual([16, 1, 30]);
    // The title column is fitted to the longest title (14 CJK characters = 28), not left at Excel's 8.43.
    expect(ws.getColumn(titleCol).width).toBeGreaterThanOrEqual(28);
    expect(ws.getColumn(timeCol).width).toBeGreaterThanOrEqual(18);
    expectHouseLayout(wb.getWorksheet('信息员')!, 2);
    expectHouseLayout(wb.getWorksheet('单位')!, 1);
  });

  it('rankings: every column fits one landscape page width, header frozen under the title', async () => {
    const { wb } = await workbook(`/api/hubs/${tree.K.id}/rankings.xlsx?period=year&year=${year}`);
    const ws = wb.getWorksheet('排名')!;
    expectHouseLayout(ws, 2);
    expect(ws.getColumn(columnOf(ws, 2, '单位')).width).toBeGreaterThanOrEqual(displayWidth('单位') + 2);
    const m = await workbook(`/api/hubs/${tree.K.id}/rankings.xlsx?period=month&month=${thisMonth()}`);
    expectHouseLayout(m.wb.getWorksheet('排名')!, 2);
  });

  it('notice: the 采用目录 sheet shows Beijing times, and LibreOffice converts the workbook to PDF', async () => {
    const { wb, bytes } = await workbook(`/api/notices/${noticeId}/xlsx`);
    const ranking = wb.getWorksheet('排名表')!;
    expectHouseLayout(ranking, 3);
    const list = wb.getWorksheet('采用目录')!;
    expectHouseLayout(list, 1);
    const times = [] as Date[];
    for (let r = 2; r <= list.rowCount; r++) times.push(list.getRow(r).getCell(5).value as Date);
    expect(times.map((d) => `${d.getUTCDate()} ${d.getUTCHours()}:${d.getUTCMinutes()}`).sort()).toEqual([
      '15 23:20',
      '16 1:30',
    ]);
    expectHouseLayout(wb.getWorksheet('滞后单位')!, 1);

    const dir = mkdtempSync(join(tmpdir(), 'zx-xlsx-'));
    try {
      const file = join(dir, 'notice.xlsx');
      writeFileSync(file, bytes);
      await promisify(execFile)(
        'soffice',
        [
          `-env:UserInstallation=file://${dir}/profile`,
          '--headless',
          '--convert-to',
          'pdf',
          '--outdir',
          dir,
          file,
        ],
        { timeout: 120_000 },
      );
      const pdf = join(dir, 'notice.pdf');
      expect(existsSync(pdf)).toBe(true);
      const text = readFileSync(pdf).toString('latin1');
      expect(text.startsWith('%PDF-')).toBe(true);
      // Printed landscape: every page's MediaBox is wider than tall (A4 841.9 × 595.3 points).
      const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
      expect(boxes.length).toBeGreaterThan(0);
      for (const [, w, h] of boxes) expect(Number(w)).toBeGreaterThan(Number(h));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
