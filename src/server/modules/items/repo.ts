import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { UseCaseContext } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { can } from '../../policy/authorize.js';
import { writeAudit } from '../audit/audit.js';
import { hubStages, orgs } from '../orgs/schema.js';
import type { HopFacts } from './hop-policy.js';
import type { ItemFacts } from './policy.js';
import {
  hops,
  itemCoReporters,
  itemEvents,
  items,
  itemVersions,
  type HopRow,
  type ItemRow,
} from './schema.js';

/** Loads an item, locking its row when `forUpdate`; 404 when missing. */
export async function loadItem(tx: Db, itemId: string, forUpdate = false): Promise<ItemRow> {
  const q = tx.select().from(items).where(eq(items.id, itemId));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw notFound('稿件');
  return row;
}

export async function loadItemFacts(tx: Db, item: ItemRow): Promise<ItemFacts> {
  // Sequential on purpose: inside a transaction there is one connection, and pg queues rather than pipelines.
  const co = await tx
    .select({ orgId: itemCoReporters.orgId })
    .from(itemCoReporters)
    .where(eq(itemCoReporters.itemId, item.id));
  const hubs = await tx.selectDistinct({ orgId: hops.toOrgId }).from(hops).where(eq(hops.itemId, item.id));
  const writers = await tx
    .selectDistinct({ userId: itemVersions.createdBy })
    .from(itemVersions)
    .where(and(eq(itemVersions.itemId, item.id), eq(itemVersions.orgId, item.orgId)));
  return {
    orgId: item.orgId,
    state: item.state,
    writerIds: [...new Set([item.authorId, ...writers.map((w) => w.userId)])],
    coReporterOrgIds: co.map((c) => c.orgId),
    receivingHubIds: hubs.map((h) => h.orgId),
  };
}

/** Loads an item the actor may see, with its policy facts; anything else is the same 404 as a missing one. */
export async function loadVisibleItem(
  ctx: UseCaseContext,
  itemId: string,
  forUpdate = false,
): Promise<{ item: ItemRow; facts: ItemFacts }> {
  const item = await loadItem(ctx.tx, itemId, forUpdate);
  const facts = await loadItemFacts(ctx.tx, item);
  if (!can(ctx.actor, 'item', 'view', facts).ok) throw notFound('稿件');
  return { item, facts };
}

export async function stageCountOf(tx: Db, hubId: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(hubStages)
    .where(eq(hubStages.hubId, hubId));
  return r?.n ?? 0;
}

export async function loadHopFacts(
  tx: Db,
  hop: HopRow,
  originOrgId: string,
): Promise<HopFacts & { stageCount: number }> {
  const stages = await tx.select().from(hubStages).where(eq(hubStages.hubId, hop.toOrgId));
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

/** Loads a hop and its item for an action, locking the hop; 404 unless the actor may see the item. */
export async function loadVisibleHop(ctx: UseCaseContext, hopId: string) {
  const [hop] = await ctx.tx.select().from(hops).where(eq(hops.id, hopId)).for('update');
  if (!hop) throw notFound('报送记录');
  const { item, facts: itemFacts } = await loadVisibleItem(ctx, hop.itemId);
  const facts = await loadHopFacts(ctx.tx, hop, item.orgId);
  return { hop, item, itemFacts, facts };
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

/** Writes the timeline event and its audit row, in the caller's transaction. */
export async function recordEvent(ctx: UseCaseContext, e: EventInput): Promise<void> {
  await ctx.tx.insert(itemEvents).values({
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
  });
  await writeAudit(ctx.tx, {
    at: ctx.now,
    userId: ctx.actor.userId,
    ip: ctx.ip,
    requestId: ctx.requestId,
    event: `item.${e.action}`,
    objectType: e.hopId ? 'hop' : 'item',
    objectId: e.hopId ?? e.itemId,
    result: 'success',
    detail: { itemId: e.itemId, from: e.fromState ?? null, to: e.toState ?? null },
  });
}

export async function nextVersionNo(tx: Db, itemId: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`coalesce(max(${itemVersions.no}), 0)::int` })
    .from(itemVersions)
    .where(eq(itemVersions.itemId, itemId));
  return (r?.n ?? 0) + 1;
}

export async function orgsByIds(tx: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(orgs)
    .where(inArray(orgs.id, [...ids]));
}
