import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptions } from '../../src/server/modules/items/schema.js';
import { directReportPoints } from '../../src/server/modules/orgs/schema.js';
import { periodicals } from '../../src/server/modules/periodicals/schema.js';
import { SharedComputations } from '../../src/server/modules/scoring/figures-cache.js';
import type { Ranking, UnitFigures } from '../../src/server/modules/scoring/ranking.js';
import { scoreEntries } from '../../src/server/modules/scoring/schema.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildOrg, buildOrgTree, type OrgTree } from '../helpers/factories.js';
import {
  expectAggregatesMatchLedger,
  flow,
  rules,
  thisMonth,
  thisYear,
  type Detail,
} from './scoring-flow.js';

let t: TestApp;
let tree: OrgTree;
const f = flow(
  () => t,
  () => tree,
);
/** 《省政务信息·互联网》: a second province periodical. */
let P2: string;

interface Row {
  orgId: string;
  points: number;
  rank: number;
  tied: boolean;
  submitted: number;
  submittedByLevel: Record<string, number>;
  adopted: number;
  adoptions: number;
  adoptedOfSubmitted: number;
  adoptionRate: number | null;
  instructions: number;
  zeroed: boolean;
  adoptedByPeriodical: { periodicalId: string; count: number }[];
}
interface Entry {
  id: string;
  orgId: string;
  kind: string;
  points: number;
  explanation: string;
  causeId: string | null;
  manual: boolean;
  createdByName: string | null;
}

