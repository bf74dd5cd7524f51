import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { hops, itemEvents, items } from '../../src/server/modules/items/schema.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { HopTransitionResult, ItemTransitionResult } from '../../src/server/modules/items/schemas.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrgTree, PASSWORD, type OrgTree } from '../helpers/factories.js';

let t: TestApp;
let tree: OrgTree;
const clients = new Map<string, Client>();
const as = async (username: string) => {
  let c = clients.get(username);
  if (!c) {
    c = await Client.login(t.app, username, PASSWORD);
    clients.set(username, c);
  }
  return c;
};

interface Detail {
  id: string;
  state: string;
  rowVersion: number;
  currentVersionNo: number;
  hops: {
    id: string;
    toOrgId: string;
    state: string;
    stage: number;
    rowVersion: number;
    abilities: Record<string, boolean>;
    parentHopId: string | null;
    versionNo: number;
    workingVersionNo: number | null;
  }[];
  versions: { no: number; byHub: boolean }[];
  timeline: { action: string; comment: string | null; toState: string | null }[];
  adoptions: { id: string; periodicalName: string; revokedAt: string | null }[];
  abilities: Record<string, boolean>;
  content: { title: string; bodyText: string } | null;
}

/** What an item action answers (dates as ISO strings on the wire). */
interface ItemResult {
  itemId: string;
  action: string;
  state: string;
  rowVersion: number;
  currentVersionNo: number;
  eventId: number;
  at: string;
  hops: { id: string; toOrgId: string; state: string }[];
}

/** What a hop action answers. */
interface HopResult {
  itemId: string;
  hopId: string;
  action: string;
  state: string;
  stage: number;
  rowVersion: number;
  itemState: string;
  eventId: number;
  at: string;
  createdHopId: string | null;
  adoptionId: string | null;
  versionNo: number | null;
}

/** A transition answers 200 with exactly the declared fields (what changed), never the rebuilt item. */
function changed<T>(res: LightMyRequestResponse, schema: { shape: object }, expected: Partial<T> = {}): T {
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<T & { at: string; eventId: number }>();
  expect(Object.keys(body).sort()).toEqual(Object.keys(schema.shape).sort());
  expect(Number.isNaN(Date.parse(body.at))).toBe(false);
  expect(body.eventId).toBeGreaterThan(0);
  expect(body).toMatchObject(expected);
  return body;
}
const itemChanged = (res: LightMyRequestResponse, expected: Partial<ItemResult> = {}) =>
  changed<ItemResult>(res, ItemTransitionResult, expected);
const hopChanged = (res: LightMyRequestResponse, expected: Partial<HopResult> = {}) =>
  changed<HopResult>(res, HopTransitionResult, expected);

const draft = (orgId: string, extra: object = {}) => ({
  orgId,
  title: '某街道推行网格化治理见成效',
  bodyHtml: '<p>今年以来，某街道在12个小区推行网格化治理，办结群众诉求1260件。</p>',
  category: 'experience',
  urgency: 'normal',
  disclosure: 'internal',
  ...extra,
});

/** Drafts, submits, approves and signs an item of unit T to hub K; returns the detail after sign-off. */
async function submittedItem(extra: object = {}): Promise<Detail> {
  const w = await as(tree.T.writer);
  const created = await w.post('/api/items', draft(tree.T.id, extra));
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<Detail>().id;
  expect((await w.post(`/api/items/${id}/submit`)).statusCode).toBe(200);
  expect(
    (await (await as(tree.T.reviewer)).post(`/api/items/${id}/approve`, { opinion: '同意' })).statusCode,
  ).toBe(200);
  const signer = await as(tree.T.signer);
  const signed = itemChanged(await signer.post(`/api/items/${id}/sign`, { opinion: '同意报送' }), {
    itemId: id,
    action: 'sign',
    state: 'submitted',
  });
  expect(signed.hops).toEqual([{ id: expect.any(String), toOrgId: tree.K.id, state: 'pending' }]);
  return (await signer.get(`/api/items/${id}`)).json<Detail>();
}

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildOrgTree(t.app.database.db);
});
afterAll(async () => t.close());

