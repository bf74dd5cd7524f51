import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  followUpTasks,
  instructionFlags,
  leaderInstructions,
} from '../../src/server/modules/instructions/schema.js';
import { notifications } from '../../src/server/modules/notifications/schema.js';
import { users } from '../../src/server/modules/orgs/schema.js';
import { scoreEntries } from '../../src/server/modules/scoring/schema.js';
import { rules, thisMonth } from './scoring-flow.js';
import { adoptedAtK, issuedIssue, world, type Issue, type World } from './periodicals-fixture.js';

let w: World;
beforeAll(async () => {
  w = await world();
  const put = await (
    await w.as(w.tree.K.chief)
  ).put(
    `/api/hubs/${w.tree.K.id}/scoring-rules`,
    rules({
      periodicals: [{ periodicalId: w.tree.K.periodicalId, single: 1, combined: 0.5 }],
      instructionBonus: { county: 2, city: 5 },
    }),
  );
  expect(put.statusCode, put.body).toBe(200);
});
afterAll(async () => w.t.close());

const db = () => w.t.app.database.db;
async function userId(username: string): Promise<string> {
  const [u] = await db().select({ id: users.id }).from(users).where(eq(users.username, username));
  return u!.id;
}

interface Task {
  id: string;
  instructionId: string;
  orgId: string;
  state: string;
  status: string;
  statusLabel: string;
  overdue: boolean;
  answer: string | null;
  rowVersion: number;
  abilities: { answer: boolean };
}
interface Instruction {
  id: string;
  text: string;
  leaderOrgId: string;
  target: { kind: string; itemId: string | null; issueId: string | null; entryId: string | null };
  followUp: { dueAt: string } | null;
  tasks: Task[];
}
interface Desk {
  rows: {
    key: string;
    kind: string;
    flagId: string | null;
    item: { id: string } | null;
    issue: { id: string } | null;
  }[];
  nextCursor: string | null;
}

/** Rows of the instruction tables, to show that a refused action changed nothing. */
async function snapshot() {
  return {
    instructions: (await db().select().from(leaderInstructions)).length,
    flags: await db().select().from(instructionFlags).orderBy(instructionFlags.id),
    tasks: await db().select().from(followUpTasks).orderBy(followUpTasks.id),
  };
}

