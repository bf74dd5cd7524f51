import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { conflict } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { auditAdminChange } from '../../orgs/use-cases/admin-audit.js';
import type { PeriodicalKind } from '../domain.js';
import { periodicals } from '../schema.js';
import { hubOrInvalid } from './hub.js';

/** The hub's chief editor, unit administrator or the system administrator founds a periodical (创办刊物). */
export async function createPeriodical(
  ctx: UseCaseContext,
  input: { hubId: string; name: string; kind: PeriodicalKind },
): Promise<string> {
  authorize(ctx.actor, 'org', 'configure_hub', { orgId: input.hubId });
  await hubOrInvalid(ctx, input.hubId);
  const [clash] = await ctx.tx
    .select({ id: periodicals.id })
    .from(periodicals)
    .where(and(eq(periodicals.hubId, input.hubId), eq(periodicals.name, input.name)));
  if (clash) throw conflict(`本单位已有名为「${input.name}」的刊物`, { field: 'name' });
  const id = randomUUID();
  await ctx.tx
    .insert(periodicals)
    .values({ id, hubId: input.hubId, name: input.name, kind: input.kind, createdAt: ctx.now });
  await auditAdminChange(
    ctx,
    'periodical.create',
    { type: 'periodical', id },
    { hubId: input.hubId, name: input.name, kind: input.kind },
  );
  return id;
}
