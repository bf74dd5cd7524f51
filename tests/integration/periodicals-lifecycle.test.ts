import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { periodicalIssues } from '../../src/server/modules/periodicals/schema.js';
import { shanghaiYear } from '../../src/server/modules/periodicals/format.js';
import { buildUser } from '../helpers/factories.js';
import {
  adoptedAtC,
  adoptedAtK,
  draftIssue,
  issuedIssue,
  signedIssue,
  world,
  type Issue,
  type World,
} from './periodicals-fixture.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(async () => w.t.close());

interface Pool {
  rows: { id: string; title: string; fromOrgName: string }[];
  nextCursor: string | null;
}

describe('periodical settings', () => {
  it('reads and changes settings with optimistic concurrency; only chief editor, org admin or sys admin', async () => {
    const { K, K2 } = w.tree;
    const chief = await w.as(K.chief);
    const got = await chief.get(`/api/periodicals/${K.periodicalId}`);
    expect(got.statusCode, got.body).toBe(200);
    const p = got.json<{ rowVersion: number; abilities: Record<string, boolean> }>();
    expect(p.abilities).toMatchObject({ configure: true, compile: true });
    const patch = {
      rowVersion: p.rowVersion,
      publisherName: '县人民政府办公室',
      defaultLines: {
        bao: ['市政府办公室'],
        song: ['县委、县政府领导'],
        fa: ['各乡镇人民政府', '县直各部门'],
      },
      defaultCopies: 60,
      kind: 'daily',
    };
    const ok = await chief.send('PATCH', `/api/periodicals/${K.periodicalId}`, patch);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ publisherName: '县人民政府办公室', defaultCopies: 60, kind: 'daily' });
    const stale = await chief.send('PATCH', `/api/periodicals/${K.periodicalId}`, patch);
    expect(stale.statusCode).toBe(409);
    const editor = await w.as(K.editor);
    expect(
      (await editor.send('PATCH', `/api/periodicals/${K.periodicalId}`, { rowVersion: p.rowVersion + 1 }))
        .statusCode,
    ).toBe(403);
    expect((await (await w.as(K2.chief)).get(`/api/periodicals/${K.periodicalId}`)).statusCode).toBe(404);
    const bad = await chief.send('PATCH', `/api/periodicals/${K.periodicalId}`, {
      rowVersion: p.rowVersion + 1,
      defaultRecipientOrgIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.field).toBe('defaultRecipientOrgIds');
  });
});

