import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrgTree, PASSWORD, type OrgTree } from '../helpers/factories.js';

/**
 * The authorization matrix through real HTTP: every role at every relation to the item (own unit,
 * sibling unit, parent hub, grandparent hub, unrelated hub and unit) tries every workflow action on an item
 * prepared in the state that action needs. Allowed → 200; denied but visible → 403; not visible → 404,
 * and a refused action leaves the record unchanged. The pure policy has its exhaustive matrix in
 * tests/unit/policy-matrix.test.ts; this one proves every route is wired to it.
 */
let t: TestApp;
let tree: OrgTree;
const clients = new Map<string, Client>();
const as = async (username: string) => {
  if (!clients.has(username)) clients.set(username, await Client.login(t.app, username, PASSWORD));
  return clients.get(username)!;
};

type Actor = { label: string; username: (tree: OrgTree) => string };
const ACTORS: Actor[] = [
  { label: 'own unit writer', username: (x) => x.T.writer },
  { label: 'own unit reviewer', username: (x) => x.T.reviewer },
  { label: 'own unit signer', username: (x) => x.T.signer },
  { label: 'sibling unit writer', username: (x) => x.S.writer },
  { label: 'sibling unit signer', username: (x) => x.S.signer },
  { label: 'parent hub editor', username: (x) => x.K.editor },
  { label: 'parent hub chief editor', username: (x) => x.K.chief },
  { label: 'parent hub leader', username: (x) => x.K.leader },
  { label: 'grandparent hub editor', username: (x) => x.C.editor },
  { label: 'grandparent hub chief editor', username: (x) => x.C.chief },
  { label: 'unrelated hub editor', username: (x) => x.K2.editor },
  { label: 'unrelated unit writer', username: (x) => x.U.writer },
  { label: 'province editor', username: (x) => x.P.editor },
];

type Stage = 'draft' | 'in_review' | 'awaiting_signoff' | 'pending' | 'received';
interface Prepared {
  itemId: string;
  hopId: string | null;
}

async function prepare(stage: Stage): Promise<Prepared> {
  const w = await as(tree.T.writer);
  const created = await w.post('/api/items', {
    orgId: tree.T.id,
    title: '矩阵测试稿件',
    bodyHtml: '<p>某街道开展矩阵测试，涉及12个社区。</p>',
    category: 'dynamic',
    urgency: 'normal',
    disclosure: 'internal',
  });
  const itemId = created.json<{ id: string }>().id;
  if (stage === 'draft') return { itemId, hopId: null };
  await w.post(`/api/items/${itemId}/submit`);
  if (stage === 'in_review') return { itemId, hopId: null };
  await (await as(tree.T.reviewer)).post(`/api/items/${itemId}/approve`, { opinion: '同意' });
  if (stage === 'awaiting_signoff') return { itemId, hopId: null };
  const signed = await (await as(tree.T.signer)).post(`/api/items/${itemId}/sign`, {});
  const hopId = signed.json<{ hops: { id: string }[] }>().hops[0]!.id;
  if (stage === 'pending') return { itemId, hopId };
  await (await as(tree.K.editor)).post(`/api/hops/${hopId}/receive`);
  return { itemId, hopId };
}

interface Case {
  action: string;
  stage: Stage;
  request: (p: Prepared, x: OrgTree) => { method: 'POST' | 'PUT'; url: string; body: object };
  allowed: string[];
  /** Actors who see the item in that stage (denials among them answer 403, the rest 404). */
  visible: string[];
}

const UNIT = ['own unit writer', 'own unit reviewer', 'own unit signer'];
const PARENT = ['parent hub editor', 'parent hub chief editor', 'parent hub leader'];

