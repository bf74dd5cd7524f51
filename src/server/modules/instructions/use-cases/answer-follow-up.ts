import { and, eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, notFound } from '../../../http/errors.js';
import { authorize, can } from '../../../policy/authorize.js';
import { notify } from '../../notifications/notify.js';
import { orgs } from '../../orgs/schema.js';
import { auditInstruction } from '../repo.js';
import { followUpTasks, leaderInstructions } from '../schema.js';

/**
 * The unit answers its follow-up task (落实反馈) once: a compare-and-set open → answered, one audit row, and
 * the leader's office told. Late answers are accepted and shown as 逾期反馈.
 */
export async function answerFollowUp(
  ctx: UseCaseContext,
  taskId: string,
  input: { answer: string; rowVersion?: number | undefined },
) {
  const [row] = await ctx.tx
    .select({ t: followUpTasks, i: leaderInstructions })
    .from(followUpTasks)
    .innerJoin(leaderInstructions, eq(leaderInstructions.id, followUpTasks.instructionId))
    .where(eq(followUpTasks.id, taskId));
  const facts = row && { orgId: row.t.orgId, leaderId: row.i.leaderId, leaderOrgId: row.i.leaderOrgId };
  if (!row || !facts || !can(ctx.actor, 'followUp', 'view', facts).ok) throw notFound('落实反馈任务');
  authorize(ctx.actor, 'followUp', 'answer', facts);
  if (row.t.state !== 'open')
    throw new AppError('illegal_transition', '该任务已反馈，不能重复反馈', { state: row.t.state });
  if (input.rowVersion !== undefined && input.rowVersion !== row.t.rowVersion)
    throw new AppError('stale_version', '该任务已被他人处理，请刷新后重试');
  const [done] = await ctx.tx
    .update(followUpTasks)
    .set({
      state: 'answered',
      answer: input.answer,
      answeredBy: ctx.actor.userId,
      answeredAt: ctx.now,
      rowVersion: row.t.rowVersion + 1,
    })
    .where(
      and(
        eq(followUpTasks.id, taskId),
        eq(followUpTasks.state, 'open'),
        eq(followUpTasks.rowVersion, row.t.rowVersion),
      ),
    )
    .returning();
  if (!done) throw new AppError('stale_version', '该任务已被他人处理，请刷新后重试');
  const [unit] = await ctx.tx.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, row.t.orgId));
  await notify(ctx, [row.i.leaderOrgId], {
    kind: 'follow_up',
    title: `${unit?.name ?? ''}反馈了领导批示的落实情况`,
    body: input.answer,
    link: { type: 'instructions', id: row.i.id },
  });
  await auditInstruction(ctx, 'follow_up_answer', 'follow_up', taskId, {
    instructionId: row.i.id,
    orgId: row.t.orgId,
    late: ctx.now.getTime() > row.t.dueAt.getTime(),
  });
  return done;
}