describe('compiling, reviewing, signing and issuing', () => {
  it('walks the full lifecycle with 单篇 and 综合 entries, ordering, edits and reviews', async () => {
    const { K, T, S } = w.tree;
    const a1 = await adoptedAtK(w, '某街道网格化治理办结率达98.6%');
    const a2 = await adoptedAtK(w, '某街道开展消防安全大检查', T);
    const a3 = await adoptedAtK(w, '邻街道开展消防安全大检查', S);
    const editor = await w.as(K.editor);
    const pool = (await editor.get(`/api/periodicals/${K.periodicalId}/pool?limit=2`)).json<Pool>();
    expect(pool.rows).toHaveLength(2);
    expect(pool.nextCursor).not.toBeNull();
    const rest = (
      await editor.get(`/api/periodicals/${K.periodicalId}/pool?limit=2&cursor=${pool.nextCursor}`)
    ).json<Pool>();
    const poolIds = [...pool.rows, ...rest.rows].map((r) => r.id);
    expect(poolIds).toEqual(expect.arrayContaining([a1.adoptionId, a2.adoptionId, a3.adoptionId]));

    const created = await editor.post(`/api/periodicals/${K.periodicalId}/issues`, {});
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<Issue>().id;
    expect(created.json<Issue>()).toMatchObject({ state: 'draft', numberLabel: '（未编号）' });

    const single = await editor.post(`/api/issues/${id}/entries`, { adoptionIds: [a1.adoptionId] });
    expect(single.statusCode, single.body).toBe(201);
    const e1 = single.json<Issue>().entries[0]!;
    expect(e1.title).toBe('某街道网格化治理办结率达98.6%');
    expect(e1.bodyHtml).toContain('办结群众诉求1260件');
    expect(e1.sourceLine).toMatch(/^（某街道-[0-9a-f]+报送）$/);

    const combined = await editor.post(`/api/issues/${id}/entries`, {
      adoptionIds: [a2.adoptionId, a3.adoptionId],
      title: '我县各街道开展消防安全大检查',
    });
    expect(combined.statusCode, combined.body).toBe(201);
    const e2 = combined.json<Issue>().entries[1]!;
    expect(e2.combined).toBe(true);
    expect(e2.sourceLine).toMatch(/^（某街道-[0-9a-f]+、邻街道-[0-9a-f]+报送）$/);
    expect(e2.bodyHtml).toContain('某街道开展消防安全大检查');
    expect(e2.bodyHtml).toContain('邻街道开展消防安全大检查');

    const twice = await editor.post(`/api/issues/${id}/entries`, { adoptionIds: [a1.adoptionId] });
    expect(twice.statusCode).toBe(409);
    const after = (await editor.get(`/api/periodicals/${K.periodicalId}/pool`)).json<Pool>();
    expect(after.rows.map((r) => r.id)).not.toContain(a1.adoptionId);

    const edited = await editor.send('PATCH', `/api/issues/${id}/entries/${e1.id}`, {
      rowVersion: e1.rowVersion,
      title: '某街道网格化治理见实效',
      bodyHtml: '<p onclick="x()">办结率达98.6%。<script>alert(1)</script></p>',
      editorNote: '网格化治理是基层治理的有效抓手，各地可借鉴。',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const e1b = edited.json<Issue>().entries.find((e) => e.id === e1.id)!;
    expect(e1b.bodyHtml).toBe('<p>办结率达98.6%。</p>');
    expect(e1b.editorNote).toContain('有效抓手');
    const secret = await editor.send('PATCH', `/api/issues/${id}/entries/${e1.id}`, {
      rowVersion: e1b.rowVersion,
      bodyHtml: '<p>秘密★1年</p>',
    });
    expect(secret.statusCode).toBe(422);

    const current = (await editor.get(`/api/issues/${id}`)).json<Issue>().rowVersion;
    const badOrder = await editor.put(`/api/issues/${id}/entries/order`, {
      rowVersion: current,
      entryIds: [e2.id],
    });
    expect(badOrder.statusCode).toBe(400);
    expect(badOrder.json().details.field).toBe('entryIds');
    const order = await editor.put(`/api/issues/${id}/entries/order`, {
      rowVersion: current,
      entryIds: [e2.id, e1.id],
    });
    expect(order.json<Issue>().entries.map((e) => e.id)).toEqual([e2.id, e1.id]);

    const a4 = await adoptedAtK(w, '临时稿件');
    const withFour = (
      await editor.post(`/api/issues/${id}/entries`, { adoptionIds: [a4.adoptionId] })
    ).json<Issue>();
    const e3 = withFour.entries.at(-1)!;
    const removed = await editor.send('DELETE', `/api/issues/${id}/entries/${e3.id}`);
    expect(removed.json<Issue>().entries.map((e) => e.id)).toEqual([e2.id, e1.id]);
    expect(
      (await editor.get(`/api/periodicals/${K.periodicalId}/pool?limit=100`))
        .json<Pool>()
        .rows.map((r) => r.id),
    ).toContain(a4.adoptionId);

    const submitted = await editor.post(`/api/issues/${id}/submit`, {});
    expect(submitted.json<Issue>()).toMatchObject({ state: 'in_review' });
    const editInReview = await editor.send('PATCH', `/api/issues/${id}/entries/${e1.id}`, {
      rowVersion: 1,
      title: '改',
    });
    expect(editInReview.statusCode).toBe(409);
    expect(editInReview.json().message).toContain('待审签');

    const noOpinion = await (await w.as(K.chief)).post(`/api/issues/${id}/review`, { decision: 'disagree' });
    expect(noOpinion.statusCode).toBe(400);
    expect(noOpinion.json().details.field).toBe('opinion');
    const back = await (
      await w.as(K.chief)
    ).post(`/api/issues/${id}/review`, {
      decision: 'disagree',
      opinion: '第二篇标题再凝练',
    });
    expect(back.json<Issue>()).toMatchObject({ state: 'draft' });
    await editor.send('PATCH', `/api/issues/${id}/entries/${e2.id}`, {
      rowVersion: e2.rowVersion,
      title: '我县街道消防安全大检查全覆盖',
    });
    await editor.post(`/api/issues/${id}/submit`, {});
    // Four eyes: the editor who compiled the issue may not review it.
    const own = await editor.post(`/api/issues/${id}/review`, { decision: 'agree', opinion: '同意' });
    expect(own.statusCode).toBe(403);
    expect(own.json().message).toContain('不得审核本人编辑的期刊');
    const compilerView = (await editor.get(`/api/issues/${id}`)).json<Issue>();
    expect(compilerView).toMatchObject({ state: 'in_review' });
    expect(compilerView.abilities).toMatchObject({ sign: false, review: false });
    const chiefView = (await (await w.as(K.chief)).get(`/api/issues/${id}`)).json<Issue>();
    expect(chiefView.abilities).toMatchObject({ sign: true, edit: false });
    const signed = await (
      await w.as(K.chief)
    ).post(`/api/issues/${id}/sign`, {
      rowVersion: chiefView.rowVersion,
      opinion: '同意印发',
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json<Issue>().reviews.map((r) => r.decision)).toEqual(['disagree', 'agree']);

    const issued = await editor.post(`/api/issues/${id}/issue`, { recipientOrgIds: [T.id] });
    expect(issued.statusCode, issued.body).toBe(200);
    const year = shanghaiYear(new Date());
    expect(issued.json<Issue>()).toMatchObject({
      state: 'issued',
      year,
      yearNo: 1,
      totalNo: 1,
      numberLabel: `${year}年第1期（总第1期）`,
    });

    // Locked: no more edits, no second issue, 409 naming the state.
    for (const res of [
      await editor.send('PATCH', `/api/issues/${id}/entries/${e1.id}`, { rowVersion: 1, title: '再改' }),
      await editor.post(`/api/issues/${id}/entries`, { adoptionIds: [a4.adoptionId] }),
      await editor.send('DELETE', `/api/issues/${id}/entries/${e1.id}`),
      await editor.put(`/api/issues/${id}/entries/order`, {
        rowVersion: issued.json<Issue>().rowVersion,
        entryIds: [e1.id, e2.id],
      }),
      await editor.send('PATCH', `/api/issues/${id}`, {
        rowVersion: issued.json<Issue>().rowVersion,
        copies: 9,
      }),
      await editor.post(`/api/issues/${id}/issue`, {}),
    ]) {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().message).toContain('已印发');
    }
    const events = await w.t.app.database.db.select().from(auditLog).where(eq(auditLog.objectId, id));
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining([
        'issue.create',
        'issue.submit',
        'issue.send_back',
        'issue.sign',
        'issue.issue',
      ]),
    );
  });

  it('four eyes: a chief editor cannot sign an issue they compiled; another chief can', async () => {
    const { K } = w.tree;
    const a = await adoptedAtK(w, '四眼原则测试稿件');
    const chief = await w.as(K.chief);
    const id = (await chief.post(`/api/periodicals/${K.periodicalId}/issues`, {})).json<Issue>().id;
    await chief.post(`/api/issues/${id}/entries`, { adoptionIds: [a.adoptionId] });
    await chief.post(`/api/issues/${id}/submit`, {});
    const own = await chief.post(`/api/issues/${id}/sign`, {});
    expect(own.statusCode).toBe(403);
    expect(own.json().message).toContain('不得签发本人编辑');
    const [row] = await w.t.app.database.db
      .select()
      .from(periodicalIssues)
      .where(eq(periodicalIssues.id, id));
    expect(row?.state).toBe('in_review');
    const other = await buildUser(w.t.app.database.db, K.id, ['chief_editor'], '另一位主编');
    const res = await (await w.as(other.username)).post(`/api/issues/${id}/sign`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Issue>().state).toBe('signed');
    const editor = await w.as(K.editor);
    expect((await editor.post(`/api/issues/${id}/sign`, {})).statusCode).toBe(403);
    const stale = await editor.post(`/api/issues/${id}/issue`, { rowVersion: 1 });
    expect(stale.statusCode).toBe(409);
  });

  it('refuses to revoke an adoption once compiled, and for good once issued', async () => {
    const { K } = w.tree;
    const a = await adoptedAtK(w, '撤销采用测试稿件');
    const id = await draftIssue(w, K, [a.adoptionId]);
    const editor = await w.as(K.editor);
    const inDraft = await editor.post(`/api/adoptions/${a.adoptionId}/revoke`, { reason: '重复' });
    expect(inDraft.statusCode).toBe(409);
    expect(inDraft.json().message).toContain('请先从该期移出');
    await editor.post(`/api/issues/${id}/submit`, {});
    await (await w.as(K.chief)).post(`/api/issues/${id}/sign`, {});
    const issued = (await editor.post(`/api/issues/${id}/issue`, {})).json<Issue>();
    const late = await editor.post(`/api/adoptions/${a.adoptionId}/revoke`, { reason: '重复' });
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toContain(`${issued.numberLabel}印发`);
    const b = await adoptedAtK(w, '未编入的稿件可以撤销');
    expect((await editor.post(`/api/adoptions/${b.adoptionId}/revoke`, { reason: '重复' })).statusCode).toBe(
      200,
    );
    const revokedInto = await editor.post(`/api/periodicals/${K.periodicalId}/issues`, {});
    const res = await editor.post(`/api/issues/${revokedInto.json<Issue>().id}/entries`, {
      adoptionIds: [b.adoptionId],
    });
    expect(res.statusCode).toBe(409);
  });

  it('tells every unit on the chain, and the item shows the issue that adopted it', async () => {
    const { C, K, T, S } = w.tree;
    const a = await adoptedAtC(w, '某街道探索“街巷长制”', { coReporterOrgIds: [S.id] });
    const issue = await issuedIssue(w, C, [a.adoptionId]);
    const title = `《市政府办政务信息》${issue.numberLabel}采用了《某街道探索“街巷长制”》`;
    for (const who of [T.writer, S.signer, K.editor, K.leader]) {
      const list = (await (await w.as(who)).get('/api/notifications')).json<{ rows: { title: string }[] }>();
      expect(
        list.rows.some((n) => n.title.replace(/市政府办-[0-9a-f]+政务信息/, '市政府办政务信息') === title),
        `${who}: ${JSON.stringify(list.rows.map((n) => n.title))}`,
      ).toBe(true);
    }
    const cList = (await (await w.as(C.editor)).get('/api/notifications')).json<{
      rows: { title: string }[];
    }>();
    expect(cList.rows.some((n) => n.title.includes('街巷长制'))).toBe(false);
    const u = (await (await w.as(w.tree.U.writer)).get('/api/notifications')).json<{ rows: unknown[] }>();
    expect(u.rows).toHaveLength(0);

    const item = (await (await w.as(T.writer)).get(`/api/items/${a.itemId}`)).json<{
      adoptions: {
        periodicalName: string;
        issue: { numberLabel: string; yearNo: number; state: string } | null;
      }[];
      timeline: { action: string }[];
    }>();
    expect(item.adoptions[0]!.issue).toMatchObject({
      numberLabel: issue.numberLabel,
      yearNo: 1,
      state: 'issued',
    });
    expect(item.timeline.map((e) => e.action)).toContain('issue_published');
  });

  it('an issue with no entries cannot be submitted; a drafting issue does not show in the item', async () => {
    const { K, T } = w.tree;
    const editor = await w.as(K.editor);
    const id = (await editor.post(`/api/periodicals/${K.periodicalId}/issues`, {})).json<Issue>().id;
    const res = await editor.post(`/api/issues/${id}/submit`, {});
    expect(res.statusCode).toBe(409);
    const a = await adoptedAtK(w, '尚在编辑中的稿件');
    await signedIssue(w, K, [a.adoptionId]);
    const item = (await (await w.as(T.writer)).get(`/api/items/${a.itemId}`)).json<{
      adoptions: { issue: unknown }[];
    }>();
    expect(item.adoptions[0]!.issue).toBeNull();
  });
});
