import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { directReportPoints, orgs } from '../schema.js';

/**
 * The whole tree as a flat list. Any logged-in user may read it: names and structure are needed to pick
 * co-reporting units and targets, and carry no business content.
 */
export async function listOrgs(tx: Db, onlyId?: string) {
  const [rows, direct] = await Promise.all([
    tx
      .select({
        id: orgs.id,
        name: orgs.name,
        shortName: orgs.shortName,
        kind: orgs.kind,
        level: orgs.level,
        divisionCode: orgs.divisionCode,
        parentId: orgs.parentId,
        isHub: orgs.isHub,
        reviewMode: orgs.reviewMode,
        urgentSignForMinutes: orgs.urgentSignForMinutes,
        sortOrder: orgs.sortOrder,
        rowVersion: orgs.rowVersion,
      })
      .from(orgs)
      .where(onlyId ? eq(orgs.id, onlyId) : undefined)
      .orderBy(asc(orgs.sortOrder), asc(orgs.name)),
    tx
      .select({ orgId: directReportPoints.orgId, hubId: directReportPoints.hubId })
      .from(directReportPoints)
      .where(onlyId ? eq(directReportPoints.orgId, onlyId) : undefined),
  ]);
  const hubsOf = new Map<string, string[]>();
  for (const d of direct) hubsOf.set(d.orgId, [...(hubsOf.get(d.orgId) ?? []), d.hubId]);
  return rows.map((r) => ({ ...r, directReportHubIds: hubsOf.get(r.id) ?? [] }));
}
