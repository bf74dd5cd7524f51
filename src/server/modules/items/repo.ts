import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { preparedStatement } from '../../db/prepared.js';
import type { UseCaseContext } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { can } from '../../policy/authorize.js';
import { auditActionRow } from '../audit/audit.js';
import { auditLog } from '../audit/schema.js';
import { hubStages, orgs } from '../orgs/schema.js';
import { TERMINAL_HOP_STATES } from './domain/states.js';
import type { HopFacts } from './hop-policy.js';
import type { ItemFacts } from './policy.js';
import { hops, itemEvents, items, type HopRow, type ItemRow } from './schema.js';

/** Loads an item, locking its row when `forUpdate`; 404 when missing. */
export async function loadItem(tx: Db, itemId: string, forUpdate = false): Promise<ItemRow> {
  const q = tx.select().from(items).where(eq(items.id, itemId));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw notFound('稿件');
  return row;
}

/**
 * The facts every item policy needs, as columns of the same statement that loads the row (co-reporters,
 * receiving hubs, the unit's writers): one round trip instead of four.
 */
const itemFactColumns = {
  // JSON arrays: both drivers return them parsed, whatever the element type. The outer table is named in
  // the SQL text on purpose: Drizzle leaves a column unqualified in a one-table select, which inside the
  // subquery would bind to the subquery's own table.
  coReporterOrgIds: sql<
    string[]
  >`coalesce((select json_agg(cr.org_id) from item_co_reporters cr where cr.item_id = items.id), '[]'::json)`,
  receivingHubIds: sql<
    string[]
  >`coalesce((select json_agg(distinct h2.to_org_id) from hops h2 where h2.item_id = items.id), '[]'::json)`,
  writerIds: sql<
    string[]
  >`coalesce((select json_agg(distinct v2.created_by) from item_versions v2 where v2.item_id = items.id and v2.org_id = items.org_id), '[]'::json)`,
};

function itemFactsOf(
  item: ItemRow,
  f: { coReporterOrgIds: string[]; receivingHubIds: string[]; writerIds: string[] },
): ItemFacts {
  return {
    orgId: item.orgId,
    state: item.state,
    writerIds: [...new Set([item.authorId, ...f.writerIds])],
    coReporterOrgIds: f.coReporterOrgIds,
    receivingHubIds: f.receivingHubIds,
  };
}

/** An item as a transition loaded it: the row and what its arrows and its next version need. */
export interface LoadedItem {
  item: ItemRow;
  facts: ItemFacts;
  /** Whether a hub sent the item back (a hop is `returned`): a return inside the unit then leads to revising. */
  wasReturned: boolean;
  /** The highest version number of the item, the unit's or a hub's: the next version is this + 1. */
  lastVersionNo: number;
}

/** The terminal hop states as an SQL list of literals (constants of the state table, never input). */
const TERMINAL_STATES_SQL = sql.raw(TERMINAL_HOP_STATES.map((s) => `'${s}'`).join(', '));

const lastVersionNoColumn = sql<number>`coalesce((select max(v3.no) from item_versions v3 where v3.item_id = items.id), 0)::int`;

function loadItemQuery(db: Db) {
  return db
    .select({
      item: items,
      ...itemFactColumns,
      wasReturned: sql<boolean>`exists (select 1 from hops h3 where h3.item_id = items.id and h3.state = 'returned')`,
      lastVersionNo: lastVersionNoColumn,
    })
    .from(items)
    .where(eq(items.id, sql.placeholder('itemId')));
}
const loadItemStatement = preparedStatement('zx_load_item', (db) => loadItemQuery(db));
const loadItemForUpdateStatement = preparedStatement('zx_load_item_for_update', (db) =>
  loadItemQuery(db).for('update'),
);

/**
 * Loads an item the actor may see, with its policy facts, in one statement; anything else is the same 404
 * as a missing one.
 */
export async function loadVisibleItem(
  ctx: UseCaseContext,
  itemId: string,
  forUpdate = false,
): Promise<LoadedItem> {
  // Built once, prepared by name: the server parses and plans it once per connection.
  const [row] = await (forUpdate ? loadItemForUpdateStatement : loadItemStatement)(ctx.tx, { itemId });
  if (!row) throw notFound('稿件');
  const facts = itemFactsOf(row.item, row);
  if (!can(ctx.actor, 'item', 'view', facts).ok) throw notFound('稿件');
  return { item: row.item, facts, wasReturned: row.wasReturned, lastVersionNo: row.lastVersionNo };
}

