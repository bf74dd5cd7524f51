/**
 * The unit-side item lists (items/queries.ts listItems: 我的稿件, 本单位稿件, 待审核, 待签发) run one prepared
 * statement per shape — box, filters, how many units and hubs the actor has — with every value a
 * placeholder. Against an oracle of the visibility rule and the boxes applied in memory: every box and
 * filter for actors with one or several units and hubs, walked page by page through the cursor, each shape
 * called past the five runs after which PostgreSQL may plan generically.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Db } from '../../src/server/db/client.js';
import type { Actor } from '../../src/server/http/context.js';
import { listItems, type ItemBox, type ItemListFilter } from '../../src/server/modules/items/queries.js';
import type { Role } from '../../src/server/modules/orgs/domain.js';
import { testDatabase } from '../helpers/db.js';
import { allPages } from '../helpers/pages.js';
import { buildOrgTree, type OrgTree } from '../helpers/factories.js';

let database: Awaited<ReturnType<typeof testDatabase>>;
let db: Db;
let tree: OrgTree;

interface Item {
  id: string;
  org: string;
  author: string;
  state: string;
  category: string;
  title: string;
  at: Date;
  coReporters: string[];
  reachedHubs: string[];
}
const all: Item[] = [];

const STATES = ['draft', 'in_review', 'awaiting_signoff', 'submitted', 'revising'] as const;
const CATEGORIES = ['dynamic', 'experience', 'problem'] as const;
const TITLES = ['网格化治理见成效', '秋粮收购进度', '100%_完成率通报', '营商环境\\优化'];

let authors: string[] = [];

beforeAll(async () => {
  database = await testDatabase();
  db = database.db;
  tree = await buildOrgTree(db);
  authors = (await queryRows<{ id: string }>(db, sql`select id from users order by username limit 2`)).map(
    (u) => u.id,
  );
  const units = [tree.T.id, tree.S.id, tree.U.id];
  for (let i = 0; i < 45; i++) {
    const org = units[i % 3]!;
    all.push({
      id: randomUUID(),
      org,
      author: authors[(i >> 1) % 2]!,
      state: STATES[i % 5]!,
      category: CATEGORIES[(i >> 2) % 3]!,
      title: `${TITLES[i % 4]}${i}`,
      // Some at the same instant: the cursor orders ties by id.
      at: new Date(Date.UTC(2026, 10, 1 + Math.floor(i / 3), 2)),
      coReporters: i % 4 === 1 ? [units[(i + 1) % 3]!] : [],
      reachedHubs:
        i % 5 >= 3 ? (org === tree.U.id ? [tree.K2.id] : [tree.K.id, ...(i % 2 ? [tree.C.id] : [])]) : [],
    });
  }
  const rows = all.map((it) => ({ ...it, at: it.at.toISOString() }));
  await db.execute(sql`
    with r as (select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(id uuid, org uuid, author uuid, state text, category text, title text, at timestamptz)),
    i as (
      insert into items (id, org_id, author_id, state, current_version_no, title, category, urgency, disclosure,
        created_at, updated_at)
      select id, org, author, state, 1, title, category, 'normal', 'internal', at, at from r returning id
    )
    insert into item_versions (id, item_id, no, title, body_html, body_text, org_id, created_by, created_at)
    select gen_random_uuid(), id, 1, title, '<p>x</p>', 'x', org, author, at from r`);
  for (const it of all) {
    for (const co of it.coReporters)
      await db.execute(sql`insert into item_co_reporters (item_id, org_id) values (${it.id}, ${co})`);
    for (const hub of it.reachedHubs)
      await db.execute(sql`insert into hops (id, item_id, root_hop_id, from_org_id, to_org_id, version_id, state,
          urgency, submitted_at, updated_at)
        select h, ${it.id}, h, ${it.org}, ${hub}, v.id, 'pending', 'normal', ${it.at.toISOString()}, now()
        from item_versions v, gen_random_uuid() h where v.item_id = ${it.id}`);
  }
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

const UNIT_ROLES: Role[] = ['writer', 'reviewer', 'signer'];
const HUB_ROLES: Role[] = ['editor', 'chief_editor', 'leader'];

function actor(userId: string, memberships: [string, Role][]): Actor {
  return {
    userId,
    username: 'u',
    displayName: '用户',
    memberships: memberships.map(([orgId, role]) => ({ orgId, role })),
  };
}

const orgsOf = (a: Actor, roles: Role[]) =>
  a.memberships.filter((m) => roles.includes(m.role)).map((m) => m.orgId);

function oracle(a: Actor, f: Omit<ItemListFilter, 'cursor' | 'limit'>): string[] {
  const units = orgsOf(a, UNIT_ROLES);
  const hubs = orgsOf(a, HUB_ROLES);
  const visible = (it: Item) =>
    units.includes(it.org) ||
    (it.state !== 'draft' && it.coReporters.some((o) => units.includes(o))) ||
    it.reachedHubs.some((h) => hubs.includes(h));
  const inBox = (it: Item) => {
    switch (f.box) {
      case 'mine':
        return it.author === a.userId;
      case 'unit':
        return units.includes(it.org);
      case 'review':
        return it.state === 'in_review' && orgsOf(a, ['reviewer', 'signer']).includes(it.org);
      case 'signoff':
        return it.state === 'awaiting_signoff' && orgsOf(a, ['signer']).includes(it.org);
    }
  };
  return all
    .filter(
      (it) =>
        visible(it) &&
        inBox(it) &&
        (!f.state || it.state === f.state) &&
        (!f.category || it.category === f.category) &&
        (!f.q || it.title.toLowerCase().includes(f.q.toLowerCase())),
    )
    .sort((x, y) => y.at.getTime() - x.at.getTime() || (x.id < y.id ? 1 : -1))
    .map((it) => it.id);
}

async function walk(a: Actor, f: Omit<ItemListFilter, 'cursor'>): Promise<string[]> {
  const rows = await allPages(f.limit, (cursor) => listItems(db, a, { ...f, cursor }));
  return rows.map((r) => r.id);
}

describe('the item lists, one prepared statement per shape', () => {
  it('answer what the boxes and filters mean, for every actor, page after page', async () => {
    const actors: Actor[] = [
      actor(authors[0]!, [[tree.T.id, 'writer']]),
      actor(authors[1]!, [
        [tree.T.id, 'reviewer'],
        [tree.S.id, 'signer'],
      ]),
      actor(authors[0]!, [
        [tree.T.id, 'writer'],
        [tree.K.id, 'editor'],
        [tree.C.id, 'leader'],
      ]),
      actor(authors[1]!, [[tree.K2.id, 'editor']]),
    ];
    const boxes: ItemBox[] = ['mine', 'unit', 'review', 'signoff'];
    const filters: Omit<ItemListFilter, 'cursor' | 'limit' | 'box'>[] = [
      {},
      { state: 'submitted' },
      { category: 'experience' },
      { q: '秋粮' },
      { q: '100%_' },
      { q: '\\优化', state: 'in_review' },
    ];
    let nonEmpty = 0;
    for (let round = 0; round < 7; round++)
      for (const [ai, a] of actors.entries())
        for (const box of boxes)
          for (const [fi, filter] of filters.entries()) {
            const f = { ...filter, box };
            const limit = 1 + ((round + fi + ai) % 4);
            const expected = oracle(a, f);
            expect({ ai, f, ids: await walk(a, { ...f, limit }) }).toEqual({ ai, f, ids: expected });
            if (expected.length > 1) nonEmpty++;
          }
    expect(nonEmpty).toBeGreaterThan(100);
  }, 180_000);
});