const ledger = async (hubId: string, user: string) => {
  const r = await (await f.as(user)).get(`/api/hubs/${hubId}/score-entries?limit=500`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ rows: Entry[] }>().rows;
};
const ranking = async (hubId: string, user: string, query = `period=month&month=${thisMonth()}`) => {
  const r = await (await f.as(user)).get(`/api/hubs/${hubId}/rankings?${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<RankingsView>();
};
interface RankingsView {
  rows: Row[];
  abilities: Record<string, boolean>;
  page: { page: number; pageSize: number; total: number };
  summary: {
    units: number;
    submitted: number;
    adopted: number;
    adoptions: number;
    instructions: number;
    submittedByLevel: Record<string, number>;
  };
  leaders: Record<'points' | 'submitted' | 'adopted', { orgId: string; label: string; value: number }[]>;
}
const sumFor = (rows: Entry[], orgId: string) =>
  Math.round(rows.filter((e) => e.orgId === orgId).reduce((s, e) => s + e.points, 0) * 100) / 100;

let item: Detail;
let adoptionP2: string;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildOrgTree(t.app.database.db);
  P2 = randomUUID();
  await t.app.database.db
    .insert(periodicals)
    .values({ id: P2, hubId: tree.P.id, name: '省政务信息·互联网', kind: 'regular' });

  // The county counts its own periodical, the city's and the province's; ×2 at city, ×3 at province when it forwarded.
  const k = await (
    await f.as(tree.K.chief)
  ).put(
    `/api/hubs/${tree.K.id}/scoring-rules`,
    rules({
      periodicals: [
        { periodicalId: tree.K.periodicalId, single: 1, combined: 0.5 },
        { periodicalId: tree.C.periodicalId, single: 3, combined: 1 },
        { periodicalId: tree.P.periodicalId, single: 4, combined: 2 },
      ],
      forwardMultipliers: { city: 2, province: 3 },
      instructionBonus: { city: 5 },
    }),
  );
  expect(k.statusCode, k.body).toBe(200);

  // T's item, co-reported with S: adopted by the county, forwarded, adopted by the city, forwarded, adopted
  // by the province into two periodicals (单篇 and 综合).
  item = await f.submittedItem('某街道网格化治理办结率达98.6%', { coReporterOrgIds: [tree.S.id] });
  const hopK = item.hops[0]!.id;
  await f.receive(tree.K.editor, hopK);
  await f.adopt(tree.K.editor, hopK, tree.K.periodicalId);
  const hopC = await f.forward(tree.K.editor, hopK, tree.C.id);
  await f.receive(tree.C.editor, hopC);
  await f.adopt(tree.C.editor, hopC, tree.C.periodicalId);
  const hopP = await f.forward(tree.C.editor, hopC, tree.P.id);
  await f.receive(tree.P.editor, hopP);
  await f.adopt(tree.P.editor, hopP, tree.P.periodicalId, 'single');
  const last = await f.adopt(tree.P.editor, hopP, P2, 'combined');
  adoptionP2 = last.adoptions.find((a) => a.periodicalName === '省政务信息·互联网')!.id;
});
afterAll(async () => t.close());

describe('the ledger', () => {
  it('credits the county’s units on every adoption, split for the co-report, ×multiplier after the county forwarded', async () => {
    const rows = await ledger(tree.K.id, tree.K.editor);
    const t1 = rows
      .filter((e) => e.orgId === tree.T.id)
      .map((e) => e.explanation)
      .sort();
    expect(t1).toEqual(
      [
        '《县政府办政务信息》单篇采用 1分 ÷2（合报） = 0.5分',
        '《市政府办政务信息》单篇采用 3分 ×2（经本级转报） ÷2（合报） = 3分',
        '《省政府办公厅政务信息》单篇采用 4分 ×3（经本级转报） ÷2（合报） = 6分',
      ].sort(),
    );
    expect(sumFor(rows, tree.T.id)).toBe(9.5);
    expect(sumFor(rows, tree.S.id)).toBe(9.5);
    expect(rows.every((e) => e.kind === 'adoption' && e.causeId && !e.manual)).toBe(true);
  });

  it('each adoption’s incremental credit equals a full recompute of the hub (nothing to change)', async () => {
    const chief = await f.as(tree.K.chief);
    const r = await chief.post(`/api/hubs/${tree.K.id}/scoring/recompute`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
  });

  it('a city’s rules created after the adoptions recompute its ledger: the county is credited as forwarder', async () => {
    const put = await (
      await f.as(tree.C.chief)
    ).put(
      `/api/hubs/${tree.C.id}/scoring-rules`,
      rules({
        periodicals: [
          { periodicalId: tree.C.periodicalId, single: 1, combined: 0.5 },
          { periodicalId: tree.P.periodicalId, single: 4, combined: 2 },
          { periodicalId: P2, single: 2, combined: 1 },
        ],
        forwardMultipliers: { province: 2, national: 5 },
        instructionBonus: { city: 5, province: 10 },
      }),
    );
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().recomputed).toEqual({ inserted: 3, updated: 0, deleted: 0 });
    const rows = await ledger(tree.C.id, tree.C.editor);
    expect(rows.map((e) => e.explanation).sort()).toEqual(
      [
        '《市政府办政务信息》单篇采用 1分（转报单位） = 1分',
        '《省政府办公厅政务信息》单篇采用 4分 ×2（经本级转报）（转报单位） = 8分',
        '《省政务信息·互联网》综合采用 1分 ×2（经本级转报）（转报单位） = 2分',
      ].sort(),
    );
    expect(sumFor(rows, tree.K.id)).toBe(11);
    expect(rows.some((e) => e.orgId === tree.T.id)).toBe(false);
  });

  it('recomputing twice changes nothing', async () => {
    const before = await ledger(tree.C.id, tree.C.editor);
    const chief = await f.as(tree.C.chief);
    for (let i = 0; i < 2; i++) {
      const r = await chief.post(`/api/hubs/${tree.C.id}/scoring/recompute`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    }
    expect(await ledger(tree.C.id, tree.C.editor)).toEqual(before);
  });

  it('a leader’s instruction earns the bonus by the leader’s level, split like the points', async () => {
    const r = await (
      await f.as(tree.C.leader)
    ).post('/api/instructions', { itemId: item.id, text: '经验很好，请总结推广。' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ leaderOrgId: tree.C.id, leaderLevel: 'city' });
    const k = (await ledger(tree.K.id, tree.K.editor)).filter((e) => e.kind === 'instruction');
    expect(k.map((e) => [e.orgId, e.points, e.explanation]).sort()).toEqual(
      [
        [tree.S.id, 2.5, '市级领导批示 5分 ÷2（合报） = 2.5分'],
        [tree.T.id, 2.5, '市级领导批示 5分 ÷2（合报） = 2.5分'],
      ].sort(),
    );
    const c = (await ledger(tree.C.id, tree.C.editor)).filter((e) => e.kind === 'instruction');
    expect(c.map((e) => [e.orgId, e.points])).toEqual([[tree.K.id, 5]]);
    const notLeader = await (
      await f.as(tree.C.editor)
    ).post('/api/instructions', { itemId: item.id, text: '阅' });
    expect(notLeader.statusCode).toBe(403);
    const outside = await (
      await f.as(tree.K2.leader)
    ).post('/api/instructions', { itemId: item.id, text: '阅' });
    expect(outside.statusCode).toBe(404);
  });

  it('revoking an adoption removes its points; a rule change recomputes the rest', async () => {
    const rev = await (
      await f.as(tree.P.editor)
    ).post(`/api/adoptions/${adoptionP2}/revoke`, { reason: '重复采用' });
    expect(rev.statusCode, rev.body).toBe(200);
    const rows = await t.app.database.db
      .select()
      .from(scoreEntries)
      .where(and(eq(scoreEntries.causeId, adoptionP2)));
    expect(rows).toHaveLength(0);
    expect(sumFor(await ledger(tree.C.id, tree.C.editor), tree.K.id)).toBe(1 + 8 + 5);

    const put = await (
      await f.as(tree.C.chief)
    ).put(
      `/api/hubs/${tree.C.id}/scoring-rules`,
      rules({
        periodicals: [
          { periodicalId: tree.C.periodicalId, single: 1, combined: 0.5 },
          { periodicalId: tree.P.periodicalId, single: 5, combined: 2 },
        ],
        rowVersion: 1,
        forwardMultipliers: { province: 2 },
        instructionBonus: { city: 5 },
      }),
    );
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().recomputed).toEqual({ inserted: 0, updated: 1, deleted: 0 });
    expect(sumFor(await ledger(tree.C.id, tree.C.editor), tree.K.id)).toBe(1 + 10 + 5);
  });
});

describe('rankings', () => {
  it('ranks the county’s units with explicit ties (1, 1, 3) and counts submissions, adoptions and rate', async () => {
    const r = await ranking(tree.K.id, tree.K.editor);
    const byOrg = new Map(r.rows.map((x) => [x.orgId, x]));
    expect(byOrg.get(tree.T.id)).toMatchObject({
      points: 12,
      rank: 1,
      tied: true,
      submitted: 1,
      adopted: 1,
      adoptions: 3,
      adoptedOfSubmitted: 1,
      adoptionRate: 1,
      instructions: 1,
    });
    expect(byOrg.get(tree.T.id)!.submittedByLevel).toEqual({ county: 1, city: 0, province: 0, national: 0 });
    // S co-reported: credited, but it submitted nothing itself.
    expect(byOrg.get(tree.S.id)).toMatchObject({
      points: 12,
      rank: 1,
      tied: true,
      submitted: 0,
      adoptionRate: null,
    });
    expect(byOrg.get(tree.D.id)).toMatchObject({ points: 0, rank: 3, tied: false });
    expect(r.rows.map((x) => x.orgId)).not.toContain(tree.U.id);
  });

  it('counts a hub unit’s forwarded items by target level; manual points and ties among the counties', async () => {
    const chief = await f.as(tree.C.chief);
    const bonus = await chief.post(`/api/hubs/${tree.C.id}/score-entries`, {
      kind: 'manual_bonus',
      orgId: tree.K2.id,
      points: 125,
      reason: '《建议加快苏南机场建设》被采纳',
    });
    expect(bonus.statusCode, bonus.body).toBe(201);
    expect(bonus.json()).toMatchObject({ points: 125, manual: true, kind: 'manual_bonus' });
    expect(bonus.json().createdByName).toContain('主编');
    let r = await ranking(tree.C.id, tree.C.editor);
    expect(r.rows.map((x) => [x.orgId, x.points, x.rank, x.tied])).toEqual([
      [tree.K2.id, 125, 1, false],
      [tree.K.id, 16, 2, false],
    ]);
    const k = r.rows.find((x) => x.orgId === tree.K.id)!;
    expect(k.submittedByLevel).toEqual({ county: 0, city: 1, province: 0, national: 0 });
    expect(k.adoptedByPeriodical.find((p) => p.periodicalId === tree.P.periodicalId)?.count).toBe(1);

    await chief.post(`/api/hubs/${tree.C.id}/score-entries`, {
      kind: 'manual_deduction',
      orgId: tree.K2.id,
      points: 109,
      reason: '重复报送',
    });
    r = await ranking(tree.C.id, tree.C.editor);
    expect(r.rows.map((x) => [x.points, x.rank, x.tied])).toEqual([
      [16, 1, true],
      [16, 1, true],
    ]);
  });

  it('penalties use the rule’s points; two missed solicitations zero the year but not the month', async () => {
    const chief = await f.as(tree.C.chief);
    const late = await chief.post(`/api/hubs/${tree.C.id}/score-entries`, {
      kind: 'penalty',
      orgId: tree.K.id,
      penaltyType: 'late',
      reason: '某事件迟报2小时',
    });
    expect(late.statusCode, late.body).toBe(201);
    expect(late.json()).toMatchObject({ points: -2 });
    expect(late.json().explanation).toContain('迟报');
    for (const reason of ['一季度约稿未报', '二季度约稿未报'])
      expect(
        (
          await chief.post(`/api/hubs/${tree.C.id}/score-entries`, {
            kind: 'missed_solicitation',
            orgId: tree.K.id,
            reason,
          })
        ).statusCode,
      ).toBe(201);
    const month = (await ranking(tree.C.id, tree.C.editor)).rows.find((x) => x.orgId === tree.K.id)!;
    expect(month).toMatchObject({ points: 14, zeroed: false });
    const year = await ranking(tree.C.id, tree.C.editor, `period=year&year=${thisYear()}`);
    expect(year.rows.find((x) => x.orgId === tree.K.id)).toMatchObject({ points: 0, zeroed: true, rank: 2 });
    expect(year.rows.find((x) => x.orgId === tree.K2.id)).toMatchObject({ points: 16, rank: 1 });
  });

  it('pages the ranked units; the sums and the chart’s leaders cover every unit whatever the page', async () => {
    const q = `period=year&year=${thisYear()}`;
    const all = await ranking(tree.K.id, tree.K.editor, q);
    const n = all.rows.length;
    expect(n).toBeGreaterThan(2);
    const pages: RankingsView[] = [];
    for (let page = 1; page <= n + 1; page++)
      pages.push(await ranking(tree.K.id, tree.K.editor, `${q}&page=${page}&pageSize=1`));
    expect(pages.flatMap((p) => p.rows)).toEqual(all.rows);
    expect(pages[n]!.rows).toEqual([]);
    const sum = (k: 'submitted' | 'adopted' | 'adoptions' | 'instructions') =>
      all.rows.reduce((s, x) => s + x[k], 0);
    for (const p of pages) {
      expect(p.page).toMatchObject({ pageSize: 1, total: n });
      expect(p.summary).toMatchObject({
        units: n,
        submitted: sum('submitted'),
        adopted: sum('adopted'),
        adoptions: sum('adoptions'),
        instructions: sum('instructions'),
      });
      expect(p.summary.submittedByLevel.county).toBe(
        all.rows.reduce((s, x) => s + (x.submittedByLevel.county ?? 0), 0),
      );
      expect(p.leaders).toEqual(all.leaders);
    }
    expect(all.leaders.points.map((x) => x.orgId)).toEqual(all.rows.slice(0, 15).map((x) => x.orgId));
    const bySubmitted = all.leaders.submitted.map((x) => x.value);
    expect(bySubmitted).toEqual([...bySubmitted].sort((a, b) => b - a));
    expect(all.leaders.adopted[0]!.value).toBe(Math.max(...all.rows.map((x) => x.adopted)));
    const e = await f.as(tree.K.editor);
    for (const bad of ['pageSize=0', 'pageSize=501', 'page=0', 'page=x']) {
      const r = await e.get(`/api/hubs/${tree.K.id}/rankings?${q}&${bad}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().details.field, bad).toBe(bad.split('=')[0]);
    }
  });

  it('an empty past period ranks everyone first, tied at 0', async () => {
    const r = await ranking(tree.C.id, tree.C.editor, 'period=custom&from=2020-01-01&to=2020-01-31');
    expect(r.rows.every((x) => x.points === 0 && x.rank === 1 && x.tied)).toBe(true);
  });

  it('with the cache off, readers asking at once share computations; one asking after a change sees it', async () => {
    // The test app runs with the cache off (tests/helpers/app.ts): every reader computes, sharing.
    const reader = t.app.rankingCache;
    expect(reader).toBeInstanceOf(SharedComputations);
    const counts = () => (reader as SharedComputations<UnitFigures, Ranking>).counts;
    const editor = await f.as(tree.C.editor);
    const chief = await f.as(tree.C.chief);
    const read = () => editor.get(`/api/hubs/${tree.C.id}/rankings?period=month&month=${thisMonth()}`);
    const pointsOfK2 = (body: string) =>
      (JSON.parse(body) as RankingsView).rows.find((x) => x.orgId === tree.K2.id)!.points;

    const before = counts();
    const crowd = await Promise.all(Array.from({ length: 12 }, read));
    expect(crowd.map((r) => r.statusCode)).toEqual(Array<number>(12).fill(200));
    expect(new Set(crowd.map((r) => r.body)).size).toBe(1);
    const after = counts();
    // Every reader was answered by a computation, its own or one it shared; fewer than one each.
    expect(after.computations - before.computations + (after.shared - before.shared)).toBe(12);
    expect(after.computations - before.computations).toBeLessThan(12);
    const was = pointsOfK2(crowd[0]!.body);

    // Readers before, during and after a change: those asking after it was committed all see it, even when
    // they arrive while a computation begun before the commit is still running.
    const early = Array.from({ length: 6 }, read);
    const bonus = await chief.post(`/api/hubs/${tree.C.id}/score-entries`, {
      kind: 'manual_bonus',
      orgId: tree.K2.id,
      points: 7,
      reason: '并发读取排名时的加分',
    });
    expect(bonus.statusCode, bonus.body).toBe(201);
    const late = await Promise.all(Array.from({ length: 6 }, read));
    expect(late.map((r) => pointsOfK2(r.body))).toEqual(Array<number>(6).fill(was + 7));
    for (const r of await Promise.all(early)) expect([was, was + 7]).toContain(pointsOfK2(r.body));
  });
});

