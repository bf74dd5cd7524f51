import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { orgsWithRole, type UseCaseContext } from '../../../http/context.js';
import { AppError, conflict, invalid, notFound } from '../../../http/errors.js';
import { authorize, can } from '../../../policy/authorize.js';
import { memberships, users } from '../../orgs/schema.js';
import { loadIssueFor } from '../../periodicals/repo.js';
import { auditInstruction } from '../repo.js';
import { instructionFlags } from '../schema.js';
import { adoptingHubIds, resolveTarget, type TargetInput } from './targets.js';

/** The hub's leaders: whom its editors may put an item or issue before. */
export async function leadersOf(ctx: UseCaseContext, hubId: string) {
  return ctx.tx
    .select({ id: users.id, displayName: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, hubId),
        eq(memberships.role, 'leader'),
        isNotNull(memberships.confirmedAt),
        eq(users.disabled, false),
      ),
    )
    .orderBy(users.displayName);
}

/**
 * The hub from which the actor may flag this target: for an item, a hub of theirs with a live adoption of
 * it; for an issue, its hub once issued. Null when there is none.
 */
export async function flaggingHubFor(ctx: UseCaseContext, input: TargetInput): Promise<string | null> {
  const mine = orgsWithRole(ctx.actor, ['editor', 'chief_editor']);
  if (mine.length === 0) return null;
  if (input.itemId) return (await adoptingHubIds(ctx, input.itemId)).find((h) => mine.includes(h)) ?? null;
  const loaded = await loadIssueFor(ctx, input.issueId!, 'view');
  return loaded.issue.state === 'issued' && mine.includes(loaded.periodical.hubId)
    ? loaded.periodical.hubId
    : null;
}

/**
 * 呈阅: an editor or chief editor puts an adopted item or an issued issue before leaders of their hub.
 * A leader who already has it open is skipped (no duplicate on their desk).
 */
export async function flagForLeaders(
  ctx: UseCaseContext,
  input: TargetInput & { leaderIds: string[]; note?: string | null | undefined },
) {
  const target = await resolveTarget(ctx, input);
  const hubId = await flaggingHubFor(ctx, input);
  if (!hubId) {
    const anyHub = orgsWithRole(ctx.actor, ['editor', 'chief_editor'])[0];
    authorize(ctx.actor, 'instructionFlag', 'flag', { hubId: anyHub ?? '', leaderId: null });
    throw conflict(
      target.kind === 'item'
        ? '该稿件未被本单位采用，不能呈送领导批示'
        : '该期尚未印发或不是本单位编印，不能呈送领导批示',
    );
  }
  authorize(ctx.actor, 'instructionFlag', 'flag', { hubId, leaderId: null });
  const leaders = await leadersOf(ctx, hubId);
  const unknown = input.leaderIds.filter((l) => !leaders.some((x) => x.id === l));
  if (unknown.length) throw invalid('leaderIds', '只能呈送本单位的领导');
  const rows = [...new Set(input.leaderIds)].map((leaderId) => ({
    id: randomUUID(),
    hubId,
    itemId: target.itemId,
    issueId: target.issueId,
    leaderId,
    flaggedBy: ctx.actor.userId,
    note: input.note ?? null,
    state: 'open' as const,
    createdAt: ctx.now,
  }));
  const created = await ctx.tx.insert(instructionFlags).values(rows).onConflictDoNothing().returning();
  for (const f of created)
    await auditInstruction(ctx, 'flag', 'instruction_flag', f.id, {
      hubId,
      itemId: f.itemId,
      issueId: f.issueId,
      leaderId: f.leaderId,
    });
  return { created: created.length, skipped: rows.length - created.length };
}

/**
 * A leader marks something on their desk 已阅 without an instruction: a flag put before them, or an issue
 * their unit received (stored as a flag closed at once, so it leaves the desk).
 */
export async function markRead(ctx: UseCaseContext, input: { flagId?: string; issueId?: string }) {
  if (input.flagId) {
    const [flag] = await ctx.tx.select().from(instructionFlags).where(eq(instructionFlags.id, input.flagId));
    if (!flag || !can(ctx.actor, 'instructionFlag', 'close', flag).ok) throw notFound('呈阅事项');
    if (flag.state !== 'open')
      throw new AppError('illegal_transition', '该事项已批示或已阅', { state: flag.state });
    const [done] = await ctx.tx
      .update(instructionFlags)
      .set({ state: 'read', closedAt: ctx.now })
      .where(and(eq(instructionFlags.id, flag.id), eq(instructionFlags.state, 'open')))
      .returning();
    if (!done) throw new AppError('stale_version', '该事项已被处理，请刷新');
    await auditInstruction(ctx, 'flag_read', 'instruction_flag', flag.id, {});
    return;
  }
  // The issue row locked: a second read at the same moment waits, then finds this one's flag.
  const loaded = await loadIssueFor(ctx, input.issueId!, 'view', true);
  const leaderOrgs = orgsWithRole(ctx.actor, ['leader']);
  if (loaded.issue.state !== 'issued' || !loaded.facts.recipientOrgIds.some((o) => leaderOrgs.includes(o)))
    throw conflict('该期不在您的待批示中');
  const open = await ctx.tx
    .update(instructionFlags)
    .set({ state: 'read', closedAt: ctx.now })
    .where(
      and(
        eq(instructionFlags.leaderId, ctx.actor.userId),
        eq(instructionFlags.issueId, loaded.issue.id),
        inArray(instructionFlags.state, ['open']),
      ),
    )
    .returning({ id: instructionFlags.id });
  let id = open[0]?.id;
  if (!id) {
    // Already read (or instructed on): marking it read again changes nothing and records nothing.
    const [closed] = await ctx.tx
      .select({ id: instructionFlags.id })
      .from(instructionFlags)
      .where(
        and(eq(instructionFlags.leaderId, ctx.actor.userId), eq(instructionFlags.issueId, loaded.issue.id)),
      )
      .limit(1);
    if (closed) return;
    id = randomUUID();
    await ctx.tx.insert(instructionFlags).values({
      id,
      hubId: loaded.periodical.hubId,
      issueId: loaded.issue.id,
      leaderId: ctx.actor.userId,
      flaggedBy: ctx.actor.userId,
      state: 'read',
      createdAt: ctx.now,
      closedAt: ctx.now,
    });
  }
  await auditInstruction(ctx, 'issue_read', 'instruction_flag', id, { issueId: loaded.issue.id });
}
