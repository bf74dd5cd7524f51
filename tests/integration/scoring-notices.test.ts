import { and, eq, isNotNull } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { noticeRecipients } from '../../src/server/modules/scoring/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildOrgTree, type OrgTree } from '../helpers/factories.js';
import { expectAggregatesMatchLedger, flow, rules, thisMonth, thisYear } from './scoring-flow.js';

let t: TestApp;
let tree: OrgTree;
const f = flow(
  () => t,
  () => tree,
);

interface NoticeView {
  id: string;
  state: string;
  title: string;
  periodLabel: string;
  abilities: Record<string, boolean>;
  snapshot: {
    rows: {
      orgId: string;
      orgName: string;
      submitted: number;
      adopted: number;
      points: number;
      rank: number;
      tied: boolean;
      lagging: boolean;
      missed: string[];
      adoptedTitles: { title: string; periodicalName: string; typeLabel: string; adoptedAt: string }[];
    }[];
    lagging: { orgId: string; missed: string[] }[];
  };
}

const month = thisMonth();

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildOrgTree(t.app.database.db);
  const put = await (
    await f.as(tree.K.chief)
  ).put(
    `/api/hubs/${tree.K.id}/scoring-rules`,
    rules({
      periodicals: [
        { periodicalId: tree.K.periodicalId, single: 1, combined: 0.5 },
        { periodicalId: tree.C.periodicalId, single: 3, combined: 1 },
        { periodicalId: tree.P.periodicalId, single: 4, combined: 2 },
      ],
    }),
  );
  expect(put.statusCode, put.body).toBe(200);
  // Two items of T: one adopted by county, city and province; one only by the county.
  const a = await f.submittedItem('某街道网格化治理办结率达98.6%');
  await f.receive(tree.K.editor, a.hops[0]!.id);
  await f.adopt(tree.K.editor, a.hops[0]!.id, tree.K.periodicalId);
  const hopC = await f.forward(tree.K.editor, a.hops[0]!.id, tree.C.id);
  await f.receive(tree.C.editor, hopC);
  await f.adopt(tree.C.editor, hopC, tree.C.periodicalId);
  const hopP = await f.forward(tree.C.editor, hopC, tree.P.id);
  await f.receive(tree.P.editor, hopP);
  await f.adopt(tree.P.editor, hopP, tree.P.periodicalId);
  const b = await f.submittedItem('某街道开展秋季安全生产大检查');
  await f.receive(tree.K.editor, b.hops[0]!.id);
  await f.adopt(tree.K.editor, b.hops[0]!.id, tree.K.periodicalId, 'combined');
  await f.submittedItem('某街道召开老旧小区改造推进会');
});
afterAll(async () => t.close());