export async function stageCountOf(tx: Db, hubId: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(hubStages)
    .where(eq(hubStages.hubId, hubId));
  return r?.n ?? 0;
}

function hopFactsOf(
  hop: HopRow,
  originOrgId: string,
  stages: readonly { position: number; role: HopFacts['stageRole'] }[],
): HopFacts & { stageCount: number } {
  const current = stages.find((s) => s.position === hop.stage);
  return {
    toOrgId: hop.toOrgId,
    fromOrgId: hop.fromOrgId,
    originOrgId,
    forwarded: hop.parentHopId !== null,
    stageRole: hop.state === 'received' && current ? current.role : null,
    stageCount: stages.length,
  };
}

/**
 * Loads a hop and its item for an action, locking the hop; 404 unless the actor may see the item. One
 * statement: the hop (locked), its item, the item's policy facts, the receiving hub's stages, and what a
 * hub edit or a forward checks (version numbers, hubs this hop was already forwarded to) — each an
 * index lookup, cheaper than the round trip it saves.
 */
const loadHopStatement = preparedStatement('zx_load_hop', (db) =>
  db
    .select({
      hop: hops,
      item: items,
      ...itemFactColumns,
      stages: sql<
        { position: number; role: HopFacts['stageRole'] }[]
      >`coalesce((select json_agg(json_build_object('position', s.position, 'role', s.role)) from hub_stages s where s.hub_id = hops.to_org_id), '[]'::json)`,
      lastVersionNo: lastVersionNoColumn,
      /** The number of the version the hub works on (its latest edit, else what it received). */
      baseVersionNo: sql<
        number | null
      >`(select v4.no from item_versions v4 where v4.id = coalesce(hops.working_version_id, hops.version_id))`,
      /** Hubs this hop was forwarded to and whose hop is still live: forwarding there again is refused. */
      forwardedTo: sql<
        string[]
      >`coalesce((select json_agg(c.to_org_id) from hops c where c.parent_hop_id = hops.id and c.state not in (${TERMINAL_STATES_SQL})), '[]'::json)`,
    })
    .from(hops)
    .innerJoin(items, eq(items.id, hops.itemId))
    .where(eq(hops.id, sql.placeholder('hopId')))
    .for('update', { of: hops }),
);

export async function loadVisibleHop(ctx: UseCaseContext, hopId: string) {
  // Built once, prepared by name: the server parses and plans it once per connection.
  const [row] = await loadHopStatement(ctx.tx, { hopId });
  if (!row) throw notFound('报送记录');
  const itemFacts = itemFactsOf(row.item, row);
  if (!can(ctx.actor, 'item', 'view', itemFacts).ok) throw notFound('稿件');
  const facts = hopFactsOf(row.hop, row.item.orgId, row.stages);
  return {
    hop: row.hop,
    item: row.item,
    itemFacts,
    facts,
    lastVersionNo: row.lastVersionNo,
    baseVersionNo: row.baseVersionNo,
    forwardedTo: row.forwardedTo,
  };
}

export interface EventInput {
  itemId: string;
  hopId?: string | null;
  actorOrgId: string;
  action: string;
  fromState?: string | null;
  toState?: string | null;
  comment?: string | null;
  data?: Record<string, unknown> | null;
}

/**
 * Writes the timeline event and its audit row, in the caller's transaction and in one statement (the
 * event insert is a CTE of the audit insert: both rows or neither); returns the event's id.
 */
export async function recordEvent(ctx: UseCaseContext, e: EventInput): Promise<number> {
  const event = ctx.tx.$with('ev').as(
    ctx.tx
      .insert(itemEvents)
      .values({
        itemId: e.itemId,
        hopId: e.hopId ?? null,
        actorId: ctx.actor.userId,
        actorOrgId: e.actorOrgId,
        action: e.action,
        fromState: e.fromState ?? null,
        toState: e.toState ?? null,
        comment: e.comment ?? null,
        data: e.data ?? null,
        createdAt: ctx.now,
      })
      .returning({ id: itemEvents.id }),
  );
  const [row] = await ctx.tx
    .with(event)
    .insert(auditLog)
    .values(
      auditActionRow(
        ctx,
        `item.${e.action}`,
        { type: e.hopId ? 'hop' : 'item', id: e.hopId ?? e.itemId },
        { itemId: e.itemId, from: e.fromState ?? null, to: e.toState ?? null },
      ),
    )
    .returning({ eventId: sql`(select id from ${event})`.mapWith(Number) });
  return row!.eventId;
}

export async function orgsByIds(tx: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(orgs)
    .where(inArray(orgs.id, [...ids]));
}