describe('the units a hub evaluates', () => {
  it('are the orgs whose nearest hub above it is (through non-hub parents, not into child hubs) plus its 直报点', async () => {
    const db = t.app.database.db;
    const sub = await buildOrg(db, {
      name: '县财政局国库中心',
      parentId: tree.D.id,
      level: 'township',
      kind: 'affiliated',
    });
    await db.insert(directReportPoints).values({ orgId: tree.T.id, hubId: tree.C.id });
    const k = (await ranking(tree.K.id, tree.K.editor)).rows.map((r) => r.orgId).sort();
    expect(k).toEqual([tree.T.id, tree.S.id, tree.D.id, sub].sort());
    const c = (await ranking(tree.C.id, tree.C.editor)).rows.map((r) => r.orgId).sort();
    expect(c).toEqual([tree.K.id, tree.K2.id, tree.T.id].sort());
    const p = (await ranking(tree.P.id, tree.P.editor)).rows.map((r) => r.orgId);
    expect(p).toEqual([tree.C.id]);
    const listed = (await (await f.as(tree.C.editor)).get(`/api/hubs/${tree.C.id}/evaluated-units`)).json<
      { id: string }[]
    >();
    expect(listed.map((u) => u.id).sort()).toEqual(c);
    await db.delete(directReportPoints).where(eq(directReportPoints.orgId, tree.T.id));
  });
});