describe('inside the unit', () => {
  it('walks draft → in_review → awaiting_signoff → submitted, one event per arrow', async () => {
    const d = await submittedItem();
    expect(d.state).toBe('submitted');
    expect(d.hops).toHaveLength(1);
    expect(d.hops[0]).toMatchObject({ toOrgId: tree.K.id, state: 'pending' });
    expect(d.timeline.map((e) => e.action)).toEqual([
      'create',
      'submit_for_review',
      'approve',
      'sign',
      'hop_submit',
    ]);
    expect(d.timeline.find((e) => e.action === 'approve')?.comment).toBe('同意');
  });

  it('returns to draft with a required opinion, and the opinion stays on the item', async () => {
    const w = await as(tree.T.writer);
    const id = (await w.post('/api/items', draft(tree.T.id))).json<Detail>().id;
    await w.post(`/api/items/${id}/submit`);
    const r = await as(tree.T.reviewer);
    const noOpinion = await r.post(`/api/items/${id}/return`, { opinion: '' });
    expect(noOpinion.statusCode).toBe(400);
    expect(noOpinion.json().details.field).toBe('opinion');
    const back = await r.post(`/api/items/${id}/return`, { opinion: '请补充数据来源' });
    itemChanged(back, { itemId: id, action: 'return', state: 'draft', hops: [] });
    expect((await r.get(`/api/items/${id}`)).json<Detail>().timeline.at(-1)).toMatchObject({
      action: 'return',
      comment: '请补充数据来源',
    });
  });

  it('four eyes: the writer who also holds reviewer and signer roles cannot approve or sign their own item', async () => {
    const { buildUser } = await import('../helpers/factories.js');
    const solo = await buildUser(t.app.database.db, tree.S.id, ['writer', 'reviewer', 'signer']);
    const c = await as(solo.username);
    const id = (await c.post('/api/items', draft(tree.S.id))).json<Detail>().id;
    await c.post(`/api/items/${id}/submit`);
    const res = await c.post(`/api/items/${id}/approve`, { opinion: '自己审' });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('撰稿人以外');
    const [row] = await t.app.database.db.select().from(items).where(eq(items.id, id));
    expect(row?.state).toBe('in_review');
  });

  it('a unit that merged review and sign-off submits on approval', async () => {
    const w = await as(tree.D.writer);
    const id = (await w.post('/api/items', draft(tree.D.id))).json<Detail>().id;
    await w.post(`/api/items/${id}/submit`);
    const res = await (await as(tree.D.reviewerSigner)).post(`/api/items/${id}/approve`, { opinion: '同意' });
    const out = itemChanged(res, { action: 'approve_and_sign', state: 'submitted' });
    expect(out.hops.map((h) => h.toOrgId)).toEqual([tree.K.id]);
  });

  it('illegal transitions answer 409 naming the current state, and change nothing', async () => {
    const d = await submittedItem();
    const res = await (await as(tree.T.reviewer)).post(`/api/items/${d.id}/approve`, { opinion: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('已报送');
    const edit = await (
      await as(tree.T.writer)
    ).put(`/api/items/${d.id}`, { rowVersion: d.rowVersion, title: '改', bodyHtml: '<p>改</p>' });
    expect(edit.statusCode).toBe(409);
    const events = await t.app.database.db.select().from(itemEvents).where(eq(itemEvents.itemId, d.id));
    expect(events).toHaveLength(d.timeline.length);
  });

  it('concurrent edits of the same version: the second gets 409, the first is kept', async () => {
    const w = await as(tree.T.writer);
    const d = (await w.post('/api/items', draft(tree.T.id))).json<Detail>();
    const a = await w.put(`/api/items/${d.id}`, {
      rowVersion: d.rowVersion,
      title: '第一次修改',
      bodyHtml: '<p>甲</p>',
    });
    // The edit answers with the new row version and version number: what the editor needs to go on.
    itemChanged(a, {
      action: 'edit',
      state: 'draft',
      rowVersion: d.rowVersion + 1,
      currentVersionNo: 2,
      hops: [],
    });
    const b = await w.put(`/api/items/${d.id}`, {
      rowVersion: d.rowVersion,
      title: '第二次修改',
      bodyHtml: '<p>乙</p>',
    });
    expect(b.statusCode).toBe(409);
    const now = (await w.get(`/api/items/${d.id}`)).json<Detail>();
    expect(now.content?.title).toBe('第一次修改');
    expect(now.versions.map((v) => v.no)).toEqual([1, 2]);
  });

  it('refuses classified markings with a clear error and stores nothing', async () => {
    const w = await as(tree.T.writer);
    const res = await w.post(
      '/api/items',
      draft(tree.T.id, { bodyHtml: '<p>秘密★1年</p><p>关于某事项的情况</p>' }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain('涉密信息不上网');
  });

  it('refuses skip-level targets (不得越级投报) but allows a designated direct-report hub', async () => {
    const w = await as(tree.T.writer);
    const skip = await w.post('/api/items', draft(tree.T.id, { targetOrgIds: [tree.C.id] }));
    expect(skip.statusCode).toBe(400);
    expect(skip.json().message).toContain('越级');
    const { directReportPoints } = await import('../../src/server/modules/orgs/schema.js');
    await t.app.database.db.insert(directReportPoints).values({ orgId: tree.T.id, hubId: tree.P.id });
    const ok = await w.post('/api/items', draft(tree.T.id, { targetOrgIds: [tree.K.id, tree.P.id] }));
    expect(ok.statusCode, ok.body).toBe(201);
    // What the unit may submit to, as the form offers it: the hub above and the 直报 hub; in any letter case.
    for (const id of [tree.T.id, tree.T.id.toUpperCase()]) {
      const targets = await w.get(`/api/orgs/${id}/targets`);
      expect(targets.statusCode).toBe(200);
      expect(targets.json<{ id: string }[]>().map((h) => h.id)).toEqual([tree.K.id, tree.P.id]);
    }
  });

  it('answers 404 for the targets of a unit that does not exist, not an empty list', async () => {
    const w = await as(tree.T.writer);
    const res = await w.get('/api/orgs/00000000-0000-4000-8000-000000000001/targets');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
  });

  it('SEC-19 sanitises the rich text on the server', async () => {
    const w = await as(tree.T.writer);
    const res = await w.post(
      '/api/items',
      draft(tree.T.id, {
        bodyHtml: '<p onclick="x()">正文<script>alert(1)</script><img src="javascript:alert(1)"></p>',
      }),
    );
    const d = res.json<Detail>();
    const v = (await w.get(`/api/items/${d.id}/versions/1`)).json<{ bodyHtml: string }>();
    expect(v.bodyHtml).toBe('<p>正文</p>'); // an image not from the attachment store goes entirely
  });

  it('withdraws a submitted item only while no hop is signed for', async () => {
    const d = await submittedItem();
    const w = await as(tree.T.writer);
    // One pending submission: the item's 撤回 is offered, the hop's 撤回报送 (the same act) is not.
    const before = (await w.get(`/api/items/${d.id}`)).json<Detail>();
    expect(before.abilities.withdraw).toBe(true);
    expect(before.hops[0]!.abilities.withdraw).toBe(false);
    const ok = await w.post(`/api/items/${d.id}/withdraw`, { comment: '数据有误' });
    itemChanged(ok, {
      state: 'withdrawn',
      hops: [{ id: d.hops[0]!.id, toOrgId: tree.K.id, state: 'withdrawn' }],
    });
    const d2 = await submittedItem();
    await (await as(tree.K.editor)).post(`/api/hops/${d2.hops[0]!.id}/receive`);
    expect((await w.get(`/api/items/${d2.id}`)).json<Detail>().abilities.withdraw).toBe(false);
    const late = await w.post(`/api/items/${d2.id}/withdraw`, {});
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toContain('已被上级签收');
  });
});

describe('at the hubs', () => {
  it('returns for revision, the unit revises and resubmits the same hop with a new version, the county forwards, the city adopts', async () => {
    const d = await submittedItem();
    const hopK = d.hops[0]!.id;
    const k = await as(tree.K.editor);
    hopChanged(await k.post(`/api/hops/${hopK}/receive`), {
      itemId: d.id,
      hopId: hopK,
      action: 'receive',
      state: 'received',
      stage: 0,
      rowVersion: d.hops[0]!.rowVersion + 1,
      itemState: 'submitted',
      createdHopId: null,
      adoptionId: null,
      versionNo: null,
    });
    const noReason = await k.post(`/api/hops/${hopK}/return`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    const ret = await k.post(`/api/hops/${hopK}/return`, { reason: '请补充具体成效数据' });
    // The unit's own submission sent back: the item goes to revising in the same transaction.
    hopChanged(ret, { hopId: hopK, state: 'returned', itemState: 'revising' });

    const w = await as(tree.T.writer);
    const mine = (await w.get(`/api/items/${d.id}`)).json<Detail>();
    expect(mine.state).toBe('revising');
    expect(mine.timeline.some((e) => e.comment === '请补充具体成效数据')).toBe(true);
    const edited = await w.put(`/api/items/${d.id}`, {
      rowVersion: mine.rowVersion,
      title: '某街道网格化治理办结率达98.6%',
      bodyHtml: '<p>今年以来办结群众诉求1260件，办结率98.6%。</p>',
    });
    itemChanged(edited, { action: 'edit', state: 'revising', currentVersionNo: 2 });
    itemChanged(await w.post(`/api/items/${d.id}/submit`), {
      action: 'submit_for_review',
      state: 'in_review',
    });
    await (await as(tree.T.reviewer)).post(`/api/items/${d.id}/approve`, { opinion: '同意' });
    const signer = await as(tree.T.signer);
    // Re-signing resubmits the hop that was sent back, not a new one.
    itemChanged(await signer.post(`/api/items/${d.id}/sign`, {}), {
      state: 'submitted',
      hops: [{ id: hopK, toOrgId: tree.K.id, state: 'pending' }],
    });
    const resigned = (await signer.get(`/api/items/${d.id}`)).json<Detail>();
    expect(resigned.hops).toHaveLength(1);
    expect(resigned.hops[0]).toMatchObject({ id: hopK, state: 'pending', versionNo: 2 });

    await k.post(`/api/hops/${hopK}/receive`);
    const hubEdit = await k.put(`/api/hops/${hopK}/content`, {
      rowVersion: (await k.get(`/api/items/${d.id}`)).json<Detail>().hops[0]!.rowVersion,
      title: '某街道网格化治理办结率达98.6%',
      bodyHtml: '<p>今年以来，某街道办结群众诉求1260件，办结率98.6%。</p>',
      note: '县政府办编辑修改',
    });
    hopChanged(hubEdit, { action: 'edit', state: 'received', versionNo: 3, itemState: 'submitted' });
    const fwd = await k.post(`/api/hops/${hopK}/forward`, {
      targetOrgId: tree.C.id,
      comment: '转报市政府办',
    });
    const forwarded = hopChanged(fwd, { action: 'forward', state: 'handled' });
    const afterFwd = (await k.get(`/api/items/${d.id}`)).json<Detail>();
    const hopC = afterFwd.hops.find((h) => h.parentHopId === hopK)!;
    expect(forwarded.createdHopId).toBe(hopC.id);
    expect(hopC).toMatchObject({ toOrgId: tree.C.id, state: 'pending', versionNo: 3 });
    expect(afterFwd.hops.find((h) => h.id === hopK)?.state).toBe('handled');

    const c = await as(tree.C.editor);
    const inbox = (await c.get('/api/inbox?state=pending')).json<{ rows: { hopId: string }[] }>();
    expect(inbox.rows.map((r) => r.hopId)).toContain(hopC.id);
    await c.post(`/api/hops/${hopC.id}/receive`);
    const adopted = await c.post(`/api/hops/${hopC.id}/adopt`, {
      periodicalId: tree.C.periodicalId,
      type: 'single',
    });
    const adoption = hopChanged(adopted, { hopId: hopC.id, action: 'adopt', state: 'handled' });
    const adoptions = (await c.get(`/api/items/${d.id}`)).json<Detail>().adoptions;
    expect(adoptions.map((a) => a.id)).toEqual([adoption.adoptionId]);
    const again = await c.post(`/api/hops/${hopC.id}/adopt`, {
      periodicalId: tree.C.periodicalId,
      type: 'single',
    });
    expect(again.statusCode).toBe(409);

    // Results flow back down: the origin unit sees the adoption, the hubs' edits, and can diff them.
    const seen = (await w.get(`/api/items/${d.id}`)).json<Detail>();
    expect(seen.adoptions[0]?.periodicalName).toContain('市政府办政务信息');
    expect(seen.versions.filter((v) => v.byHub).map((v) => v.no)).toEqual([3]);
    const diff = await w.get(`/api/items/${d.id}/diff?from=2&to=3`);
    expect(diff.statusCode).toBe(200);
    expect(
      diff
        .json<{ body: { op: string; text: string }[] }>()
        .body.some((p) => p.op === 'insert' && p.text.includes('某街道')),
    ).toBe(true);
  });

  it('rejects (退稿) with a reason and ends the hop; the item stays submitted', async () => {
    const d = await submittedItem();
    const k = await as(tree.K.editor);
    await k.post(`/api/hops/${d.hops[0]!.id}/receive`);
    const res = await k.post(`/api/hops/${d.hops[0]!.id}/reject`, { reason: '内容与本地无关' });
    hopChanged(res, { action: 'reject', state: 'rejected', itemState: 'submitted' });
    const again = await k.post(`/api/hops/${d.hops[0]!.id}/return`, { reason: '再退' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain('已退稿');
  });

  it('archives as not adopted', async () => {
    const d = await submittedItem();
    const k = await as(tree.K.editor);
    await k.post(`/api/hops/${d.hops[0]!.id}/receive`);
    const res = await k.post(`/api/hops/${d.hops[0]!.id}/archive`, { comment: '参阅' });
    hopChanged(res, { action: 'archive', state: 'archived' });
  });

  it('adopts and forwards the same item, and revokes an adoption', async () => {
    const d = await submittedItem();
    const k = await as(tree.K.editor);
    const hop = d.hops[0]!.id;
    await k.post(`/api/hops/${hop}/receive`);
    const adopted = hopChanged(
      await k.post(`/api/hops/${hop}/adopt`, { periodicalId: tree.K.periodicalId, type: 'combined' }),
      { action: 'adopt', state: 'handled' },
    );
    // Adopting does not exclude forwarding: handled → handled.
    const fwd = hopChanged(await k.post(`/api/hops/${hop}/forward`, { targetOrgId: tree.C.id }), {
      action: 'forward',
      state: 'handled',
      adoptionId: null,
    });
    expect(fwd.createdHopId).not.toBeNull();
    const dup = await k.post(`/api/hops/${hop}/forward`, { targetOrgId: tree.C.id });
    expect(dup.statusCode).toBe(409);
    const skip = await k.post(`/api/hops/${hop}/forward`, { targetOrgId: tree.P.id });
    expect(skip.statusCode).toBe(400);
    const revoked = await k.post(`/api/adoptions/${adopted.adoptionId}/revoke`, { reason: '重复采用' });
    hopChanged(revoked, { hopId: hop, action: 'revoke_adoption', adoptionId: adopted.adoptionId });
    const after = (await k.get(`/api/items/${d.id}`)).json<Detail>();
    expect(after.adoptions.find((a) => a.id === adopted.adoptionId)!.revokedAt).not.toBeNull();
  });

  it('takes ids written in capitals as the same ids (path, body and query): no 403 or 404 for the letter case', async () => {
    const d = await submittedItem();
    const k = await as(tree.K.editor);
    const HOP = d.hops[0]!.id.toUpperCase();
    expect(HOP).not.toBe(d.hops[0]!.id);
    hopChanged(await k.post(`/api/hops/${HOP}/receive`), { hopId: d.hops[0]!.id, action: 'receive' });
    const fwd = hopChanged(
      await k.post(`/api/hops/${HOP}/forward`, { targetOrgId: tree.C.id.toUpperCase() }),
      {
        action: 'forward',
      },
    );
    expect(fwd.createdHopId).not.toBeNull();
    const detail = await k.get(`/api/items/${d.id.toUpperCase()}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json<Detail>().id).toBe(d.id);
    const lower = await k.get(`/api/hubs/${tree.K.id}/rankings?period=year&year=2026`);
    const upper = await k.get(`/api/hubs/${tree.K.id.toUpperCase()}/rankings?period=year&year=2026`);
    expect([lower.statusCode, upper.statusCode]).toEqual([200, 200]);
    expect(upper.json()).toEqual(lower.json());
    const inbox = await k.get(`/api/inbox?hubId=${tree.K.id.toUpperCase()}`);
    expect(inbox.statusCode).toBe(200);
  });

  it('runs configured receiving stages; adoption waits for the last stage, each stage can send back', async () => {
    const { hubStages } = await import('../../src/server/modules/orgs/schema.js');
    await t.app.database.db.insert(hubStages).values([
      { hubId: tree.K2.id, position: 1, name: '初审', role: 'editor' },
      { hubId: tree.K2.id, position: 2, name: '复审', role: 'chief_editor' },
      { hubId: tree.K2.id, position: 3, name: '领导审核', role: 'leader' },
    ]);
    const w = await as(tree.U.writer);
    const id = (await w.post('/api/items', draft(tree.U.id))).json<Detail>().id;
    await w.post(`/api/items/${id}/submit`);
    await (await as(tree.U.reviewer)).post(`/api/items/${id}/approve`, {});
    const hop = itemChanged(await (await as(tree.U.signer)).post(`/api/items/${id}/sign`, {})).hops[0]!.id;
    const editor = await as(tree.K2.editor);
    hopChanged(await editor.post(`/api/hops/${hop}/receive`), { state: 'received', stage: 1 });
    const early = await editor.post(`/api/hops/${hop}/adopt`, { periodicalId: tree.K2.periodicalId });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toContain('尚未完成全部审核环节');
    hopChanged(await editor.post(`/api/hops/${hop}/advance`, { opinion: '初审通过', stage: 1 }), {
      action: 'advance',
      state: 'received',
      stage: 2,
    });
    // The first stage's approval again (the chief editor may act at any stage, and had the page open at the
    // first): the hop is no longer at the stage the approver saw.
    const chief = await as(tree.K2.chief);
    const again = await chief.post(`/api/hops/${hop}/advance`, { opinion: '初审通过', stage: 1 });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain('已进入其他审核环节');
    const wrongRole = await editor.post(`/api/hops/${hop}/advance`, { stage: 2 });
    expect(wrongRole.statusCode).toBe(403);
    const noStage = await editor.post(`/api/hops/${hop}/advance`, { opinion: '复审通过' });
    expect(noStage.statusCode).toBe(400);
    expect(noStage.json().details.field).toBe('stage');
    hopChanged(await chief.post(`/api/hops/${hop}/advance`, { opinion: '复审通过', stage: 2 }), { stage: 3 });
    const leader = await as(tree.K2.leader);
    const back = await leader.post(`/api/hops/${hop}/return`, { reason: '领导审核：请核实数据' });
    hopChanged(back, { action: 'return', state: 'returned', itemState: 'revising' });
  });

  it('SEC-13 two concurrent sign-fors of one hop: exactly one succeeds', async () => {
    const d = await submittedItem();
    const k = await as(tree.K.editor);
    const k2 = await Client.login(t.app, tree.K.chief, PASSWORD);
    const [a, b] = await Promise.all([
      k.post(`/api/hops/${d.hops[0]!.id}/receive`),
      k2.post(`/api/hops/${d.hops[0]!.id}/receive`),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const events = await t.app.database.db
      .select()
      .from(itemEvents)
      .where(eq(itemEvents.hopId, d.hops[0]!.id));
    expect(events.filter((e) => e.action === 'hop_receive')).toHaveLength(1);
  });

  it('two concurrent forwards of one hop: one succeeds and creates one hop, with its event after the forward’s', async () => {
    const d = await submittedItem();
    const k = await as(tree.K.editor);
    const k2 = await Client.login(t.app, tree.K.chief, PASSWORD);
    const hopK = d.hops[0]!.id;
    await k.post(`/api/hops/${hopK}/receive`);
    const [a, b] = await Promise.all([
      k.post(`/api/hops/${hopK}/forward`, { targetOrgId: tree.C.id }),
      k2.post(`/api/hops/${hopK}/forward`, { targetOrgId: tree.C.id }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect((a.statusCode === 409 ? a : b).json().message).toContain('已转报至该单位');
    const created = (a.statusCode === 200 ? a : b).json<{ createdHopId: string }>().createdHopId;
    const children = await t.app.database.db.select().from(hops).where(eq(hops.parentHopId, hopK));
    expect(children.map((h) => [h.id, h.toOrgId, h.state])).toEqual([[created, tree.C.id, 'pending']]);
    const events = await t.app.database.db
      .select()
      .from(itemEvents)
      .where(eq(itemEvents.itemId, d.id))
      .orderBy(itemEvents.id);
    const forwardEvents = events.filter((e) => e.action === 'hop_forward');
    const submitEvents = events.filter((e) => e.action === 'hop_submit' && e.hopId === created);
    expect(forwardEvents).toHaveLength(1);
    expect(submitEvents).toHaveLength(1);
    expect(submitEvents[0]!.id).toBeGreaterThan(forwardEvents[0]!.id);
    // Each event has its audit row, once.
    const audits = await t.app.database.db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.objectId, [hopK, created]));
    expect(audits.map((r) => `${r.event} ${r.objectId}`).sort()).toEqual(
      [
        `item.hop_submit ${hopK}`,
        `item.hop_receive ${hopK}`,
        `item.hop_forward ${hopK}`,
        `item.hop_submit ${created}`,
      ].sort(),
    );
  });

  it('a forwarded hop sent back goes to the forwarding hub, which edits and resubmits it', async () => {
    const d = await submittedItem();
    const k = await as(tree.K.editor);
    const hopK = d.hops[0]!.id;
    await k.post(`/api/hops/${hopK}/receive`);
    const hopC = hopChanged(
      await k.post(`/api/hops/${hopK}/forward`, { targetOrgId: tree.C.id }),
    ).createdHopId!;
    const c = await as(tree.C.editor);
    await c.post(`/api/hops/${hopC}/receive`);
    // A forwarded hop sent back leaves the item as it was: it goes to the forwarding hub.
    hopChanged(await c.post(`/api/hops/${hopC}/return`, { reason: '请县里核实后再报' }), {
      state: 'returned',
      itemState: 'submitted',
    });
    const atK = (await k.get(`/api/items/${d.id}`)).json<Detail>();
    expect(atK.state).toBe('submitted');
    const returned = atK.hops.find((h) => h.id === hopC)!;
    const outgoing = (await k.get('/api/inbox?direction=out&state=returned')).json<{
      rows: { hopId: string }[];
    }>();
    expect(outgoing.rows.map((r) => r.hopId)).toContain(hopC);
    expect(returned.abilities.resubmit).toBe(true);
    const unitTries = await (await as(tree.T.writer)).post(`/api/hops/${hopC}/resubmit`, {});
    expect(unitTries.statusCode).toBe(403);
    const res = await k.post(`/api/hops/${hopC}/resubmit`, { comment: '已核实' });
    hopChanged(res, { hopId: hopC, action: 'resubmit', state: 'pending', stage: 0 });
  });
});

describe('SEC-10 visibility', () => {
  it('siblings and unrelated units get the same 404 as a missing item; hubs see only what reached them', async () => {
    const w = await as(tree.T.writer);
    const draftId = (await w.post('/api/items', draft(tree.T.id))).json<Detail>().id;
    const missing = await (await as(tree.S.writer)).get('/api/items/00000000-0000-4000-8000-000000000000');
    for (const who of [
      tree.S.writer,
      tree.S.reviewer,
      tree.U.writer,
      tree.K.editor,
      tree.C.editor,
      tree.K2.editor,
    ]) {
      const res = await (await as(who)).get(`/api/items/${draftId}`);
      expect(res.statusCode, who).toBe(404);
      expect(res.json()).toEqual(missing.json());
    }
    const d = await submittedItem();
    expect((await (await as(tree.K.editor)).get(`/api/items/${d.id}`)).statusCode).toBe(200);
    expect((await (await as(tree.C.editor)).get(`/api/items/${d.id}`)).statusCode).toBe(404);
    expect((await (await as(tree.S.writer)).get(`/api/items/${d.id}`)).statusCode).toBe(404);
    const stranger = await (await as(tree.S.writer)).post(`/api/hops/${d.hops[0]!.id}/receive`);
    expect(stranger.statusCode).toBe(404);
    const sibling = await (await as(tree.K2.editor)).post(`/api/hops/${d.hops[0]!.id}/receive`);
    expect(sibling.statusCode).toBe(404);
  });

  it('co-reporting units see the item once it is submitted', async () => {
    const w = await as(tree.T.writer);
    const created = (
      await w.post('/api/items', draft(tree.T.id, { coReporterOrgIds: [tree.S.id] }))
    ).json<Detail>();
    expect((await (await as(tree.S.writer)).get(`/api/items/${created.id}`)).statusCode).toBe(404);
    await w.post(`/api/items/${created.id}/submit`);
    expect((await (await as(tree.S.writer)).get(`/api/items/${created.id}`)).statusCode).toBe(200);
  });

  it('lists never include items outside the scope', async () => {
    const d = await submittedItem();
    const s = await as(tree.S.writer);
    const unitRes = await s.get('/api/items?box=unit&limit=100');
    expect(unitRes.statusCode, unitRes.body).toBe(200);
    const unitList = unitRes.json<{ rows: { id: string }[] }>();
    expect(unitList.rows.map((r) => r.id)).not.toContain(d.id);
    const inboxK2 = (await (await as(tree.K2.editor)).get('/api/inbox?limit=100')).json<{
      rows: { itemId: string }[];
    }>();
    expect(inboxK2.rows.map((r) => r.itemId)).not.toContain(d.id);
  });
});

describe('工作台', () => {
  it('counts what awaits each person', async () => {
    const before = (await (await as(tree.K.editor)).get('/api/dashboard')).json<Record<string, number>>();
    const d = await submittedItem();
    const w = await as(tree.T.writer);
    await w.post('/api/items', draft(tree.T.id));
    const id = (await w.post('/api/items', draft(tree.T.id))).json<Detail>().id;
    await w.post(`/api/items/${id}/submit`);
    const mine = (await w.get('/api/dashboard')).json<Record<string, number>>();
    expect(mine.drafts).toBeGreaterThanOrEqual(1);
    const reviewer = (await (await as(tree.T.reviewer)).get('/api/dashboard')).json<Record<string, number>>();
    expect(reviewer.toReview).toBeGreaterThanOrEqual(1);
    expect(reviewer.toSign).toBe(0);
    const hub = (await (await as(tree.K.editor)).get('/api/dashboard')).json<Record<string, number>>();
    expect(hub.pending).toBe(before.pending! + 1);
    expect(hub.drafts).toBe(0);
    void d;
  });
});

describe('HTTP contract', () => {
  it('SEC-20 SEC-31 answers 400 naming the field for bad and unknown input, never 500', async () => {
    const w = await as(tree.T.writer);
    const bad = await w.post('/api/items', { ...draft(tree.T.id), category: 'nonsense' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.field).toBe('category');
    const unknown = await w.post('/api/items', { ...draft(tree.T.id), hacker: true });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('hacker');
    const badId = await w.get('/api/items/not-a-uuid');
    expect(badId.statusCode).toBe(400);
    const badCursor = await w.get('/api/items?cursor=zzz');
    expect(badCursor.statusCode).toBe(400);
  });

  it('refuses state changes without the CSRF token or from another origin, and anonymous calls', async () => {
    const w = await as(tree.T.writer);
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/api/items',
      payload: draft(tree.T.id),
      headers: { cookie: w.cookie },
    });
    expect(noToken.statusCode).toBe(403);
    const cross = await t.app.inject({
      method: 'POST',
      url: '/api/items',
      payload: draft(tree.T.id),
      headers: {
        cookie: w.cookie,
        'x-csrf-token': w.csrf,
        origin: 'https://evil.example',
        host: 'localhost',
      },
    });
    expect(cross.statusCode).toBe(403);
    const anon = await t.app.inject({ method: 'GET', url: '/api/items' });
    expect(anon.statusCode).toBe(401);
  });

  it('paginates the inbox by keyset without repeats', async () => {
    for (let i = 0; i < 5; i++) await submittedItem();
    const k = await as(tree.K.editor);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/inbox?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await k.get(url)).json<{ rows: { hopId: string }[]; nextCursor: string | null }>();
      seen.push(...page.rows.map((r) => r.hopId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });

  it('serves an OpenAPI document covering the workflow routes, each 2xx answer described', async () => {
    interface Op {
      responses?: Record<string, { content?: Record<string, { schema?: { properties?: object } }> }>;
    }
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, Op>>;
    }>();
    for (const p of [
      '/api/items',
      '/api/items/{id}/sign',
      '/api/hops/{id}/forward',
      '/api/hops/{id}/adopt',
      '/api/inbox',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    // Every route of the items module declares what each of its 2xx answers carries.
    const operations = [
      'get /api/dashboard',
      'get /api/items',
      'post /api/items',
      'get /api/inbox',
      'get /api/items/{id}',
      'put /api/items/{id}',
      ...['submit', 'approve', 'return', 'sign', 'withdraw'].map((a) => `post /api/items/{id}/${a}`),
      'get /api/items/{id}/versions/{no}',
      'get /api/items/{id}/diff',
      'get /api/orgs/{id}/targets',
      ...[
        'receive',
        'advance',
        'return',
        'reject',
        'archive',
        'forward',
        'adopt',
        'withdraw',
        'resubmit',
      ].map((a) => `post /api/hops/{id}/${a}`),
      'put /api/hops/{id}/content',
      'get /api/hops/{id}/forward-targets',
      'post /api/adoptions/{id}/revoke',
    ];
    for (const name of operations) {
      const [method, path] = name.split(' ') as [string, string];
      const op = doc.paths[path]?.[method];
      expect(op, name).toBeDefined();
      const ok = Object.entries(op!.responses ?? {}).filter(([code]) => code.startsWith('2'));
      expect(ok.length, name).toBeGreaterThan(0);
      for (const [, r] of ok) expect(r.content?.['application/json']?.schema, name).toBeDefined();
    }
    const receive = doc.paths['/api/hops/{id}/receive']!.post!.responses!['200']!;
    expect(Object.keys(receive.content!['application/json']!.schema!.properties!).sort()).toEqual(
      Object.keys(HopTransitionResult.shape).sort(),
    );
  });
});
