import { createHash } from 'node:crypto';
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { preparedSql, preparedStatement } from '../../db/prepared.js';
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

/**
 * A compare-and-set transition of a hop or an item, its timeline event and its audit row, in ONE statement:
 * the UPDATE guarded by (id, state, row_version) is a CTE, the event is inserted from its result and the
 * audit row from the event's, so a missed compare-and-set writes nothing and answers no row (the caller
 * answers 409). One round trip instead of two on every transition. The statement's text depends only on
 * the table and the names of the patched columns: it is built once per shape and prepared by name.
 */
export interface CasTransition<T extends 'hops' | 'items'> {
  table: T;
  id: string;
  fromState: string;
  toState: string;
  rowVersion: number;
  patch: Partial<Record<string, unknown>>;
}

export interface CasResult {
  state: string;
  stage: number | null;
  rowVersion: number;
  currentVersionNo: number | null;
  eventId: number;
}

const casStatements = new Map<string, ReturnType<typeof preparedSql<CasRow>>>();

/**
 * Rows another module writes with a transition, in the transition's own statement: more CTEs after the
 * event and audit ones, each reading `upd` (`from upd, …`) so that nothing is written unless the
 * compare-and-set succeeded. One round trip instead of two; the statement is prepared once per shape.
 */
export interface AlongsideWrite {
  /** The shape's name (part of the prepared statement's key): the same name, the same CTEs. */
  name: string;
  /** `name as (insert … from upd, …)`, comma-separated; placeholders are filled from `values`. */
  ctes: SQL;
  values: Record<string, unknown>;
  /**
   * A further condition of the compare-and-set, judged by the transition's statement on the rows committed
   * when it starts: when it fails the transition misses, as on a changed row_version, and nothing is
   * written. Sound only when the transaction already holds the row's lock from an earlier statement
   * (loadVisibleHop's FOR UPDATE), so that this statement starts after any concurrent writer committed;
   * otherwise PostgreSQL would recheck a waiting update against the new row but the guard's subquery
   * against the statement's older snapshot.
   */
  guard?: SQL;
}

interface CasRow {
  state: string;
  stage: number | null;
  row_version: number;
  current_version_no: number | null;
  event_id: string;
}

/**
 * The audit row of an event inserted by a CTE named `ev`, as the CTE `au` (placeholders filled by
 * `auditValues`): shared by the statements that write a transition or a new hop with its event.
 */
const AUDIT_FROM_EVENT = sql`au as (
    insert into audit_log (at, user_id, ip, request_id, event, object_type, object_id, result, detail)
    select ${sql.placeholder('auditAt')}::timestamptz, ${sql.placeholder('actorId')}::uuid, ${sql.placeholder('ip')},
      ${sql.placeholder('requestId')}, ${sql.placeholder('auditEvent')}, ${sql.placeholder('objectType')},
      ${sql.placeholder('objectId')}, 'success', ${sql.placeholder('auditDetail')}::jsonb
    from ev
  )`;

function casStatement(table: 'hops' | 'items', columns: readonly string[], alongside?: AlongsideWrite) {
  const key = `${table}:${columns.join(',')}${alongside ? `+${alongside.name}` : ''}`;
  const hit = casStatements.get(key);
  if (hit) return hit;
  const t = table === 'hops' ? hops : items;
  const cols = t as unknown as Record<string, PgColumn>;
  const sets = columns.map(
    (c) =>
      sql`, ${sql.identifier(cols[c]!.name)} = ${sql.placeholder(`p_${c}`)}::${sql.raw(cols[c]!.getSQLType())}`,
  );
  const returning =
    table === 'hops'
      ? sql.raw('state, stage, row_version, null::int as current_version_no')
      : sql.raw('state, null::int as stage, row_version, current_version_no');
  const p = (n: string) => sql.placeholder(n);
  const query = sql`with upd as (
    update ${sql.identifier(table)} set state = ${p('toState')}, row_version = ${p('nextVersion')}::int,
      updated_at = ${p('now')}::timestamptz${sql.join(sets)}
    where id = ${p('id')}::uuid and state = ${p('fromState')} and row_version = ${p('rowVersion')}::int${
      alongside?.guard ? sql` and ${alongside.guard}` : sql``
    }
    returning ${returning}
  ), ev as (
    insert into item_events (item_id, hop_id, actor_id, actor_org_id, action, from_state, to_state, comment, data, created_at)
    select ${p('itemId')}::uuid, ${p('hopId')}::uuid, ${p('actorId')}::uuid, ${p('actorOrgId')}::uuid, ${p('action')},
      ${p('fromState')}, ${p('toState')}, ${p('comment')}, ${p('data')}::jsonb, ${p('now')}::timestamptz
    from upd
    returning id
  ), ${AUDIT_FROM_EVENT}${alongside ? sql`, ${alongside.ctes}` : sql``}
  select upd.state, upd.stage, upd.row_version, upd.current_version_no, ev.id::text as event_id from upd, ev`;
  const name = `zx_cas_${table}_${createHash('sha1').update(key).digest('hex').slice(0, 12)}`;
  const statement = preparedSql<CasRow>(name, query);
  casStatements.set(key, statement);
  return statement;
}

