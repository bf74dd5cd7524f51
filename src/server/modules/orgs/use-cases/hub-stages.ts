import { and, asc, eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, invalid, staleVersion } from '../../../http/errors.js';
import { authorize, can } from '../../../policy/authorize.js';
import { isHubMember } from '../../../policy/predicates.js';
import { hubStages, orgs } from '../schema.js';
import type { StageInput } from '../schemas.js';
import { auditAdminChange } from './admin-audit.js';
import { getOrgOr404 } from './tree.js';

async function hubOr409(ctx: UseCaseContext, hubId: string, lock = false) {
  const org = await getOrgOr404(ctx.tx, hubId, lock);
  if (!org.isHub) throw new AppError('conflict', `「${org.name}」不是信息汇总单位，没有接收环节`);
  return org;
}

/** A hub's receiving stages, in order. Readable by whoever may configure them and by the hub's own staff. */
export async function getHubStages(ctx: UseCaseContext, hubId: string) {
  const d = can(ctx.actor, 'org', 'configure_hub', { orgId: hubId });
  if (!d.ok && !isHubMember(ctx.actor, hubId)) throw new AppError('forbidden', d.reason);
  const hub = await hubOr409(ctx, hubId);
  const stages = await ctx.tx
    .select({ position: hubStages.position, name: hubStages.name, role: hubStages.role })
    .from(hubStages)
    .where(eq(hubStages.hubId, hubId))
    .orderBy(asc(hubStages.position));
  return { rowVersion: hub.stagesRowVersion, stages };
}

/** Replaces the hub's receiving stages (初审 → 复审 → 领导审核); an empty list means sign-for leads to handling. */
export async function replaceHubStages(
  ctx: UseCaseContext,
  hubId: string,
  stages: readonly StageInput[],
  rowVersion: number,
): Promise<void> {
  authorize(ctx.actor, 'org', 'configure_hub', { orgId: hubId });
  const hub = await hubOr409(ctx, hubId, true);
  if (hub.stagesRowVersion !== rowVersion) throw staleVersion('接收环节', hub.stagesRowVersion);
  const names = stages.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw invalid('stages', `环节名称「${dup}」重复`);
  const before = await ctx.tx
    .select()
    .from(hubStages)
    .where(eq(hubStages.hubId, hubId))
    .orderBy(asc(hubStages.position));
  const [done] = await ctx.tx
    .update(orgs)
    .set({ stagesRowVersion: rowVersion + 1 })
    .where(and(eq(orgs.id, hubId), eq(orgs.stagesRowVersion, rowVersion)))
    .returning({ id: orgs.id });
  if (!done) throw staleVersion('接收环节');
  await ctx.tx.delete(hubStages).where(eq(hubStages.hubId, hubId));
  if (stages.length > 0)
    await ctx.tx
      .insert(hubStages)
      .values(stages.map((s, i) => ({ hubId, position: i + 1, name: s.name, role: s.role })));
  await auditAdminChange(
    ctx,
    'org.stages_update',
    { type: 'org', id: hubId },
    {
      before: before.map((s) => ({ name: s.name, role: s.role })),
      after: stages.map((s) => ({ name: s.name, role: s.role })),
    },
  );
}