describe('quotas', () => {
  let townshipQuota: string;

  it('creates quotas per category and per unit; refuses a unit outside the hub; deactivates on DELETE', async () => {
    const chief = await f.as(tree.K.chief);
    const empty = (await chief.get(`/api/hubs/${tree.K.id}/quotas`)).json<{
      abilities: { manage_quotas: boolean };
    }>();
    expect(empty.abilities.manage_quotas).toBe(true);
    const asEditor = (await (await f.as(tree.K.editor)).get(`/api/hubs/${tree.K.id}/quotas`)).json<{
      abilities: { manage_quotas: boolean };
    }>();
    expect(asEditor.abilities.manage_quotas).toBe(false);
    const q = await chief.post(`/api/hubs/${tree.K.id}/quotas`, {
      orgKind: 'township',
      period: 'month',
      minSubmitted: { county: 15 },
      minAdoptionRate: 0.2,
    });
    expect(q.statusCode, q.body).toBe(201);
    expect(q.json()).toMatchObject({
      scopeLabel: '全部乡镇/街道',
      description: '每月：向县级报送≥15篇，采用率≥20%',
    });
    townshipQuota = q.json().id;
    const daily = await chief.post(`/api/hubs/${tree.K.id}/quotas`, {
      orgId: tree.D.id,
      period: 'day',
      minSubmitted: { county: 3 },
    });
    expect(daily.statusCode, daily.body).toBe(201);
    const outside = await chief.post(`/api/hubs/${tree.K.id}/quotas`, {
      orgId: tree.U.id,
      period: 'month',
      minSubmitted: { county: 1 },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().details.field).toBe('orgId');
    const both = await chief.post(`/api/hubs/${tree.K.id}/quotas`, {
      orgId: tree.D.id,
      orgKind: 'department',
      period: 'month',
    });
    expect(both.statusCode).toBe(400);
    const byEditor = await (
      await f.as(tree.K.editor)
    ).post(`/api/hubs/${tree.K.id}/quotas`, { period: 'month' });
    expect(byEditor.statusCode).toBe(403);
    const temp = (await chief.post(`/api/hubs/${tree.K.id}/quotas`, { period: 'week', minAdopted: 9 })).json()
      .id;
    const del = await chief.send('DELETE', `/api/hubs/${tree.K.id}/quotas/${temp}`);
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json().active).toBe(false);
    const patch = await chief.send('PATCH', `/api/hubs/${tree.K.id}/quotas/${townshipQuota}`, {
      rowVersion: 1,
      minSubmitted: { county: 15, city: 10, province: 5 },
    });
    expect(patch.json().description).toBe(
      '每月：向省级报送≥5篇，向市级报送≥10篇，向县级报送≥15篇，采用率≥20%',
    );
    const list = await (await f.as(tree.K.editor)).get(`/api/hubs/${tree.K.id}/quotas`);
    expect(list.json().rows).toHaveLength(3);
  });

  it('lists lagging units with what each missed, daily quotas scaled to the month', async () => {
    const r = await (
      await f.as(tree.K.editor)
    ).get(`/api/hubs/${tree.K.id}/lagging?period=month&month=${month}`);
    expect(r.statusCode, r.body).toBe(200);
    const rows = r.json<{ rows: { orgId: string; missed: string[] }[] }>().rows;
    const T = rows.find((x) => x.orgId === tree.T.id)!;
    expect(T.missed).toEqual([
      '向省级报送 0/5 篇（每月指标）',
      '向市级报送 0/10 篇（每月指标）',
      '向县级报送 3/15 篇（每月指标）',
    ]);
    const D = rows.find((x) => x.orgId === tree.D.id)!;
    const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).getUTCDate();
    expect(D.missed).toEqual([`向县级报送 0/${3 * days} 篇（每日≥3篇，按本期折算）`]);
  });

  it('shows the unit its progress on the 工作台', async () => {
    const r = await (await f.as(tree.T.writer)).get('/api/quota-progress');
    expect(r.statusCode, r.body).toBe(200);
    const rows = r.json<{
      rows: {
        orgId: string;
        hubId: string;
        period: string;
        check: { met: boolean; required: { label: string }[] };
      }[];
    }>().rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ orgId: tree.T.id, hubId: tree.K.id, period: 'month' });
    expect(rows[0]!.check.required.map((x) => x.label)).toContain('采用率 66.67%/20%');
    expect(rows[0]!.check.met).toBe(false);
    const none = await (await f.as(tree.U.writer)).get('/api/quota-progress');
    expect(none.json().rows).toEqual([]);
  });
});

