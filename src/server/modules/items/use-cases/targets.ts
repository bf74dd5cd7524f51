import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { preparedSql } from '../../../db/prepared.js';
import { invalid } from '../../../http/errors.js';
import { allowedTargets, type OrgLevel, type TreeOrg } from '../../orgs/domain.js';
import { orgs } from '../../orgs/schema.js';

/** A hub a unit may submit to, with what a new hop to it needs. */
export interface TargetHub {
  id: string;
  name: string;
  level: OrgLevel;
  urgentSignForMinutes: number;
}

interface TargetRow {
  id: string;
  parent_id: string | null;
  is_hub: boolean;
  direct: boolean;
  name: string;
  level: OrgLevel;
  urgent_sign_for_minutes: number;
}

/** Every submission and forward asks this: built once, prepared by name. */
const targetHubsStatement = preparedSql<TargetRow>(
  'zx_target_hubs',
  sql`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from orgs where id = ${sql.placeholder('orgId')}::uuid
      union all
      select o.id, o.parent_id, up.depth + 1 from orgs o join up on o.id = up.parent_id where up.depth < 20
    ), candidates(id, direct, depth) as (
      select id, false, depth from up
      union all
      select d.hub_id, true, 0 from direct_report_points d where d.org_id = ${sql.placeholder('orgId')}::uuid
    )
    select o.id, o.parent_id, o.is_hub, c.direct, o.name, o.level, o.urgent_sign_for_minutes
    from candidates c join orgs o on o.id = c.id
    order by c.direct, c.depth`,
);

/**
 * The hubs `orgId` may submit to: its nearest hub above and the hubs it is a 直报点 of. One statement:
 * the org's ancestors (recursive) and its direct-report hubs, each with the columns a hop needs; the tree
 * rule itself stays in the pure `allowedTargets`.
 */
export async function allowedTargetHubs(tx: Db, orgId: string): Promise<TargetHub[]> {
  return (await targetHubsIfUnit(tx, orgId)) ?? [];
}

/** The hubs `orgId` may submit to, as `allowedTargetHubs`; null when there is no such unit. */
export async function targetHubsIfUnit(tx: Db, orgId: string): Promise<TargetHub[] | null> {
  const rows = await targetHubsStatement(tx, { orgId });
  // The walk up starts at the unit itself: no row for it, no unit.
  if (!rows.some((r) => r.id === orgId && !r.direct)) return null;
  const byId = new Map<string, TreeOrg>(
    rows.map((o) => [o.id, { id: o.id, parentId: o.parent_id, isHub: o.is_hub }]),
  );
  const ids = allowedTargets(
    orgId,
    byId,
    rows.filter((r) => r.direct).map((r) => r.id),
  );
  return ids.map((id) => {
    const o = rows.find((r) => r.id === id)!;
    return { id, name: o.name, level: o.level, urgentSignForMinutes: o.urgent_sign_for_minutes };
  });
}

export async function allowedTargetsOf(tx: Db, orgId: string): Promise<string[]> {
  return (await allowedTargetHubs(tx, orgId)).map((h) => h.id);
}

/**
 * Refuses 越级投报: every target must be an allowed one. Empty means "the parent hub". Returns the hubs
 * in the order asked.
 */
export async function checkTargetHubs(
  tx: Db,
  orgId: string,
  targetOrgIds: readonly string[],
): Promise<TargetHub[]> {
  const allowed = await allowedTargetHubs(tx, orgId);
  if (targetOrgIds.length === 0) return allowed.slice(0, 1);
  const out: TargetHub[] = [];
  for (const t of new Set(targetOrgIds)) {
    const hub = allowed.find((h) => h.id === t);
    if (!hub) {
      const [target] = await tx.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, t));
      throw invalid(
        'targetOrgIds',
        target
          ? `不得越级投报：本单位不能直接向「${target.name}」报送，请报送上一级信息汇总单位`
          : '报送单位不存在',
      );
    }
    out.push(hub);
  }
  return out;
}

export async function checkTargets(
  tx: Db,
  orgId: string,
  targetOrgIds: readonly string[],
): Promise<string[]> {
  return (await checkTargetHubs(tx, orgId, targetOrgIds)).map((h) => h.id);
}
