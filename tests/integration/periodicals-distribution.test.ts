import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  issueReads,
  issueRecipients,
  periodicalIssues,
} from '../../src/server/modules/periodicals/schema.js';
import { buildUser } from '../helpers/factories.js';
import { adoptedAtK, draftIssue, issuedIssue, world, type Issue, type World } from './periodicals-fixture.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(async () => w.t.close());

interface Received {
  rows: { id: string; unread: boolean; excerpt: boolean; numberLabel: string }[];
  nextCursor: string | null;
}

describe('distribution and reading', () => {
  it('recipients read it; receipts give 阅读率; the reader list puts unread first', async () => {
    const { K, T, S, D } = w.tree;
    const first = await issuedIssue(
      w,
      K,
      [(await adoptedAtK(w, '阅读回执稿件一')).adoptionId],
      [T.id, S.id, D.id],
    );
    const second = await issuedIssue(w, K, [(await adoptedAtK(w, '阅读回执稿件二')).adoptionId], [T.id]);
    expect(first.distribution).toMatchObject({ total: 3, read: 0, readRate: 0 });

    const reader = await w.as(T.reviewer);
    const before = (await reader.get('/api/issues/received')).json<Received>();
    expect(before.rows.map((r) => r.id)).toEqual([second.id, first.id]);
    expect(before.rows.every((r) => r.unread)).toBe(true);

    const read = await reader.post(`/api/issues/${first.id}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<Issue>()).toMatchObject({ distribution: null, recallReason: null });
    expect(read.json<Issue>().abilities).toMatchObject({ edit: false, recall: false, distribute: false });
    await reader.post(`/api/issues/${first.id}/read`);
    const reads = await w.t.app.database.db.select().from(issueReads).where(eq(issueReads.issueId, first.id));
    expect(reads).toHaveLength(1);

    const after = (await reader.get('/api/issues/received')).json<Received>();
    expect(after.rows.map((r) => [r.id, r.unread])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    const unread = (await reader.get('/api/issues/received?unread=true')).json<Received>();
    expect(unread.rows.map((r) => r.id)).toEqual([second.id]);
    const paged = (await reader.get('/api/issues/received?limit=1')).json<Received>();
    expect(paged.rows.map((r) => r.id)).toEqual([second.id]);
    const page2 = (
      await reader.get(`/api/issues/received?limit=1&cursor=${paged.nextCursor}`)
    ).json<Received>();
    expect(page2.rows.map((r) => r.id)).toEqual([first.id]);

    // Another person of the same unit: the unit's receipt is already there; the person's own list is unread.
    expect((await (await w.as(T.writer)).get('/api/issues/received')).json<Received>().rows[1]!.unread).toBe(
      true,
    );
    await (await w.as(S.signer)).post(`/api/issues/${first.id}/read`);
    const hub = (await (await w.as(K.editor)).get(`/api/issues/${first.id}`)).json<Issue>();
    expect(hub.distribution).toMatchObject({ total: 3, read: 2, readRate: 0.6667 });
    expect(hub.distribution!.recipients.find((r) => r.orgId === D.id)?.firstReadAt).toBeNull();

    // Hub members reading their own issue are not receipts; people outside see a 404.
    await (await w.as(K.leader)).post(`/api/issues/${first.id}/read`);
    expect(
      (await (await w.as(K.editor)).get(`/api/issues/${first.id}`)).json<Issue>().distribution!.read,
    ).toBe(2);
    for (const who of [w.tree.U.writer, w.tree.K2.editor, w.tree.C.editor])
      expect((await (await w.as(who)).get(`/api/issues/${first.id}`)).statusCode).toBe(404);
  });

  it('SEC-26 GET (detail, print, DOCX) records no receipt; one POST does, once under 10 concurrent posts', async () => {
    const { K, T } = w.tree;
    const issue = await issuedIssue(w, K, [(await adoptedAtK(w, '回执只由POST登记')).adoptionId], [T.id]);
    const reader = await w.as(T.signer);
    const db = w.t.app.database.db;
    const receipts = async () => ({
      person: (await db.select().from(issueReads).where(eq(issueReads.issueId, issue.id))).length,
      unit: (
        await db
          .select()
          .from(issueRecipients)
          .where(and(eq(issueRecipients.issueId, issue.id), isNotNull(issueRecipients.firstReadAt)))
      ).length,
    });
    for (const url of [
      `/api/issues/${issue.id}`,
      `/api/issues/${issue.id}/print`,
      `/api/issues/${issue.id}/docx`,
    ])
      expect((await reader.get(url)).statusCode, url).toBe(200);
    expect(await receipts()).toEqual({ person: 0, unit: 0 });
    const posts = await Promise.all(
      Array.from({ length: 10 }, () => reader.post(`/api/issues/${issue.id}/read`)),
    );
    expect(posts.map((p) => p.statusCode)).toEqual(Array(10).fill(200));
    expect(await receipts()).toEqual({ person: 1, unit: 1 });
    const hub = (await (await w.as(K.editor)).get(`/api/issues/${issue.id}`)).json<Issue>();
    expect(hub.distribution).toMatchObject({ total: 1, read: 1 });
  });

  it('the system administrator does not read content', async () => {
    const { K, T } = w.tree;
    const issue = await issuedIssue(w, K, [(await adoptedAtK(w, '管理员不可见稿件')).adoptionId], [T.id]);
    const admin = await buildUser(w.t.app.database.db, T.id, ['sys_admin']);
    const c = await w.as(admin.username);
    expect((await c.get(`/api/issues/${issue.id}`)).statusCode).toBe(404);
    expect((await c.get(`/api/issues/${issue.id}/docx`)).statusCode).toBe(404);
    expect((await c.get('/api/issues/received')).json<Received>().rows).toHaveLength(0);
    expect((await c.get(`/api/periodicals/${K.periodicalId}`)).statusCode).toBe(200);
    expect((await c.get(`/api/periodicals/${K.periodicalId}/issues`)).statusCode).toBe(403);
  });

  it('增发 adds recipients later; 摘发 shows only the excerpted entries', async () => {
    const { K, T, S, D } = w.tree;
    const a = await adoptedAtK(w, '摘发稿件一');
    const b = await adoptedAtK(w, '摘发稿件二');
    const issue = await issuedIssue(w, K, [a.adoptionId, b.adoptionId], [T.id]);
    const editor = await w.as(K.editor);
    const again = await editor.post(`/api/issues/${issue.id}/distribute`, { orgIds: [T.id] });
    expect(again.statusCode).toBe(409);
    const more = await editor.post(`/api/issues/${issue.id}/distribute`, { orgIds: [S.id] });
    expect(more.statusCode, more.body).toBe(200);
    expect((await (await w.as(S.writer)).get(`/api/issues/${issue.id}`)).json<Issue>().entries).toHaveLength(
      2,
    );

    const second = issue.entries[1]!;
    const badEntry = await editor.post(`/api/issues/${issue.id}/excerpt`, {
      orgIds: [D.id],
      entryIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(badEntry.statusCode).toBe(400);
    const ex = await editor.post(`/api/issues/${issue.id}/excerpt`, {
      orgIds: [D.id],
      entryIds: [second.id],
    });
    expect(ex.statusCode, ex.body).toBe(200);
    expect(
      ex
        .json<Issue>()
        .distribution!.recipients.map((r) => r.kind)
        .sort(),
    ).toEqual(['additional', 'excerpt', 'initial']);
    const dReader = await w.as(D.writer);
    const seen = (await dReader.post(`/api/issues/${issue.id}/read`)).json<Issue>();
    expect(seen.excerpt).toBe(true);
    expect(seen.entries.map((e) => e.id)).toEqual([second.id]);
    const print = await dReader.get(`/api/issues/${issue.id}/print`);
    expect(print.body).toContain(second.title);
    expect(print.body).not.toContain(issue.entries[0]!.title);
    const dList = (await dReader.get('/api/issues/received')).json<Received>();
    expect(dList.rows.find((r) => r.id === issue.id)).toMatchObject({ excerpt: true, unread: false });
    const notes = (await dReader.get('/api/notifications')).json<{ rows: { title: string }[] }>();
    expect(notes.rows.some((n) => n.title.includes('（摘发）'))).toBe(true);
  });

  it('收回 needs a reason; recipients then get 404, the hub still sees it with the reason', async () => {
    const { K, T } = w.tree;
    const issue = await issuedIssue(w, K, [(await adoptedAtK(w, '收回测试稿件')).adoptionId], [T.id]);
    const reader = await w.as(T.writer);
    expect((await reader.get(`/api/issues/${issue.id}`)).statusCode).toBe(200);
    const editor = await w.as(K.editor);
    expect((await editor.post(`/api/issues/${issue.id}/recall`, { reason: '数据有误' })).statusCode).toBe(
      403,
    );
    const chief = await w.as(K.chief);
    const noReason = await chief.post(`/api/issues/${issue.id}/recall`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details.field).toBe('reason');
    const res = await chief.post(`/api/issues/${issue.id}/recall`, { reason: '第2篇数据有误，收回更正' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Issue>()).toMatchObject({ state: 'recalled', recallReason: '第2篇数据有误，收回更正' });
    for (const url of [
      `/api/issues/${issue.id}`,
      `/api/issues/${issue.id}/docx`,
      `/api/issues/${issue.id}/print`,
    ])
      expect((await reader.get(url)).statusCode).toBe(404);
    expect((await reader.get('/api/issues/received')).json<Received>().rows.map((r) => r.id)).not.toContain(
      issue.id,
    );
    const again = await chief.post(`/api/issues/${issue.id}/recall`, { reason: '再次收回' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain('已收回');
    expect((await editor.post(`/api/issues/${issue.id}/distribute`, { orgIds: [T.id] })).statusCode).toBe(
      409,
    );
  });
});

describe('authorization', () => {
  it('other hubs get 404; non-editors 403; nothing changes', async () => {
    const { K, K2, T } = w.tree;
    const a = await adoptedAtK(w, '授权测试稿件');
    const id = await draftIssue(w, K, [a.adoptionId]);
    const outsider = await w.as(K2.editor);
    for (const [method, url, body] of [
      ['GET', `/api/issues/${id}`, undefined],
      ['POST', `/api/issues/${id}/submit`, {}],
      ['POST', `/api/issues/${id}/entries`, { adoptionIds: [a.adoptionId] }],
      ['GET', `/api/periodicals/${K.periodicalId}/pool`, undefined],
      ['POST', `/api/periodicals/${K.periodicalId}/issues`, {}],
      ['GET', `/api/issues/${id}/docx`, undefined],
    ] as const) {
      const res = method === 'GET' ? await outsider.get(url) : await outsider.post(url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const leader = await w.as(K.leader);
    expect((await leader.get(`/api/issues/${id}`)).statusCode).toBe(200);
    expect((await leader.post(`/api/issues/${id}/submit`, {})).statusCode).toBe(403);
    expect((await leader.get(`/api/periodicals/${K.periodicalId}/pool`)).statusCode).toBe(403);
    expect((await leader.post(`/api/issues/${id}/review`, { decision: 'agree' })).statusCode).toBe(403);
    expect((await (await w.as(T.writer)).get(`/api/issues/${id}`)).statusCode).toBe(404);
    const [row] = await w.t.app.database.db
      .select()
      .from(periodicalIssues)
      .where(eq(periodicalIssues.id, id));
    expect(row).toMatchObject({ state: 'draft', rowVersion: 2 });
    const wrongPeriodical = await (
      await w.as(K2.editor)
    ).post(`/api/periodicals/${K2.periodicalId}/issues`, {});
    const other = wrongPeriodical.json<Issue>().id;
    const cross = await outsider.post(`/api/issues/${other}/entries`, { adoptionIds: [a.adoptionId] });
    expect(cross.statusCode).toBe(400);
    expect(cross.json().details.field).toBe('adoptionIds');
  });
});
