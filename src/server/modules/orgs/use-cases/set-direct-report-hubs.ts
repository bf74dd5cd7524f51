import { and, eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { invalid, notFound, staleVersion } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { ancestorsOf } from '../domain.js';
import { directReportPoints, orgs } from '../schema.js';
import { auditAdminChange } from './admin-audit.js';
import { loadTree, type NamedTreeOrg } from './tree.js';

/**
 * Why a hub cannot take `orgId` as a 直报点, or null. Only hubs above the unit qualify: 直报 skips levels
 * upward, it does not open a path sideways.
 */
export function directReportRefusal(
  orgId: string,
  hubId: string,
  tree: ReadonlyMap<string, NamedTreeOrg>,
): string | null {
  const hub = tree.get(hubId);
  if (!hub) return '直报单位不存在';
  if (!hub.isHub) return `「${hub.name}」不是信息汇总单位`;
  if (!ancestorsOf(orgId, tree).includes(hubId))
    return `「${hub.name}」不是本单位的上级单位，不能设为直报单位`;
  return null;
}

/** Makes `orgId` a 直报点 of exactly these hubs (system administrator only). */
export async function setDirectReportHubs(
  ctx: UseCaseContext,
  orgId: string,
  hubIds: readonly string[],
  rowVersion: number,
): Promise<void> {
  authorize(ctx.actor, 'org', 'manage_units', { orgId });
  const tree = await loadTree(ctx.tx);
  if (!tree.has(orgId)) throw notFound('单位');
  const wanted = [...new Set(hubIds)];
  for (const hubId of wanted) {
    const refusal = directReportRefusal(orgId, hubId, tree);
    if (refusal) throw invalid('hubIds', refusal);
  }
  // The 直报点 set is part of the unit's record: it shares the unit's row version.
  const [done] = await ctx.tx
    .update(orgs)
    .set({ rowVersion: rowVersion + 1 })
    .where(and(eq(orgs.id, orgId), eq(orgs.rowVersion, rowVersion)))
    .returning({ id: orgs.id });
  if (!done) throw staleVersion('单位信息');
  const before = await ctx.tx
    .select({ hubId: directReportPoints.hubId })
    .from(directReportPoints)
    .where(eq(directReportPoints.orgId, orgId));
  await ctx.tx.delete(directReportPoints).where(eq(directReportPoints.orgId, orgId));
  if (wanted.length > 0)
    await ctx.tx
      .insert(directReportPoints)
      .values(wanted.map((hubId) => ({ orgId, hubId, createdAt: ctx.now })));
  await auditAdminChange(
    ctx,
    'org.direct_report_update',
    { type: 'org', id: orgId },
    {
      before: before.map((b) => b.hubId),
      after: wanted,
    },
  );
}
