import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { loadVisibleItem } from '../../items/repo.js';
import { memberships, orgs } from '../../orgs/schema.js';
import { auditScoring } from '../../scoring/repo.js';
import { recomputeForInstruction } from '../../scoring/use-cases/recompute.js';
import { leaderInstructions } from '../schema.js';

/**
 * A leader records an instruction (批示) on an item that reached a hub they lead. The leader's level is the
 * office's level at the time; the bonus rows are computed in the same transaction. The follow-up task
 * (落实反馈) comes with the instruction workflow later.
 */
export async function createInstruction(
  ctx: UseCaseContext,
  input: { itemId: string; text: string; leaderOrgId?: string | null | undefined },
) {
  const { item, facts } = await loadVisibleItem(ctx, input.itemId);
  const leaderOf = await ctx.tx
    .select({ orgId: orgs.id, level: orgs.level })
    .from(memberships)
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .where(
      and(
        eq(memberships.userId, ctx.actor.userId),
        eq(memberships.role, 'leader'),
        inArray(memberships.orgId, facts.receivingHubIds.length ? [...facts.receivingHubIds] : [item.orgId]),
      ),
    );
  const office = input.leaderOrgId ? leaderOf.find((l) => l.orgId === input.leaderOrgId) : leaderOf[0];
  if (input.leaderOrgId && !office) throw invalid('leaderOrgId', '您不是该单位的领导，或稿件未报送至该单位');
  authorize(ctx.actor, 'instruction', 'create', {
    leaderOrgId: office?.orgId ?? input.leaderOrgId ?? '',
    receivingHubIds: facts.receivingHubIds,
  });
  const id = randomUUID();
  await ctx.tx.insert(leaderInstructions).values({
    id,
    itemId: item.id,
    leaderId: ctx.actor.userId,
    leaderOrgId: office!.orgId,
    leaderLevel: office!.level,
    text: input.text,
    createdAt: ctx.now,
  });
  await auditScoring(ctx, 'instruction_create', 'instruction', id, { itemId: item.id });
  await recomputeForInstruction(ctx, id);
  return id;
}