export async function casTransition<T extends 'hops' | 'items'>(
  ctx: UseCaseContext,
  change: CasTransition<T>,
  event: EventInput,
  alongside?: AlongsideWrite,
): Promise<CasResult | null> {
  const t = (change.table === 'hops' ? hops : items) as unknown as Record<string, PgColumn>;
  const columns = Object.keys(change.patch)
    .filter((c) => change.patch[c] !== undefined)
    .sort();
  const values: Record<string, unknown> = {
    ...sharedValues(ctx),
    toState: change.toState,
    nextVersion: change.rowVersion + 1,
    id: change.id,
    fromState: change.fromState,
    rowVersion: change.rowVersion,
    itemId: event.itemId,
    hopId: event.hopId ?? null,
    actorOrgId: event.actorOrgId,
    action: event.action,
    comment: event.comment ?? null,
    data: event.data === null || event.data === undefined ? null : JSON.stringify(event.data),
    ...auditValues(
      auditActionRow(
        ctx,
        `item.${event.action}`,
        { type: event.hopId ? 'hop' : 'item', id: event.hopId ?? event.itemId },
        { itemId: event.itemId, from: event.fromState ?? null, to: event.toState ?? null },
      ),
    ),
  };
  for (const c of columns) {
    const v = change.patch[c];
    values[`p_${c}`] = v === null ? null : t[c]!.mapToDriverValue(v);
  }
  if (alongside) Object.assign(values, alongside.values);
  const [row] = await casStatement(change.table, columns, alongside)(ctx.tx, values);
  if (!row) return null;
  return {
    state: row.state,
    stage: row.stage,
    rowVersion: Number(row.row_version),
    currentVersionNo: row.current_version_no === null ? null : Number(row.current_version_no),
    eventId: Number(row.event_id),
  };
}

/** A new pending hop (a submission or a forward), as its insert needs it. */
export interface NewHop {
  id: string;
  itemId: string;
  parentHopId: string | null;
  rootHopId: string;
  fromOrgId: string;
  toOrgId: string;
  versionId: string;
  urgency: string;
  signForDeadline: Date | null;
}

interface NewHopRow {
  event_id: string;
}

/**
 * A new pending hop, its `hop_submit` event and the event's audit row, as CTEs `<prefix>hop`, `<prefix>ev`
 * and `<prefix>au`; every placeholder of its own is prefixed too, so that the CTEs can stand in another
 * statement beside that statement's own (`actorId`, `now`, `ip` and `requestId` are shared). With `after`,
 * the hop is inserted only if that CTE answered a row (`from upd`: only if a transition succeeded).
 */