describe('scorable periodicals', () => {
  it('are the hub’s own and every higher hub’s, own first; other hubs get 404', async () => {
    const res = await (await f.as(tree.K.chief)).get(`/api/hubs/${tree.K.id}/scorable-periodicals`);
    const ids = res.json<{ id: string; hubId: string }[]>().map((p) => p.id);
    expect(ids[0]).toBe(tree.K.periodicalId);
    expect(ids).toEqual(expect.arrayContaining([tree.C.periodicalId, tree.P.periodicalId, P2]));
    expect(ids).not.toContain(tree.K2.periodicalId);
    expect(
      (await (await f.as(tree.K2.editor)).get(`/api/hubs/${tree.K.id}/scorable-periodicals`)).statusCode,
    ).toBe(404);
  });
});

describe('validation and authorization', () => {
  it('refuses periodicals that are not the hub’s own or an ancestor’s, naming the field', async () => {
    const sibling = await (
      await f.as(tree.K.chief)
    ).put(
      `/api/hubs/${tree.K.id}/scoring-rules`,
      rules({ periodicals: [{ periodicalId: tree.K2.periodicalId, single: 1, combined: 1 }] }),
    );
    expect(sibling.statusCode).toBe(400);
    expect(sibling.json().details.field).toBe('periodicals.0.periodicalId');
    const lower = await (
      await f.as(tree.C.chief)
    ).put(
      `/api/hubs/${tree.C.id}/scoring-rules`,
      rules({ periodicals: [{ periodicalId: tree.K.periodicalId, single: 1, combined: 1 }] }),
    );
    expect(lower.statusCode).toBe(400);
    const bad = await (
      await f.as(tree.C.chief)
    ).put(`/api/hubs/${tree.C.id}/scoring-rules`, { periodicals: 'x' });
    expect(bad.statusCode).toBe(400);
  });

  it('validates periods with the field named', async () => {
    const e = await f.as(tree.C.editor);
    const noMonth = await e.get(`/api/hubs/${tree.C.id}/rankings?period=month`);
    expect(noMonth.statusCode).toBe(400);
    expect(noMonth.json().details.field).toContain('month');
    expect((await e.get(`/api/hubs/${tree.C.id}/rankings?period=month&month=2026-13`)).statusCode).toBe(400);
    expect(
      (await e.get(`/api/hubs/${tree.C.id}/rankings?period=custom&from=2026-02-01&to=2026-01-01`)).statusCode,
    ).toBe(400);
  });

  it('other hubs get 404; members without the role get 403; units cannot be scored outside the hub', async () => {
    const other = await f.as(tree.K2.editor);
    expect(
      (await other.get(`/api/hubs/${tree.K.id}/rankings?period=month&month=${thisMonth()}`)).statusCode,
    ).toBe(404);
    expect((await other.get(`/api/hubs/${tree.K.id}/score-entries`)).statusCode).toBe(404);
    expect((await other.get(`/api/hubs/${tree.K.id}/scoring-rules`)).statusCode).toBe(404);
    const writer = await f.as(tree.T.writer);
    expect((await writer.get(`/api/hubs/${tree.K.id}/rankings?period=year&year=2026`)).statusCode).toBe(404);
    const editor = await f.as(tree.K.editor);
    const put = await editor.put(`/api/hubs/${tree.K.id}/scoring-rules`, rules({}));
    expect(put.statusCode).toBe(403);
    const entry = await editor.post(`/api/hubs/${tree.K.id}/score-entries`, {
      kind: 'manual_bonus',
      orgId: tree.T.id,
      points: 1,
      reason: 'x',
    });
    expect(entry.statusCode).toBe(403);
    const outside = await (
      await f.as(tree.K.chief)
    ).post(`/api/hubs/${tree.K.id}/score-entries`, {
      kind: 'manual_bonus',
      orgId: tree.U.id,
      points: 1,
      reason: '不在本县',
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().details.field).toBe('orgId');
    const view = await ranking(tree.K.id, tree.K.editor);
    expect(view.abilities).toMatchObject({ edit_rules: false, compose_notice: true });
  });
});

describe('concurrent adoptions', () => {
  it('of one hop into one periodical: one succeeds, the other is 409 and writes no adoption or ledger row', async () => {
    const fresh = await f.submittedItem('某街道开展冬季消防安全检查');
    const hop = fresh.hops[0]!.id;
    await f.receive(tree.K.editor, hop);
    const answers = await Promise.all(
      [tree.K.editor, tree.K.chief].map(async (u) =>
        (await f.as(u)).post(`/api/hops/${hop}/adopt`, { periodicalId: tree.K.periodicalId, type: 'single' }),
      ),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const db = t.app.database.db;
    const made = await db.select().from(adoptions).where(eq(adoptions.hopId, hop));
    expect(made).toHaveLength(1);
    // The ledger rows are the winner's, once each: the loser's statement wrote nothing.
    const rows = await db.select().from(scoreEntries).where(eq(scoreEntries.itemId, fresh.id));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.causeId))).toEqual(new Set([made[0]!.id]));
    expect(new Set(rows.map((r) => `${r.hubId}/${r.orgId}`)).size).toBe(rows.length);
  });
});

describe('pre-aggregated statistics', () => {
  it('equal the ledger and hops after every write above', async () => {
    await expectAggregatesMatchLedger(t.app.database.db, [tree.P.id, tree.C.id, tree.K.id, tree.K2.id]);
  });
});
