import { eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError } from '../../../http/errors.js';
import { can } from '../../../policy/authorize.js';
import { memberships } from '../schema.js';
import { canViewMembers, presentUsers } from './user-access.js';

/** The accounts holding any role in one unit (人员管理). */
export async function listUsers(ctx: UseCaseContext, orgId: string) {
  if (!canViewMembers(ctx.actor, orgId)) {
    const d = can(ctx.actor, 'org', 'view_members', { orgId });
    throw new AppError('forbidden', d.ok ? '无权查看该单位人员' : d.reason);
  }
  const ids = await ctx.tx
    .selectDistinct({ id: memberships.userId })
    .from(memberships)
    .where(eq(memberships.orgId, orgId));
  return presentUsers(
    ctx.tx,
    ctx.actor,
    ids.map((r) => r.id),
    ctx.now,
  );
}
