import { asc, eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { authorize } from '../../../policy/authorize.js';
import { presentPeriodical } from '../present.js';
import { periodicals } from '../schema.js';
import { hubOrInvalid } from './hub.js';

/**
 * A hub's periodicals. Anyone holding a role in the hub reads the list, and the system administrator
 * configures it (the names are settings, not content).
 */
export async function listPeriodicals(ctx: UseCaseContext, hubId: string) {
  authorize(ctx.actor, 'periodical', 'view', { hubId });
  await hubOrInvalid(ctx, hubId);
  const rows = await ctx.tx
    .select()
    .from(periodicals)
    .where(eq(periodicals.hubId, hubId))
    .orderBy(asc(periodicals.createdAt), asc(periodicals.name));
  return rows.map((p) => presentPeriodical(ctx, p));
}
