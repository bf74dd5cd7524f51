import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { adoptions, hops, itemCoReporters, items } from '../../items/schema.js';
import { issueEntries, issueEntrySources } from '../schema.js';

export interface AdoptedItem {
  adoptionId: string;
  entryId: string;
  hopId: string;
  itemId: string;
  itemTitle: string;
  entryTitle: string;
  combined: boolean;
  /** Origin unit, co-reporters and every hub the item passed on its way to the adopting hub. */
  chainOrgIds: string[];
}

/**
 * The adoptions an issue publishes and, for each, the units on the item's hop chain: the lineage from
 * the adopted hop up to the unit's own submission (other branches of the item did not lead here).
 * Three queries whatever the number of entries.
 */
export async function adoptedItemsOf(tx: Db, issueId: string, hubId: string): Promise<AdoptedItem[]> {
  const rows = await tx
    .select({
      adoptionId: adoptions.id,
      entryId: issueEntries.id,
      hopId: adoptions.hopId,
      itemId: adoptions.itemId,
      itemTitle: items.title,
      originOrgId: items.orgId,
      entryTitle: issueEntries.title,
      combined: issueEntries.combined,
    })
    .from(issueEntries)
    .innerJoin(issueEntrySources, eq(issueEntrySources.entryId, issueEntries.id))
    .innerJoin(adoptions, eq(adoptions.id, issueEntrySources.adoptionId))
    .innerJoin(items, eq(items.id, adoptions.itemId))
    .where(eq(issueEntries.issueId, issueId));
  if (rows.length === 0) return [];
  const itemIds = [...new Set(rows.map((r) => r.itemId))];
  const allHops = await tx
    .select({ id: hops.id, parentHopId: hops.parentHopId, fromOrgId: hops.fromOrgId, toOrgId: hops.toOrgId })
    .from(hops)
    .where(inArray(hops.itemId, itemIds));
  const co = await tx
    .select({ itemId: itemCoReporters.itemId, orgId: itemCoReporters.orgId })
    .from(itemCoReporters)
    .where(inArray(itemCoReporters.itemId, itemIds));
  const byId = new Map(allHops.map((h) => [h.id, h]));
  return rows.map((r) => {
    const orgIds = new Set<string>([r.originOrgId]);
    for (const c of co) if (c.itemId === r.itemId) orgIds.add(c.orgId);
    let hop = byId.get(r.hopId);
    for (let guard = 0; hop && guard < 50; guard++) {
      orgIds.add(hop.fromOrgId);
      orgIds.add(hop.toOrgId);
      hop = hop.parentHopId ? byId.get(hop.parentHopId) : undefined;
    }
    orgIds.delete(hubId);
    return {
      adoptionId: r.adoptionId,
      entryId: r.entryId,
      hopId: r.hopId,
      itemId: r.itemId,
      itemTitle: r.itemTitle,
      entryTitle: r.entryTitle,
      combined: r.combined,
      chainOrgIds: [...orgIds],
    };
  });
}
