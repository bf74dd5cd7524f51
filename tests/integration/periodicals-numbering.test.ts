import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueIssue } from '../../src/server/modules/periodicals/use-cases/issue-actions.js';
import { shanghaiYear } from '../../src/server/modules/periodicals/format.js';
import { Client } from '../helpers/app.js';
import { PASSWORD } from '../helpers/factories.js';
import {
  actorOf,
  adopt,
  adoptedAtC,
  adoptedAtK,
  at,
  signedIssue,
  submitted,
  world,
  type Issue,
  type World,
} from './periodicals-fixture.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(async () => w.t.close());

async function numbersOf(id: string) {
  return (await (await w.as(w.tree.K.editor)).get(`/api/issues/${id}`)).json<Issue>();
}

describe('numbering (年度期号 and 总期号)', () => {
  it('continues across the year boundary at midnight Beijing time, and from the paper run', async () => {
    const { K } = w.tree;
    const chief = await w.as(K.chief);
    const p = (await chief.get(`/api/periodicals/${K.periodicalId}`)).json<{ rowVersion: number }>();
    // The periodical printed 314 issues on paper, 14 of them in 2026.
    const set = await chief.send('PATCH', `/api/periodicals/${K.periodicalId}`, {
      rowVersion: p.rowVersion,
      totalNoBase: 314,
      yearNoBase: 14,
      yearNoBaseYear: 2026,
    });
    expect(set.statusCode, set.body).toBe(200);
    const actor = await actorOf(w, K.editor);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(await signedIssue(w, K, [(await adoptedAtK(w, `跨年编号测试稿件${i + 1}`)).adoptionId]));
    // 23:59:59 on 31 December in Beijing is still 2026; one second later it is 2027 there (16:00 UTC).
    await at(w, actor, new Date('2026-12-31T15:59:59Z'), (ctx) => issueIssue(ctx, ids[0]!, {}));
    await at(w, actor, new Date('2026-12-31T16:00:00Z'), (ctx) => issueIssue(ctx, ids[1]!, {}));
    await at(w, actor, new Date('2027-01-02T01:00:00Z'), (ctx) => issueIssue(ctx, ids[2]!, {}));
    const [a, b, c] = await Promise.all(ids.map(numbersOf));
    expect(a).toMatchObject({
      year: 2026,
      yearNo: 15,
      totalNo: 315,
      numberLabel: '2026年第15期（总第315期）',
    });
    expect(b).toMatchObject({ year: 2027, yearNo: 1, totalNo: 316, numberLabel: '2027年第1期（总第316期）' });
    expect(c).toMatchObject({ year: 2027, yearNo: 2, totalNo: 317 });
  });

  it('a base of an earlier year does not carry into the current one', async () => {
    const { K2 } = w.tree;
    const chief = await w.as(K2.chief);
    const p = (await chief.get(`/api/periodicals/${K2.periodicalId}`)).json<{ rowVersion: number }>();
    await chief.send('PATCH', `/api/periodicals/${K2.periodicalId}`, {
      rowVersion: p.rowVersion,
      totalNoBase: 100,
      yearNoBase: 30,
      yearNoBaseYear: 2000,
    });
    const s = await submitted(w, w.tree.U, '外县稿件');
    const id = await signedIssue(w, K2, [await adopt(w, K2, s.hopId)]);
    const issued = await (await w.as(K2.editor)).post(`/api/issues/${id}/issue`, {});
    expect(issued.json<Issue>()).toMatchObject({ year: shanghaiYear(new Date()), yearNo: 1, totalNo: 101 });
  });

  it('two issues of one periodical issued at the same moment get distinct numbers', async () => {
    const { C } = w.tree;
    const ids = [
      await signedIssue(w, C, [(await adoptedAtC(w, '并发印发稿件一')).adoptionId]),
      await signedIssue(w, C, [(await adoptedAtC(w, '并发印发稿件二')).adoptionId]),
    ];
    const editor = await w.as(C.editor);
    const chief = await Client.login(w.t.app, C.chief, PASSWORD);
    const [r1, r2] = await Promise.all([
      editor.post(`/api/issues/${ids[0]}/issue`, {}),
      chief.post(`/api/issues/${ids[1]}/issue`, {}),
    ]);
    expect([r1.statusCode, r2.statusCode], r1.body + r2.body).toEqual([200, 200]);
    const nos = [r1.json<Issue>(), r2.json<Issue>()];
    expect(nos.map((n) => n.yearNo).sort()).toEqual([1, 2]);
    expect(nos.map((n) => n.totalNo).sort()).toEqual([1, 2]);
    // The same issue issued twice at once: exactly one succeeds.
    const third = await signedIssue(w, C, [(await adoptedAtC(w, '并发印发稿件三')).adoptionId]);
    const [x, y] = await Promise.all([
      editor.post(`/api/issues/${third}/issue`, {}),
      chief.post(`/api/issues/${third}/issue`, {}),
    ]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 409]);
  });
});
