import { and, eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, invalid, staleVersion } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { wouldCycle } from '../domain.js';
import { orgs } from '../schema.js';
import type { UpdateOrgInput } from '../schemas.js';
import { auditAdminChange } from './admin-audit.js';
import { assertNameFree, getOrgOr404, loadTree } from './tree.js';

/** The system administrator renames, re-parents or reconfigures a unit; the tree never gets a cycle. */
export async function updateOrg(ctx: UseCaseContext, id: string, input: UpdateOrgInput): Promise<void> {
  authorize(ctx.actor, 'org', 'manage_units', { orgId: id });
  const before = await getOrgOr404(ctx.tx, id, true);
  if (before.rowVersion !== input.rowVersion) throw staleVersion('单位信息', before.rowVersion);
  const parentId = input.parentId === undefined ? before.parentId : input.parentId;
  if (parentId !== before.parentId && parentId) {
    const tree = await loadTree(ctx.tx);
    if (!tree.has(parentId)) throw invalid('parentId', '上级单位不存在');
    if (wouldCycle(id, parentId, tree))
      throw new AppError('conflict', '不能把单位移到它自己或它的下级单位之下', { field: 'parentId' });
  }
  const name = input.name ?? before.name;
  if (name !== before.name || parentId !== before.parentId) await assertNameFree(ctx.tx, parentId, name, id);

  const changes = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.shortName !== undefined && { shortName: input.shortName }),
    ...(input.kind !== undefined && { kind: input.kind }),
    ...(input.level !== undefined && { level: input.level }),
    ...(input.divisionCode !== undefined && { divisionCode: input.divisionCode }),
    ...(input.parentId !== undefined && { parentId: input.parentId }),
    ...(input.isHub !== undefined && { isHub: input.isHub }),
    ...(input.reviewMode !== undefined && { reviewMode: input.reviewMode }),
    ...(input.urgentSignForMinutes !== undefined && { urgentSignForMinutes: input.urgentSignForMinutes }),
    ...(input.sortOrder !== undefined && { sortOrder: input.sortOrder }),
  };
  if (Object.keys(changes).length === 0) throw invalid('body', '没有需要修改的内容');
  const [done] = await ctx.tx
    .update(orgs)
    .set({ ...changes, rowVersion: input.rowVersion + 1 })
    .where(and(eq(orgs.id, id), eq(orgs.rowVersion, input.rowVersion)))
    .returning({ id: orgs.id });
  if (!done) throw staleVersion('单位信息');
  const old = Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof typeof before]]));
  await auditAdminChange(ctx, 'org.update', { type: 'org', id }, { before: old, after: changes });
}