describe('the monthly notice', () => {
  let notice: NoticeView;

  it('freezes a snapshot: ranking table, adopted titles, lagging units', async () => {
    const r = await (
      await f.as(tree.K.editor)
    ).post(`/api/hubs/${tree.K.id}/notices`, {
      title: `关于${month}政务信息报送采用情况的通报`,
      remarks: '现将本月各单位政务信息报送、采用情况通报如下。',
      period: 'month',
      month,
    });
    expect(r.statusCode, r.body).toBe(201);
    // The answer is the summary (a province's table is large); the notice itself is read with GET.
    expect(r.json()).not.toHaveProperty('snapshot');
    expect(r.headers.location).toBe(`/api/notices/${r.json<NoticeView>().id}`);
    notice = (await (await f.as(tree.K.editor)).get(r.headers.location as string)).json<NoticeView>();
    expect(notice.state).toBe('draft');
    const T = notice.snapshot.rows.find((x) => x.orgId === tree.T.id)!;
    expect(T).toMatchObject({
      submitted: 3,
      adopted: 2,
      points: 1 + 3 + 4 + 0.5,
      rank: 1,
      tied: false,
      lagging: true,
    });
    expect(T.adoptedTitles.map((x) => x.title).sort()).toEqual(
      [
        '某街道开展秋季安全生产大检查',
        '某街道网格化治理办结率达98.6%',
        '某街道网格化治理办结率达98.6%',
        '某街道网格化治理办结率达98.6%',
      ].sort(),
    );
    // Built in the database: ISO times in UTC, each unit's titles in adoption order, rows in rank order.
    for (const row of notice.snapshot.rows) {
      const times = row.adoptedTitles.map((x) => x.adoptedAt);
      for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(times).toEqual([...times].sort());
    }
    expect(T.adoptedTitles.map((x) => x.typeLabel)).toContain('单篇采用');
    const ranks = notice.snapshot.rows.map((x) => x.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(notice.snapshot.lagging.map((l) => l.orgId).sort()).toEqual(
      [tree.T.id, tree.S.id, tree.D.id].sort(),
    );
    expect(notice.abilities).toMatchObject({ issue: false });
  });

  it('later data does not change it', async () => {
    await (
      await f.as(tree.K.chief)
    ).post(`/api/hubs/${tree.K.id}/score-entries`, {
      kind: 'manual_bonus',
      orgId: tree.S.id,
      points: 125,
      reason: '建议被领导采纳',
    });
    const live = await (
      await f.as(tree.K.editor)
    ).get(`/api/hubs/${tree.K.id}/rankings?period=month&month=${month}`);
    expect(live.json().rows[0]).toMatchObject({ orgId: tree.S.id, points: 125 });
    const again = await (await f.as(tree.K.editor)).get(`/api/notices/${notice.id}`);
    expect(again.json<NoticeView>().snapshot).toEqual(notice.snapshot);
  });

  it('SEC-26 only the chief editor issues it, once; units read it, the receipt only by POST, once', async () => {
    const draftRead = await (await f.as(tree.T.writer)).get(`/api/notices/${notice.id}`);
    expect(draftRead.statusCode).toBe(404);
    expect((await (await f.as(tree.K.editor)).post(`/api/notices/${notice.id}/issue`)).statusCode).toBe(403);
    const issued = await (await f.as(tree.K.chief)).post(`/api/notices/${notice.id}/issue`);
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json().state).toBe('issued');
    expect((await (await f.as(tree.K.chief)).post(`/api/notices/${notice.id}/issue`)).statusCode).toBe(409);
    const w = await f.as(tree.T.writer);
    const mine = await w.get('/api/notices');
    expect(mine.json().rows).toMatchObject([{ id: notice.id, orgId: tree.T.id, read: false }]);
    expect((await w.get(`/api/notices/${notice.id}`)).statusCode).toBe(200);
    expect((await w.get(`/api/notices/${notice.id}/docx`)).statusCode).toBe(200);
    expect((await w.get('/api/notices')).json().rows[0].read).toBe(false); // SEC-26: a GET records nothing
    const posts = await Promise.all(
      Array.from({ length: 10 }, () => w.post(`/api/notices/${notice.id}/read`)),
    );
    expect(posts.map((p) => p.statusCode)).toEqual(Array(10).fill(200));
    expect((await w.get('/api/notices')).json().rows[0].read).toBe(true);
    const receipts = await t.app.database.db
      .select()
      .from(noticeRecipients)
      .where(and(eq(noticeRecipients.noticeId, notice.id), isNotNull(noticeRecipients.firstReadAt)));
    expect(receipts).toHaveLength(1);
    expect((await (await f.as(tree.U.writer)).get(`/api/notices/${notice.id}`)).statusCode).toBe(404);
    expect((await (await f.as(tree.U.writer)).get('/api/notices')).json().rows).toEqual([]);
  });

  it('exports an Excel workbook with the numbers and a Word document', async () => {
    const x = await (await f.as(tree.T.writer)).get(`/api/notices/${notice.id}/xlsx`);
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('排名表')!;
    const values: unknown[][] = [];
    ws.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    const tRow = values.find((v) => typeof v[2] === 'string' && (v[2] as string).startsWith('某街道'))!;
    expect(tRow.slice(0, 5)).toEqual([1, '', tRow[2], 3, 2]);
    expect(tRow.at(-3)).toBeCloseTo(2 / 3, 4);
    expect(tRow.at(-2)).toBe(8.5);
    expect(tRow.at(-1)).toBe('是');
    expect(wb.getWorksheet('采用目录')!.rowCount).toBe(5);
    const d = await (await f.as(tree.K.editor)).get(`/api/notices/${notice.id}/docx`);
    expect(d.statusCode).toBe(200);
    expect(d.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('rewards', () => {
  it('pays the author per adoption by the adopting periodical’s level, per officer and per unit', async () => {
    const r = await (await f.as(tree.K.editor)).get(`/api/hubs/${tree.K.id}/rewards?year=${thisYear()}`);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json<{
      officers: { name: string; count: number; amount: number }[];
      units: { orgId: string; amount: number }[];
      total: number;
    }>();
    expect(body.officers).toEqual([
      expect.objectContaining({ name: '某街道信息员', count: 4, amount: 50 + 100 + 200 + 50 }),
    ]);
    expect(body.units).toEqual([expect.objectContaining({ orgId: tree.T.id, amount: 400 })]);
    expect(body.total).toBe(400);
    const x = await (await f.as(tree.K.editor)).get(`/api/hubs/${tree.K.id}/rewards.xlsx?year=${thisYear()}`);
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('信息员')!.getRow(3).values).toEqual([
      undefined,
      '某街道信息员',
      expect.any(String),
      4,
      400,
    ]);
    expect(
      (await (await f.as(tree.K2.editor)).get(`/api/hubs/${tree.K.id}/rewards?year=2026`)).statusCode,
    ).toBe(404);
  });

  it('exports the ranking table to Excel with the same figures as the page', async () => {
    const q = `period=year&year=${thisYear()}`;
    const page = (await (await f.as(tree.K.editor)).get(`/api/hubs/${tree.K.id}/rankings?${q}`)).json<{
      rows: { orgName: string; submitted: number; adopted: number; points: number }[];
    }>();
    const x = await (await f.as(tree.K.editor)).get(`/api/hubs/${tree.K.id}/rankings.xlsx?${q}`);
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-disposition']).toContain("filename*=UTF-8''");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('排名')!;
    const header = ws.getRow(2).values as unknown[];
    const col = (name: string) => header.indexOf(name);
    for (const [i, r] of page.rows.entries()) {
      const row = ws.getRow(3 + i);
      expect(row.getCell(col('单位')).value).toBe(r.orgName);
      expect(row.getCell(col('报送合计')).value).toBe(r.submitted);
      expect(row.getCell(col('采用合计')).value).toBe(r.adopted);
      expect(row.getCell(col('积分')).value).toBeCloseTo(r.points, 2);
    }
    expect(
      (await (await f.as(tree.K2.editor)).get(`/api/hubs/${tree.K.id}/rankings.xlsx?${q}`)).statusCode,
    ).toBe(404);
  });
});

describe('pre-aggregated statistics', () => {
  it('equal the ledger and hops after every write above', async () => {
    await expectAggregatesMatchLedger(t.app.database.db, [tree.P.id, tree.C.id, tree.K.id, tree.K2.id]);
  });
});

describe('the titles of a notice', () => {
  it('are the adopted versions’ titles, whatever the hub edits after adopting', async () => {
    const item = await f.submittedItem('某街道推进垃圾分类（报送稿）');
    const hopId = item.hops[0]!.id;
    await f.receive(tree.K.editor, hopId);
    const k = await f.as(tree.K.editor);
    const edit = async (title: string) => {
      const hop = (await k.get(`/api/items/${item.id}`))
        .json<{ hops: { id: string; rowVersion: number }[] }>()
        .hops.find((h) => h.id === hopId)!;
      const r = await k.put(`/api/hops/${hopId}/content`, {
        rowVersion: hop.rowVersion,
        title,
        bodyHtml: '<p>某街道在全部小区推行垃圾分类。</p>',
      });
      expect(r.statusCode, r.body).toBe(200);
    };
    // The hub's edit is the version adopted; its later edit is not.
    await edit('某街道垃圾分类覆盖全部小区');
    await f.adopt(tree.K.editor, hopId, tree.K.periodicalId);
    await edit('某街道垃圾分类覆盖全部小区（采用后再改）');

    const r = await k.post(`/api/hubs/${tree.K.id}/notices`, { title: '采用标题', period: 'month', month });
    expect(r.statusCode, r.body).toBe(201);
    const notice = (await k.get(r.headers.location as string)).json<NoticeView>();
    const titles = notice.snapshot.rows.find((x) => x.orgId === tree.T.id)!.adoptedTitles.map((x) => x.title);
    expect(titles).toContain('某街道垃圾分类覆盖全部小区');
    expect(titles).not.toContain('某街道推进垃圾分类（报送稿）');
    expect(titles).not.toContain('某街道垃圾分类覆盖全部小区（采用后再改）');
    // Written with its audit row.
    const audit = await t.app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.event, 'scoring.notice_create'), eq(auditLog.objectId, notice.id)));
    expect(audit).toMatchObject([
      { objectType: 'notice', detail: { hubId: tree.K.id, period: notice.periodLabel } },
    ]);
  });
});
