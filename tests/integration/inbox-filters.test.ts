/**
 * The inbox (items/queries.ts listInbox) runs one prepared statement per shape — which filters, how many
 * hubs — with every value a placeholder (db/prepared.ts preparedShapes). Against an oracle that filters
 * every hop in memory: every combination of filters, one hub or two, in and out, walked page by page
 * through its cursor, each shape called past the five runs after which PostgreSQL may plan generically (the
 * server's sessions force generic plans: db/client.ts), pages of every size.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Db } from '../../src/server/db/client.js';
import type { Actor } from '../../src/server/http/context.js';
import { fetchSize, listInbox, type InboxFilter } from '../../src/server/modules/items/queries.js';
import { testDatabase } from '../helpers/db.js';
import { allPages } from '../helpers/pages.js';
import { buildOrgTree, type OrgTree } from '../helpers/factories.js';

let database: Awaited<ReturnType<typeof testDatabase>>;
let db: Db;
let tree: OrgTree;

interface Hop {
  id: string;
  from: string;
  to: string;
  state: string;
  urgency: string;
  category: string;
  title: string;
  at: Date;
}
const all: Hop[] = [];

const STATES = ['pending', 'received', 'handled', 'returned', 'withdrawn'] as const;
const CATEGORIES = ['dynamic', 'experience', 'problem'] as const;
const URGENCIES = ['normal', 'urgent'] as const;
const TITLES = ['网格化治理见成效', '秋粮收购进度', '100%_完成率通报', '营商环境\\优化'];

beforeAll(async () => {
  database = await testDatabase();
  db = database.db;
  tree = await buildOrgTree(db);
  const [u] = await queryRows<{ id: string }>(db, sql`select id from users limit 1`);
  const senders = [tree.T.id, tree.S.id, tree.K.id];
  const rows = Array.from({ length: 48 }, (_, i) => {
    const from = senders[i % 3]!;
    const hop: Hop = {
      id: randomUUID(),
      from,
      to: from === tree.K.id ? tree.C.id : i % 4 === 0 ? tree.C.id : tree.K.id,
      state: STATES[i % 5]!,
      urgency: URGENCIES[(i >> 1) % 2]!,
      category: CATEGORIES[i % 3 === 0 ? (i >> 2) % 3 : i % 3]!,
      title: `${TITLES[i % 4]}${i}`,
      // Some at the same instant: the cursor orders ties by id.
      at: new Date(Date.UTC(2026, 10, 1 + Math.floor(i / 3), 2, 0, 0)),
    };
    all.push(hop);
    return { ...hop, item: randomUUID(), at: hop.at.toISOString() };
  });
  await db.execute(sql`
    with r as (select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(id uuid, item uuid, "from" uuid, "to" uuid, state text, urgency text, category text, title text, at timestamptz)),
    i as (
      insert into items (id, org_id, author_id, state, current_version_no, title, category, urgency, disclosure,
        created_at, updated_at)
      select item, "from", ${u!.id}, 'submitted', 1, title, category, urgency, 'internal', at, at from r
      returning id
    ),
    v as (
      insert into item_versions (id, item_id, no, title, body_html, body_text, org_id, created_by, created_at)
      select gen_random_uuid(), item, 1, title, '<p>x</p>', 'x', "from", ${u!.id}, at from r
      returning id, item_id
    )
    insert into hops (id, item_id, root_hop_id, from_org_id, to_org_id, version_id, state, urgency, submitted_at,
      updated_at)
    select r.id, r.item, r.id, r."from", r."to", v.id, r.state, r.urgency, r.at, r.at from r join v on v.item_id = r.item`);
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

function oracle(hubs: string[], f: Omit<InboxFilter, 'cursor' | 'limit'>): string[] {
  return all
    .filter(
      (h) =>
        (f.direction === 'out' ? hubs.includes(h.from) : hubs.includes(h.to)) &&
        h.state !== 'withdrawn' &&
        (!f.state || h.state === f.state) &&
        (!f.category || h.category === f.category) &&
        (!f.urgency || h.urgency === f.urgency) &&
        (!f.fromOrgId || h.from === f.fromOrgId) &&
        (!f.q || h.title.toLowerCase().includes(f.q.toLowerCase())) &&
        (!f.since || h.at >= f.since) &&
        (!f.until || h.at <= f.until),
    )
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1))
    .map((h) => h.id);
}

/** Every page of a filter through its cursors. */
async function walk(actor: Actor, f: Omit<InboxFilter, 'cursor'>): Promise<string[]> {
  const rows = await allPages(f.limit, (cursor) => listInbox(db, actor, { ...f, cursor }));
  return rows.map((r) => r.hopId);
}