describe('leader instructions (批示) and follow-ups (落实反馈)', () => {
  it('flag → leader desk → instruct → the unit’s task → answer → the leader sees it', async () => {
    const { K, T } = w.tree;
    const a = await adoptedAtK(w, '某街道推行“街巷长制”');
    const editor = await w.as(K.editor);
    const leaderId = await userId(K.leader);

    const flagged = await editor.post('/api/instruction-flags', {
      itemId: a.itemId,
      leaderIds: [leaderId],
      note: '经验做法较好，呈请阅示',
    });
    expect(flagged.statusCode, flagged.body).toBe(201);
    expect(flagged.json()).toEqual({ created: 1, skipped: 0 });
    const again = await editor.post('/api/instruction-flags', { itemId: a.itemId, leaderIds: [leaderId] });
    expect(again.json()).toEqual({ created: 0, skipped: 1 });

    const leader = await w.as(K.leader);
    const desk = (await leader.get('/api/instructions/desk')).json<Desk>();
    expect(desk.rows.filter((r) => r.item?.id === a.itemId)).toHaveLength(1);
    const onItem = (await leader.get(`/api/items/${a.itemId}/instructions`)).json<{
      abilities: { instruct: boolean; flag: boolean };
    }>();
    expect(onItem.abilities).toEqual({ instruct: true, flag: false });

    const created = await leader.post('/api/instructions', {
      itemId: a.itemId,
      text: '此做法很好，请总结经验，在全县推广。',
      followUp: { days: 5, requirement: '请报送推广落实情况' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ins = created.json<Instruction>();
    expect(ins.tasks.map((t) => [t.orgId, t.status])).toEqual([[T.id, 'open']]);
    const after = (await leader.get('/api/instructions/desk')).json<Desk>();
    expect(after.rows.filter((r) => r.item?.id === a.itemId)).toHaveLength(0);
    const [flag] = await db()
      .select()
      .from(instructionFlags)
      .where(and(eq(instructionFlags.itemId, a.itemId), eq(instructionFlags.leaderId, leaderId)));
    expect(flag).toMatchObject({ state: 'instructed', instructionId: ins.id });
    const told = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.orgId, T.id), eq(notifications.kind, 'instruction')));
    expect(told.length).toBeGreaterThan(0);

    const writer = await w.as(T.writer);
    const list = (await writer.get('/api/follow-ups?state=open')).json<{
      rows: (Task & { instruction: Instruction })[];
    }>();
    const task = list.rows.find((r) => r.instructionId === ins.id)!;
    expect(task).toMatchObject({ statusLabel: '待反馈', abilities: { answer: true } });
    expect(task.instruction.text).toContain('全县推广');
    const seen = (await writer.get(`/api/items/${a.itemId}/instructions`)).json<{ rows: Instruction[] }>();
    expect(seen.rows.map((r) => r.id)).toEqual([ins.id]);

    // Refusals leave the task as it was.
    const before = await snapshot();
    expect(
      (await (await w.as(w.tree.S.writer)).post(`/api/follow-ups/${task.id}/answer`, { answer: '已落实' }))
        .statusCode,
    ).toBe(404);
    expect((await editor.post(`/api/follow-ups/${task.id}/answer`, { answer: '已落实' })).statusCode).toBe(
      403,
    );
    expect((await writer.post(`/api/follow-ups/${task.id}/answer`, { answer: '' })).statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);

    const answered = await writer.post(`/api/follow-ups/${task.id}/answer`, {
      answer: '已在全街道12个社区推广，建立街巷长186名。',
      rowVersion: task.rowVersion,
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json<Task>()).toMatchObject({ state: 'answered', statusLabel: '已反馈' });
    expect((await writer.post(`/api/follow-ups/${task.id}/answer`, { answer: '再次' })).statusCode).toBe(409);

    const mine = (await leader.get('/api/instructions/mine')).json<{ rows: Instruction[] }>();
    const back = mine.rows.find((r) => r.id === ins.id)!;
    expect(back.tasks[0]).toMatchObject({
      answer: '已在全街道12个社区推广，建立街巷长186名。',
      overdue: false,
    });
  });

  it('an overdue task is marked; concurrent answers: exactly one wins', async () => {
    const a = await adoptedAtK(w, '某街道开展消防安全排查');
    const leader = await w.as(w.tree.K.leader);
    const ins = (
      await leader.post('/api/instructions', {
        itemId: a.itemId,
        text: '请抓好落实。',
        followUp: { days: 1 },
      })
    ).json<Instruction>();
    await db()
      .update(followUpTasks)
      .set({ dueAt: new Date(Date.now() - 3_600_000) })
      .where(eq(followUpTasks.instructionId, ins.id));
    const writer = await w.as(w.tree.T.writer);
    const row = (await writer.get('/api/follow-ups'))
      .json<{ rows: Task[] & { instructionId: string }[] }>()
      .rows.find((r) => r.instructionId === ins.id)!;
    expect(row).toMatchObject({ status: 'overdue', statusLabel: '已逾期', overdue: true });
    const reviewer = await w.as(w.tree.T.reviewer);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? writer : reviewer).post(`/api/follow-ups/${row.id}/answer`, { answer: `反馈${i}` }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(results.every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
    const [t] = await db().select().from(followUpTasks).where(eq(followUpTasks.id, row.id));
    expect(t).toMatchObject({ state: 'answered', rowVersion: 2 });
    const mine = (await leader.get('/api/instructions/mine')).json<{ rows: Instruction[] }>();
    expect(mine.rows.find((r) => r.id === ins.id)!.tasks[0]).toMatchObject({ statusLabel: '逾期反馈' });
  });

  it('instructions on an issue are scored like instructions on items (whole issue, or one entry)', async () => {
    const { K, C, T, S } = w.tree;
    const aT = await adoptedAtK(w, '期刊批示稿件一');
    const aS = await adoptedAtK(w, '期刊批示稿件二', S);
    const issue = await issuedIssue(w, K, [aT.adoptionId, aS.adoptionId], [C.id]);
    const leader = await w.as(K.leader);
    const whole = await leader.post('/api/instructions', {
      issueId: issue.id,
      text: '本期信息很好，请各单位学习借鉴。',
    });
    expect(whole.statusCode, whole.body).toBe(201);
    const wholeId = whole.json<Instruction>().id;
    const rows = await db().select().from(scoreEntries).where(eq(scoreEntries.causeId, wholeId));
    expect(
      rows
        .filter((r) => r.hubId === K.id)
        .map((r) => [r.orgId, Number(r.points)])
        .sort(),
    ).toEqual(
      [
        [S.id, 2],
        [T.id, 2],
      ].sort(),
    );

    const entryS = issue.entries.find((e) => e.title.includes('稿件二'))!;
    const one = await leader.post('/api/instructions', {
      issueId: issue.id,
      entryId: entryS.id,
      text: '请邻街道进一步总结。',
      followUp: { days: 10 },
    });
    expect(one.statusCode, one.body).toBe(201);
    expect(one.json<Instruction>().tasks.map((t) => t.orgId)).toEqual([S.id]);
    const oneRows = await db()
      .select()
      .from(scoreEntries)
      .where(eq(scoreEntries.causeId, one.json<Instruction>().id));
    expect(oneRows.filter((r) => r.hubId === K.id).map((r) => [r.orgId, Number(r.points)])).toEqual([
      [S.id, 2],
    ]);

    // Recomputing the hub is idempotent with issue instructions in it.
    const recompute = await (await w.as(K.chief)).post(`/api/hubs/${K.id}/scoring/recompute`);
    expect(recompute.json()).toEqual({ inserted: 0, updated: 0, deleted: 0 });

    // The city received the issue: it waits on the city leader's desk until instructed or marked 已阅.
    const city = await w.as(C.leader);
    const desk = (await city.get('/api/instructions/desk')).json<Desk>();
    expect(desk.rows.map((r) => r.issue?.id)).toContain(issue.id);
    const read = await city.post('/api/instructions/desk/read', { issueId: issue.id });
    expect(read.statusCode, read.body).toBe(200);
    expect(
      (await city.get('/api/instructions/desk')).json<Desk>().rows.map((r) => r.issue?.id),
    ).not.toContain(issue.id);
    const cityIns = await city.post('/api/instructions', { issueId: issue.id, text: '阅。' });
    expect(cityIns.statusCode, cityIns.body).toBe(201);
    expect(cityIns.json<Instruction>().leaderOrgId).toBe(C.id);

    // The hub sees all; the unit T sees the one on the whole issue on its item page, not S's entry.
    const onIssue = (await (await w.as(K.editor)).get(`/api/issues/${issue.id}/instructions`)).json<{
      rows: Instruction[];
      abilities: { flag: boolean };
    }>();
    expect(onIssue.rows).toHaveLength(3);
    expect(onIssue.abilities.flag).toBe(true);
    const tItem = (await (await w.as(T.writer)).get(`/api/items/${aT.itemId}/instructions`)).json<{
      rows: Instruction[];
    }>();
    expect(tItem.rows.map((r) => r.id).sort()).toEqual([wholeId, cityIns.json<Instruction>().id].sort());
  });

  it('refused actions answer 403/404/400/409 and change nothing', async () => {
    const { K, K2, T, C } = w.tree;
    const a = await adoptedAtK(w, '授权矩阵稿件');
    const leaderId = await userId(K.leader);
    const notAdopted = (await import('./periodicals-fixture.js')).submitted;
    const s = await notAdopted(w, T, '未采用稿件');
    await (await w.as(K.editor)).post(`/api/hops/${s.hopId}/receive`);
    const before = await snapshot();
    const cases: [string, string, object, number][] = [
      [T.writer, '/api/instruction-flags', { itemId: a.itemId, leaderIds: [leaderId] }, 403],
      [K.leader, '/api/instruction-flags', { itemId: a.itemId, leaderIds: [leaderId] }, 403],
      [K.editor, '/api/instruction-flags', { itemId: s.itemId, leaderIds: [leaderId] }, 409],
      [K.editor, '/api/instruction-flags', { itemId: a.itemId, leaderIds: [await userId(C.leader)] }, 400],
      [
        K.editor,
        '/api/instruction-flags',
        { itemId: a.itemId, issueId: a.itemId, leaderIds: [leaderId] },
        400,
      ],
      [K2.editor, '/api/instruction-flags', { itemId: a.itemId, leaderIds: [leaderId] }, 404],
      [K.editor, '/api/instructions', { itemId: a.itemId, text: '阅' }, 403],
      [T.signer, '/api/instructions', { itemId: a.itemId, text: '阅' }, 403],
      [K2.leader, '/api/instructions', { itemId: a.itemId, text: '阅' }, 404],
      [K.leader, '/api/instructions', { itemId: a.itemId, text: '' }, 400],
      [K.leader, '/api/instructions', { itemId: a.itemId, text: '阅', followUp: { days: 0 } }, 400],
      [K.leader, '/api/instructions', { itemId: a.itemId, text: '阅', leaderOrgId: C.id }, 400],
      [K.leader, '/api/instructions/desk/read', { issueId: a.itemId }, 404],
    ];
    for (const [who, url, body, status] of cases) {
      const r = await (await w.as(who)).post(url, body);
      expect([who, url, r.statusCode, r.body]).toEqual([who, url, status, r.body]);
    }
    expect(await snapshot()).toEqual(before);

    // Another leader cannot close a flag put before K's leader.
    await (await w.as(K.editor)).post('/api/instruction-flags', { itemId: a.itemId, leaderIds: [leaderId] });
    const [flag] = await db()
      .select()
      .from(instructionFlags)
      .where(and(eq(instructionFlags.itemId, a.itemId), eq(instructionFlags.state, 'open')));
    const mid = await snapshot();
    expect(
      (await (await w.as(C.leader)).post('/api/instructions/desk/read', { flagId: flag!.id })).statusCode,
    ).toBe(404);
    expect(await snapshot()).toEqual(mid);
    const ok = await (await w.as(K.leader)).post('/api/instructions/desk/read', { flagId: flag!.id });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(
      (await (await w.as(K.leader)).post('/api/instructions/desk/read', { flagId: flag!.id })).statusCode,
    ).toBe(409);
  });
});

describe('the leader desk pages by keyset', () => {
  it('limit=1 walks every row once, newest first, flags and received issues mixed', async () => {
    const { K, C } = w.tree;
    const leaderId = await userId(C.leader);
    const s1 = await adoptedAtK(w, '翻页稿件一');
    const s2 = await adoptedAtK(w, '翻页稿件二');
    await issuedIssue(w, K, [s1.adoptionId], [C.id]);
    await issuedIssue(w, K, [s2.adoptionId], [C.id]);
    // The item never reached the city: its editor gets the same 404 as for a missing item.
    const refused = await (
      await w.as(C.editor)
    ).post('/api/instruction-flags', { itemId: s1.itemId, leaderIds: [leaderId] });
    expect(refused.statusCode).toBe(404);
    const leader = await w.as(C.leader);
    const all = (await leader.get('/api/instructions/desk?limit=100')).json<Desk>();
    expect(all.rows.length).toBeGreaterThanOrEqual(2);
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Desk = (
        await leader.get(`/api/instructions/desk?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      ).json<Desk>();
      keys.push(...page.rows.map((r) => r.key));
      cursor = page.nextCursor;
    } while (cursor);
    expect(keys).toEqual(all.rows.map((r) => r.key));
    expect((await leader.get('/api/instructions/desk?cursor=bad')).statusCode).toBe(400);
  });
});

describe('a unit reads the issue entry that used its item, and its own standing', () => {
  it('the writer opens the issue that adopted her item (her entry only); other issues are 404', async () => {
    const { K, T, S } = w.tree;
    const mineA = await adoptedAtK(w, '本单位被采用稿件');
    const other = await adoptedAtK(w, '邻街道被采用稿件', S);
    const issue = await issuedIssue(w, K, [mineA.adoptionId, other.adoptionId]);
    const otherIssue = await issuedIssue(w, K, [(await adoptedAtK(w, '仅邻街道稿件', S)).adoptionId]);
    const writer = await w.as(T.writer);
    const read = await writer.get(`/api/issues/${issue.id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<Issue>().entries.map((e) => e.title)).toEqual(['本单位被采用稿件']);
    expect(read.json<Issue>().distribution).toBeNull();
    const refused = await writer.get(`/api/issues/${otherIssue.id}`);
    expect(refused.statusCode).toBe(404);
    const missing = await writer.get('/api/issues/00000000-0000-4000-8000-000000000000');
    expect(refused.body).toBe(missing.body);

    const list = (await writer.get('/api/items?box=mine')).json<{
      rows: { id: string; adoptedIn: string[] }[];
    }>();
    expect(list.rows.find((r) => r.id === mineA.itemId)!.adoptedIn).toEqual([`县政府办政务信息`]);
    const detail = (await writer.get(`/api/items/${mineA.itemId}`)).json<{ overallStatus: string }>();
    expect(detail.overallStatus).toBe('已采用');
  });

  it('本单位积分与排名: the unit sees its points, rank position, ledger rows and quotas; others 404', async () => {
    const { T, S, K } = w.tree;
    const month = thisMonth();
    const r = await (await w.as(T.reviewer)).get(`/api/standing?period=month&month=${month}`);
    expect(r.statusCode, r.body).toBe(200);
    const s = r.json<{
      unit: { orgId: string };
      hub: { hubId: string };
      standing: { points: number; rank: number; unitCount: number };
      entries: { kind: string; points: number }[];
    }>();
    expect(s.unit.orgId).toBe(T.id);
    expect(s.hub.hubId).toBe(K.id);
    const sum = s.entries.reduce((n, e) => n + e.points, 0);
    expect(s.standing.points).toBeCloseTo(sum, 2);
    expect(s.entries.some((e) => e.kind === 'instruction')).toBe(true);
    expect(s.standing.rank).toBeGreaterThanOrEqual(1);
    expect(s.standing.unitCount).toBeGreaterThan(1);
    expect(JSON.stringify(s)).not.toContain(S.id);

    const foreign = await (
      await w.as(S.writer)
    ).get(`/api/standing?period=month&month=${month}&orgId=${T.id}`);
    expect(foreign.statusCode).toBe(404);
    const hubPerson = await (
      await w.as(K.editor)
    ).get(`/api/standing?period=month&month=${month}&orgId=${T.id}`);
    expect(hubPerson.statusCode).toBe(404);
    const bad = await (await w.as(T.writer)).get('/api/standing?period=month&month=2026-13');
    expect(bad.statusCode).toBe(400);
  });
});
