import { eq, or, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { invalid } from '../../../http/errors.js';
import { allowedTargets, type TreeOrg } from '../../orgs/domain.js';
import { directReportPoints, orgs } from '../../orgs/schema.js';

/** The hubs `orgId` may submit to: its nearest hub above and the hubs it is a 直报点 of. */
export async function allowedTargetsOf(tx: Db, orgId: string): Promise<string[]> {
  const [tree, direct] = await Promise.all([
    selfAndAncestors(tx, orgId),
    tx
      .select({ id: orgs.id, parentId: orgs.parentId, isHub: orgs.isHub, hubId: directReportPoints.hubId })
      .from(directReportPoints)
      .innerJoin(orgs, eq(orgs.id, directReportPoints.hubId))
      .where(eq(directReportPoints.orgId, orgId)),
  ]);
  const byId = new Map<string, TreeOrg>([...tree, ...direct].map((o) => [o.id, o]));
  return allowedTargets(
    orgId,
    byId,
    direct.map((d) => d.hubId),
  );
}

/** Refuses 越级投报: every target must be an allowed one. Empty means "the parent hub". */
export async function checkTargets(
  tx: Db,
  orgId: string,
  targetOrgIds: readonly string[],
): Promise<string[]> {
  const allowed = await allowedTargetsOf(tx, orgId);
  if (targetOrgIds.length === 0) return allowed.slice(0, 1);
  for (const t of targetOrgIds) {
    if (!allowed.includes(t)) {
      const [target] = await tx
        .select({ name: orgs.name })
        .from(orgs)
        .where(or(eq(orgs.id, t)));
      throw invalid(
        'targetOrgIds',
        target
          ? `不得越级投报：本单位不能直接向「${target.name}」报送，请报送上一级信息汇总单位`
          : '报送单位不存在',
      );
    }
  }
  return [...new Set(targetOrgIds)];
}

/** The org and its ancestors (a handful of rows), by one recursive query. */
export async function selfAndAncestors(tx: Db, orgId: string): Promise<TreeOrg[]> {
  const rows = await queryRows<{ id: string; parent_id: string | null; is_hub: boolean }>(
    tx,
    sql`
    with recursive up(id, parent_id, is_hub, depth) as (
      select id, parent_id, is_hub, 0 from orgs where id = ${orgId}
      union all
      select o.id, o.parent_id, o.is_hub, up.depth + 1 from orgs o join up on o.id = up.parent_id where up.depth < 20
    )
    select id, parent_id, is_hub from up order by depth`,
  );
  return rows.map((o) => ({ id: o.id, parentId: o.parent_id, isHub: o.is_hub }));
}
