import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { adoptions, hops, itemCoReporters } from '../../items/schema.js';
import { orgs } from '../../orgs/schema.js';

/**
 * The 报送单位 credited for each adoption: the org that sent the adopted hop to this hub. For a unit's own
 * submission that is the origin unit and its co-reporters (合报); for a forwarded item it is the hub that
 * forwarded it (转报), as periodicals print it (“（吕梁市人民政府办公室报送）”).
 */
export async function sourceUnitsOf(tx: Db, adoptionIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (adoptionIds.length === 0) return out;
  const rows = await tx
    .select({
      adoptionId: adoptions.id,
      itemId: adoptions.itemId,
      forwarded: hops.parentHopId,
      fromName: orgs.name,
    })
    .from(adoptions)
    .innerJoin(hops, eq(hops.id, adoptions.hopId))
    .innerJoin(orgs, eq(orgs.id, hops.fromOrgId))
    .where(inArray(adoptions.id, [...adoptionIds]));
  const direct = rows.filter((r) => r.forwarded === null).map((r) => r.itemId);
  const co = direct.length
    ? await tx
        .select({ itemId: itemCoReporters.itemId, name: orgs.name })
        .from(itemCoReporters)
        .innerJoin(orgs, eq(orgs.id, itemCoReporters.orgId))
        .where(inArray(itemCoReporters.itemId, direct))
        .orderBy(asc(orgs.sortOrder), asc(orgs.name))
    : [];
  for (const r of rows) {
    const coNames = r.forwarded === null ? co.filter((c) => c.itemId === r.itemId).map((c) => c.name) : [];
    out.set(r.adoptionId, [r.fromName, ...coNames]);
  }
  return out;
}
