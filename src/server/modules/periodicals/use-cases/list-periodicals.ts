import { asc, eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError } from '../../../http/errors.js';
import { isSystemAdmin } from '../../../policy/predicates.js';
import { periodicals } from '../schema.js';
import { hubOrInvalid } from './hub.js';

/**
 * A hub's periodicals. Anyone holding a role in the hub reads the list, and the system administrator
 * configures it (the names are settings, not content).
 * TODO(policy): a 'periodical' entry in the policy registry once issues arrive.
 */
export async function listPeriodicals(ctx: UseCaseContext, hubId: string) {
  if (!isSystemAdmin(ctx.actor) && !ctx.actor.memberships.some((m) => m.orgId === hubId))
    throw new AppError('forbidden', '只有本汇总单位人员可以查看其刊物');
  await hubOrInvalid(ctx, hubId);
  return ctx.tx
    .select({
      id: periodicals.id,
      hubId: periodicals.hubId,
      name: periodicals.name,
      kind: periodicals.kind,
      createdAt: periodicals.createdAt,
    })
    .from(periodicals)
    .where(eq(periodicals.hubId, hubId))
    .orderBy(asc(periodicals.createdAt), asc(periodicals.name));
}
