import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Actor, UseCaseContext } from '../../src/server/http/context.js';
import { memberships, users } from '../../src/server/modules/orgs/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrgTree, PASSWORD, type OrgTree } from '../helpers/factories.js';

/** Shared set-up of the periodicals tests: a fresh database and org tree per file, logged-in clients. */
export interface World {
  t: TestApp;
  tree: OrgTree;
  as(username: string): Promise<Client>;
}

export async function world(opts: Parameters<typeof buildTestApp>[0] = {}): Promise<World> {
  const t = await buildTestApp(opts);
  const tree = await buildOrgTree(t.app.database.db);
  const clients = new Map<string, Client>();
  return {
    t,
    tree,
    as: async (username) => {
      let c = clients.get(username);
      if (!c) {
        c = await Client.login(t.app, username, PASSWORD);
        clients.set(username, c);
      }
      return c;
    },
  };
}

export interface Issue {
  id: string;
  state: string;
  rowVersion: number;
  year: number | null;
  yearNo: number | null;
  totalNo: number | null;
  numberLabel: string;
  recallReason: string | null;
  excerpt: boolean;
  entries: {
    id: string;
    title: string;
    bodyHtml: string;
    editorNote: string | null;
    sourceLine: string;
    combined: boolean;
    adoptionIds: string[];
    rowVersion: number;
  }[];
  reviews: { decision: string; opinion: string | null }[];
  distribution: {
    recipients: { orgId: string; kind: string; firstReadAt: string | null; entryIds: string[] | null }[];
    total: number;
    read: number;
    readRate: number;
  } | null;
  abilities: Record<string, boolean>;
}

const draft = (orgId: string, title: string, extra: object = {}) => ({
  orgId,
  title,
  bodyHtml: `<p>${title}：今年以来，在12个小区推行网格化治理，办结群众诉求1260件，办结率98.6%。</p><p>下一步将继续完善机制。</p>`,
  category: 'experience',
  urgency: 'normal',
  disclosure: 'internal',
  ...extra,
});

type Unit = OrgTree['T'];

/** A unit drafts, reviews and signs an item to its county hub; returns the item and its first hop. */
export async function submitted(w: World, unit: Unit, title: string, extra: object = {}) {
  const writer = await w.as(unit.writer);
  const created = await writer.post('/api/items', draft(unit.id, title, extra));
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ id: string }>().id;
  expect((await writer.post(`/api/items/${id}/submit`)).statusCode).toBe(200);
  expect(
    (await (await w.as(unit.reviewer)).post(`/api/items/${id}/approve`, { opinion: '同意' })).statusCode,
  ).toBe(200);
  const signed = await (await w.as(unit.signer)).post(`/api/items/${id}/sign`, { opinion: '同意报送' });
  expect(signed.statusCode, signed.body).toBe(200);
  return { itemId: id, hopId: signed.json<{ hops: { id: string }[] }>().hops[0]!.id };
}

interface AdoptionOut {
  itemId: string;
  hopId: string;
  adoptionId: string;
}

/** Signs for and adopts a hop into the hub's periodical; returns the new adoption's id. */
export async function adopt(
  w: World,
  hub: OrgTree['K'],
  hopId: string,
  type: 'single' | 'combined' = 'single',
): Promise<string> {
  const editor = await w.as(hub.editor);
  expect((await editor.post(`/api/hops/${hopId}/receive`)).statusCode).toBe(200);
  const res = await editor.post(`/api/hops/${hopId}/adopt`, { periodicalId: hub.periodicalId, type });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ adoptionId: string }>().adoptionId;
}

/** An item of `unit` adopted by the county hub K. */
export async function adoptedAtK(w: World, title: string, unit: Unit = w.tree.T, extra: object = {}) {
  const s = await submitted(w, unit, title, extra);
  return { ...s, adoptionId: await adopt(w, w.tree.K, s.hopId) } satisfies AdoptionOut;
}

/** An item of T forwarded by K to the city C and adopted there. */
export async function adoptedAtC(w: World, title: string, extra: object = {}) {
  const s = await submitted(w, w.tree.T, title, extra);
  const k = await w.as(w.tree.K.editor);
  await k.post(`/api/hops/${s.hopId}/receive`);
  const fwd = await k.post(`/api/hops/${s.hopId}/forward`, { targetOrgId: w.tree.C.id });
  expect(fwd.statusCode, fwd.body).toBe(200);
  const hopC = fwd.json<{ createdHopId: string }>().createdHopId;
  return { itemId: s.itemId, hopId: hopC, adoptionId: await adopt(w, w.tree.C, hopC) } satisfies AdoptionOut;
}

/** Compiles one entry per adoption into a new draft of the hub's periodical (by its editor). */
export async function draftIssue(w: World, hub: OrgTree['K'], adoptionIds: string[], body: object = {}) {
  const editor = await w.as(hub.editor);
  const created = await editor.post(`/api/periodicals/${hub.periodicalId}/issues`, body);
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<Issue>().id;
  for (const a of adoptionIds) {
    const res = await editor.post(`/api/issues/${id}/entries`, { adoptionIds: [a] });
    expect(res.statusCode, res.body).toBe(201);
  }
  return id;
}

/** Draft → in_review → signed by the chief editor (the editor compiled it). */
export async function signedIssue(w: World, hub: OrgTree['K'], adoptionIds: string[], body: object = {}) {
  const id = await draftIssue(w, hub, adoptionIds, body);
  const submit = await (await w.as(hub.editor)).post(`/api/issues/${id}/submit`, {});
  expect(submit.statusCode, submit.body).toBe(200);
  const sign = await (await w.as(hub.chief)).post(`/api/issues/${id}/sign`, { opinion: '同意印发' });
  expect(sign.statusCode, sign.body).toBe(200);
  return id;
}

/** A signed issue issued by the hub's editor to `recipientOrgIds`. */
export async function issuedIssue(
  w: World,
  hub: OrgTree['K'],
  adoptionIds: string[],
  recipientOrgIds: string[] = [],
): Promise<Issue> {
  const id = await signedIssue(w, hub, adoptionIds);
  const res = await (await w.as(hub.editor)).post(`/api/issues/${id}/issue`, { recipientOrgIds });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Issue>();
}

/** The actor of a user as the server builds it, for calling a use case with a chosen clock. */
export async function actorOf(w: World, username: string): Promise<Actor> {
  const db = w.t.app.database.db;
  const [u] = await db.select().from(users).where(eq(users.username, username));
  const ms = await db.select().from(memberships).where(eq(memberships.userId, u!.id));
  return {
    userId: u!.id,
    username: u!.username,
    displayName: u!.displayName,
    memberships: ms.map((m) => ({ orgId: m.orgId, role: m.role })),
  };
}

/** Runs a use case in one transaction at a chosen instant. */
export async function at<T>(
  w: World,
  actor: Actor,
  now: Date,
  fn: (ctx: UseCaseContext) => Promise<T>,
): Promise<T> {
  return w.t.app.database.db.transaction((tx) => fn({ actor, tx, now, ip: null, requestId: null }));
}