function newHopCtes(prefix: string, after?: 'upd'): SQL {
  const p = (n: string) => sql.placeholder(`${prefix}${n}`);
  const shared = (n: string) => sql.placeholder(n);
  const [hop, ev, au] = ['hop', 'ev', 'au'].map((n) => sql.raw(`${prefix}${n}`));
  return sql`${hop} as (
      insert into hops (id, item_id, parent_hop_id, root_hop_id, from_org_id, to_org_id, version_id, state, urgency,
        sign_for_deadline, submitted_at, updated_at)
      select ${p('id')}::uuid, ${p('itemId')}::uuid, ${p('parentHopId')}::uuid, ${p('rootHopId')}::uuid,
        ${p('fromOrgId')}::uuid, ${p('toOrgId')}::uuid, ${p('versionId')}::uuid, 'pending', ${p('urgency')},
        ${p('signForDeadline')}::timestamptz, ${shared('now')}::timestamptz, ${shared('now')}::timestamptz
      ${after ? sql`from ${sql.raw(after)}` : sql``}
      returning id, item_id
    ), ${ev} as (
      insert into item_events (item_id, hop_id, actor_id, actor_org_id, action, from_state, to_state, comment, data, created_at)
      select ${hop}.item_id, ${hop}.id, ${shared('actorId')}::uuid, ${p('actorOrgId')}::uuid, 'hop_submit', null,
        'pending', null, ${p('data')}::jsonb, ${shared('now')}::timestamptz
      from ${hop}
      returning id
    ), ${au} as (
      insert into audit_log (at, user_id, ip, request_id, event, object_type, object_id, result, detail)
      select ${p('auditAt')}::timestamptz, ${shared('actorId')}::uuid, ${shared('ip')}, ${shared('requestId')},
        ${p('auditEvent')}, ${p('objectType')}, ${p('objectId')}, 'success', ${p('auditDetail')}::jsonb
      from ${ev}
    )`;
}

/** The values of `newHopCtes(prefix)`'s own placeholders. */
function newHopValues(
  ctx: UseCaseContext,
  prefix: string,
  hop: NewHop,
  event: { actorOrgId: string; data: Record<string, unknown> },
): Record<string, unknown> {
  const audit = auditActionRow(
    ctx,
    'item.hop_submit',
    { type: 'hop', id: hop.id },
    { itemId: hop.itemId, from: null, to: 'pending' },
  );
  const own: Record<string, unknown> = {
    ...hop,
    signForDeadline: hop.signForDeadline?.toISOString() ?? null,
    actorOrgId: event.actorOrgId,
    data: JSON.stringify(event.data),
    ...auditValues(audit),
  };
  return Object.fromEntries(Object.entries(own).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The values every statement's shared placeholders take (see newHopCtes). */
function sharedValues(ctx: UseCaseContext): Record<string, unknown> {
  return {
    now: ctx.now.toISOString(),
    actorId: ctx.actor.userId,
    ip: ctx.ip ?? null,
    requestId: ctx.requestId ?? null,
  };
}

/** Inserts a pending hop, its `hop_submit` event and the audit row in one statement, prepared once. */
const newHopStatement = preparedSql<NewHopRow>(
  'zx_new_hop',
  sql`with ${newHopCtes('')} select ev.id::text as event_id from ev`,
);

export async function insertHopWithEvent(
  ctx: UseCaseContext,
  hop: NewHop,
  event: { actorOrgId: string; data: Record<string, unknown> },
): Promise<number> {
  const [row] = await newHopStatement(ctx.tx, { ...sharedValues(ctx), ...newHopValues(ctx, '', hop, event) });
  return Number(row!.event_id);
}

/**
 * The hop a forward creates, written in the forward's own transition statement (an AlongsideWrite): only
 * if the forwarded hop moved, and one round trip instead of two.
 */
export function forwardedHopWrite(
  ctx: UseCaseContext,
  hop: NewHop,
  event: { actorOrgId: string; data: Record<string, unknown> },
): AlongsideWrite {
  return {
    name: 'forwarded_hop',
    ctes: newHopCtes('fwd_', 'upd'),
    values: newHopValues(ctx, 'fwd_', hop, event),
    // Not already forwarded there: the check the use case made on the hop as it loaded it can be stale. Two
    // forwards of a handled hop (forward leaves it handled) wait for each other's row lock, and the second
    // loads the row as the first left it but, in the same statement, not the hop the first created.
    guard: sql`not exists (select 1 from hops c where c.parent_hop_id = ${sql.placeholder('id')}::uuid
      and c.to_org_id = ${sql.placeholder('fwd_toOrgId')}::uuid and c.state not in (${TERMINAL_STATES_SQL}))`,
  };
}

function auditValues(r: typeof auditLog.$inferInsert): Record<string, unknown> {
  return {
    auditAt: r.at.toISOString(),
    auditEvent: r.event,
    objectType: r.objectType ?? null,
    objectId: r.objectId ?? null,
    auditDetail: r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail),
  };
}

export async function orgsByIds(tx: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(orgs)
    .where(inArray(orgs.id, [...ids]));
}