const editorOf = (...hubs: string[]): Actor => ({
  userId: randomUUID(),
  username: 'editor',
  displayName: '编辑',
  memberships: hubs.map((orgId) => ({ orgId, role: 'editor' as const })),
});

describe('the inbox, one prepared statement per shape', () => {
  it('answers what the filters mean, for every combination, page after page', async () => {
    const filters: Omit<InboxFilter, 'cursor' | 'limit'>[] = [
      {},
      { state: 'pending' },
      { state: 'withdrawn' },
      { category: 'experience' },
      { urgency: 'urgent', state: 'received' },
      { fromOrgId: tree.T.id },
      { q: '秋粮' },
      { q: '100%_' },
      { q: '\\优化' },
      { since: new Date(Date.UTC(2026, 10, 5)), until: new Date(Date.UTC(2026, 10, 12, 2)) },
      { since: new Date(Date.UTC(2026, 10, 9)), category: 'problem', urgency: 'normal' },
      { direction: 'out' },
      { direction: 'out', state: 'returned' },
      { until: new Date(Date.UTC(2026, 10, 3)), fromOrgId: tree.S.id, q: '网格' },
    ];
    const actors: [Actor, string[], string | undefined][] = [
      [editorOf(tree.K.id), [tree.K.id], undefined],
      [editorOf(tree.K.id, tree.C.id), [tree.K.id, tree.C.id], undefined],
      [editorOf(tree.K.id, tree.C.id), [tree.C.id], tree.C.id],
    ];
    let nonEmpty = 0;
    // Seven rounds of each shape: past PostgreSQL's switch to a generic plan.
    for (let round = 0; round < 7; round++)
      for (const [actor, hubs, hubId] of actors)
        for (const f of filters) {
          const limit = 1 + ((round + filters.indexOf(f)) % 4);
          const expected = oracle(hubs, f);
          expect({ f, hubs, ids: await walk(actor, { ...f, hubId, limit }) }).toEqual({
            f,
            hubs,
            ids: expected,
          });
          if (expected.length > 1) nonEmpty++;
        }
    expect(nonEmpty).toBeGreaterThan(100);
  }, 120_000);

  it('pages of every size walk every row once: the statement fetches 21, 51 or 101 rows (fetchSize)', async () => {
    const actor = editorOf(tree.K.id, tree.C.id);
    const expected = oracle([tree.K.id, tree.C.id], {});
    expect(expected.length).toBeGreaterThan(30);
    for (const limit of [1, 19, 20, 21, 22, 49, 50, 51, 99, 100]) {
      expect({ limit, ids: await walk(actor, { limit }) }).toEqual({ limit, ids: expected });
      const first = await listInbox(db, actor, { limit });
      expect(first.rows).toHaveLength(Math.min(limit, expected.length));
      expect(first.nextCursor === null).toBe(limit >= expected.length);
    }
    expect([1, 20, 21, 50, 51, 100].map(fetchSize)).toEqual([21, 21, 51, 51, 101, 101]);
    expect(() => fetchSize(101)).toThrow();
  });

  it('runs with generic plans, in every session (db/client.ts)', async () => {
    const [row] = await queryRows<{ plan_cache_mode: string }>(db, sql`show plan_cache_mode`);
    expect(row!.plan_cache_mode).toBe('force_generic_plan');
  });

  it('a hub the actor does not edit for is a 400 naming the field, and no hub an empty page', async () => {
    await expect(listInbox(db, editorOf(tree.K.id), { hubId: tree.C.id, limit: 5 })).rejects.toMatchObject({
      details: { field: 'hubId' },
    });
    expect(await listInbox(db, editorOf(), { limit: 5 })).toEqual({ rows: [], nextCursor: null });
  });
});
