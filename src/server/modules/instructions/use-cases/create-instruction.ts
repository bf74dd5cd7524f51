import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { notify } from '../../notifications/notify.js';
import { memberships, orgs } from '../../orgs/schema.js';
import { auditInstruction } from '../repo.js';
import { recomputeForInstruction } from '../../scoring/use-cases/recompute.js';
import { followUpDue } from '../domain.js';
import { followUpTasks, instructionFlags, leaderInstructions } from '../schema.js';
import { originUnits, resolveTarget, type TargetInput } from './targets.js';

export type CreateInstructionInput = TargetInput & {
  text: string;
  leaderOrgId?: string | null | undefined;
  followUp?: { days: number; requirement?: string | null | undefined } | null | undefined;
};

/**
 * A leader writes an instruction (批示) on an item or an issue (entry) that reached their office. In one
 * transaction: the instruction, the flags put before this leader closed as 已批示, one follow-up task per
 * origin unit when a follow-up is asked for, the units told, one audit row, and the bonus rows recomputed.
 */
export async function createInstruction(ctx: UseCaseContext, input: CreateInstructionInput) {
  const target = await resolveTarget(ctx, input);
  const candidates = target.instructableOrgIds.length
    ? target.instructableOrgIds
    : ['00000000-0000-0000-0000-000000000000'];
  const leaderOf = await ctx.tx
    .select({ orgId: orgs.id, level: orgs.level, name: orgs.name })
    .from(memberships)
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .where(
      and(
        eq(memberships.userId, ctx.actor.userId),
        eq(memberships.role, 'leader'),
        isNotNull(memberships.confirmedAt),
        inArray(memberships.orgId, candidates),
      ),
    );
  const office = input.leaderOrgId ? leaderOf.find((l) => l.orgId === input.leaderOrgId) : leaderOf[0];
  if (input.leaderOrgId && !office)
    throw invalid('leaderOrgId', '您不是该单位的领导，或稿件、期刊未送达该单位');
  authorize(ctx.actor, 'instruction', 'create', {
    leaderOrgId: office?.orgId ?? input.leaderOrgId ?? '',
    instructableOrgIds: target.instructableOrgIds,
  });
  const id = randomUUID();
  const dueAt = input.followUp ? followUpDue(ctx.now, input.followUp.days) : null;
  await ctx.tx.insert(leaderInstructions).values({
    id,
    itemId: target.itemId,
    issueId: target.issueId,
    entryId: target.entryId,
    leaderId: ctx.actor.userId,
    leaderOrgId: office!.orgId,
    leaderLevel: office!.level,
    text: input.text,
    followUpRequirement: input.followUp ? (input.followUp.requirement ?? '请抓好落实并反馈落实情况') : null,
    followUpDueAt: dueAt,
    createdAt: ctx.now,
  });
  await ctx.tx
    .update(instructionFlags)
    .set({ state: 'instructed', instructionId: id, closedAt: ctx.now })
    .where(
      and(
        eq(instructionFlags.leaderId, ctx.actor.userId),
        eq(instructionFlags.state, 'open'),
        target.itemId
          ? eq(instructionFlags.itemId, target.itemId)
          : eq(instructionFlags.issueId, target.issueId!),
      ),
    );
  const units = await originUnits(ctx, target.itemIds);
  if (dueAt && units.length)
    await ctx.tx.insert(followUpTasks).values(
      units.map((u) => ({
        id: randomUUID(),
        instructionId: id,
        orgId: u.orgId,
        itemId: u.itemId,
        dueAt,
        state: 'open' as const,
        createdAt: ctx.now,
      })),
    );
  await notify(
    ctx,
    units.map((u) => u.orgId),
    {
      kind: 'instruction',
      title: dueAt
        ? `${office!.name}领导作出批示，请于${dueAt.toISOString().slice(0, 10)}前反馈落实情况`
        : `${office!.name}领导作出批示`,
      body: input.text,
      link: target.itemId ? { type: 'item', id: target.itemId } : { type: 'follow_ups', id },
    },
  );
  await auditInstruction(ctx, 'create', 'instruction', id, {
    itemId: target.itemId,
    issueId: target.issueId,
    entryId: target.entryId,
    followUpUnits: dueAt ? units.length : 0,
  });
  await recomputeForInstruction(ctx, id);
  return id;
}
