import { randomUUID } from 'node:crypto';
import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { orgs } from '../schema.js';
import type { CreateOrgInput } from '../schemas.js';
import { auditAdminChange } from './admin-audit.js';
import { assertNameFree, findOrg } from './tree.js';

/** The system administrator adds a unit under an existing one (or a new top-level unit). */
export async function createOrg(ctx: UseCaseContext, input: CreateOrgInput): Promise<string> {
  authorize(ctx.actor, 'org', 'manage_units', { orgId: input.parentId ?? '' });
  const parentId = input.parentId ?? null;
  if (parentId && !(await findOrg(ctx.tx, parentId))) throw invalid('parentId', '上级单位不存在');
  await assertNameFree(ctx.tx, parentId, input.name);
  const id = randomUUID();
  const values = {
    id,
    name: input.name,
    shortName: input.shortName ?? input.name,
    kind: input.kind,
    level: input.level,
    divisionCode: input.divisionCode ?? null,
    parentId,
    isHub: input.isHub ?? false,
    reviewMode: input.reviewMode ?? 'review_and_signoff',
    urgentSignForMinutes: input.urgentSignForMinutes ?? 60,
    sortOrder: input.sortOrder ?? 0,
    createdAt: ctx.now,
  } as const;
  await ctx.tx.insert(orgs).values(values);
  await auditAdminChange(
    ctx,
    'org.create',
    { type: 'org', id },
    { name: values.name, parentId, isHub: values.isHub },
  );
  return id;
}