const CASES: Case[] = [
  {
    action: 'edit draft',
    stage: 'draft',
    request: (p) => ({
      method: 'PUT',
      url: `/api/items/${p.itemId}`,
      body: { rowVersion: 1, title: '改', bodyHtml: '<p>改</p>' },
    }),
    allowed: ['own unit writer'],
    visible: UNIT,
  },
  {
    action: 'submit for review',
    stage: 'draft',
    request: (p) => ({ method: 'POST', url: `/api/items/${p.itemId}/submit`, body: {} }),
    allowed: ['own unit writer'],
    visible: UNIT,
  },
  {
    action: 'withdraw draft',
    stage: 'draft',
    request: (p) => ({ method: 'POST', url: `/api/items/${p.itemId}/withdraw`, body: {} }),
    allowed: ['own unit writer', 'own unit signer'],
    visible: UNIT,
  },
  {
    action: 'approve',
    stage: 'in_review',
    request: (p) => ({ method: 'POST', url: `/api/items/${p.itemId}/approve`, body: { opinion: '同意' } }),
    allowed: ['own unit reviewer'],
    visible: UNIT,
  },
  {
    action: 'return in review',
    stage: 'in_review',
    request: (p) => ({ method: 'POST', url: `/api/items/${p.itemId}/return`, body: { opinion: '请修改' } }),
    allowed: ['own unit reviewer', 'own unit signer'],
    visible: UNIT,
  },
  {
    action: 'sign',
    stage: 'awaiting_signoff',
    request: (p) => ({ method: 'POST', url: `/api/items/${p.itemId}/sign`, body: {} }),
    allowed: ['own unit signer'],
    visible: UNIT,
  },
  {
    action: 'return at sign-off',
    stage: 'awaiting_signoff',
    request: (p) => ({ method: 'POST', url: `/api/items/${p.itemId}/return`, body: { opinion: '请修改' } }),
    allowed: ['own unit signer'],
    visible: UNIT,
  },
  {
    action: 'sign for (签收)',
    stage: 'pending',
    request: (p) => ({ method: 'POST', url: `/api/hops/${p.hopId}/receive`, body: {} }),
    allowed: ['parent hub editor', 'parent hub chief editor'],
    visible: [...UNIT, ...PARENT],
  },
  {
    action: 'withdraw submission',
    stage: 'pending',
    request: (p) => ({ method: 'POST', url: `/api/hops/${p.hopId}/withdraw`, body: {} }),
    allowed: ['own unit writer', 'own unit signer'],
    visible: [...UNIT, ...PARENT],
  },
  {
    action: 'send back (退回)',
    stage: 'received',
    request: (p) => ({ method: 'POST', url: `/api/hops/${p.hopId}/return`, body: { reason: '请补充' } }),
    allowed: ['parent hub editor', 'parent hub chief editor'],
    visible: [...UNIT, ...PARENT],
  },
  {
    action: 'reject (退稿)',
    stage: 'received',
    request: (p) => ({ method: 'POST', url: `/api/hops/${p.hopId}/reject`, body: { reason: '不采用' } }),
    allowed: ['parent hub editor', 'parent hub chief editor'],
    visible: [...UNIT, ...PARENT],
  },
  {
    action: 'archive',
    stage: 'received',
    request: (p) => ({ method: 'POST', url: `/api/hops/${p.hopId}/archive`, body: {} }),
    allowed: ['parent hub editor', 'parent hub chief editor'],
    visible: [...UNIT, ...PARENT],
  },
  {
    action: 'edit at hub',
    stage: 'received',
    request: (p) => ({
      method: 'PUT',
      url: `/api/hops/${p.hopId}/content`,
      body: { rowVersion: 2, title: '编辑修改', bodyHtml: '<p>编辑修改后的正文</p>' },
    }),
    allowed: ['parent hub editor', 'parent hub chief editor'],
    visible: [...UNIT, ...PARENT],
  },
  {
    action: 'forward (转报)',
    stage: 'received',
    request: (p, x) => ({
      method: 'POST',
      url: `/api/hops/${p.hopId}/forward`,
      body: { targetOrgId: x.C.id },
    }),
    allowed: ['parent hub editor', 'parent hub chief editor'],
    visible: [...UNIT, ...PARENT],
  },
  {
    action: 'adopt (采用)',
    stage: 'received',
    request: (p, x) => ({
      method: 'POST',
      url: `/api/hops/${p.hopId}/adopt`,
      body: { periodicalId: x.K.periodicalId, type: 'single' },
    }),
    allowed: ['parent hub editor', 'parent hub chief editor'],
    visible: [...UNIT, ...PARENT],
  },
];

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildOrgTree(t.app.database.db);
});
afterAll(async () => t.close());

describe.each(CASES)('$action', (c) => {
  it.each(ACTORS)('$label', async (actor) => {
    const p = await prepare(c.stage);
    const before = (await (await as(tree.T.writer)).get(`/api/items/${p.itemId}`)).json<{
      state: string;
      hops: { state: string }[];
      timeline: unknown[];
    }>();
    const req = c.request(p, tree);
    const res = await (await as(actor.username(tree))).send(req.method, req.url, req.body);
    const expected = c.allowed.includes(actor.label) ? 200 : c.visible.includes(actor.label) ? 403 : 404;
    expect(res.statusCode, res.body).toBe(expected);
    if (expected !== 200) {
      const after = (await (await as(tree.T.writer)).get(`/api/items/${p.itemId}`)).json<typeof before>();
      expect(after.state).toBe(before.state);
      expect(after.hops.map((h) => h.state)).toEqual(before.hops.map((h) => h.state));
      expect(after.timeline).toHaveLength(before.timeline.length);
    }
  });
});
