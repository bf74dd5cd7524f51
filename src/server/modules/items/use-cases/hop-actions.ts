import { randomUUID } from 'node:crypto';
import { and, eq, isNull, notInArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, invalid, notFound } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { ISSUE_STATE_LABELS } from '../../periodicals/domain.js';
import { issueNumberLabel } from '../../periodicals/format.js';
import { issueEntries, issueEntrySources, periodicalIssues } from '../../periodicals/schema.js';
import { prepareNewAdoption, recomputeForAdoption } from '../../scoring/use-cases/recompute.js';
import type { AdoptionType } from '../domain/catalog.js';
import { TERMINAL_HOP_STATES } from '../domain/states.js';
import { casTransition, forwardedHopWrite, loadVisibleHop } from '../repo.js';
import { adoptions, hops, itemVersions } from '../schema.js';
import { prepareContent } from './content.js';
import { linkAttachments } from '../../attachments/use-cases/link-attachments.js';
import { urgentDeadline } from './item-actions.js';
import type { HopTransitionResult } from '../schemas.js';
import { checkTargetHubs } from './targets.js';
import { hopResult, transitionHop } from './transition.js';

/** 签收. With receiving stages configured, the hop enters the first one. */
export async function receiveHop(ctx: UseCaseContext, hopId: string): Promise<HopTransitionResult> {
  const { hop, item, facts } = await loadVisibleHop(ctx, hopId);
  authorize(ctx.actor, 'hop', 'receive', facts);
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'receive', {
    stageCount: facts.stageCount,
    patch: { receivedAt: ctx.now, stage: facts.stageCount > 0 ? 1 : 0 },
    last: true,
  });
  return hopResult(ctx, hop, item.state, 'receive', change);
}

/**
 * The current receiving stage (初审, 复审 …) passes the hop on to the next. `stage` is the stage the
 * approver saw: if the hop has moved on since (a second click, a colleague's approval), 409.
 */
export async function advanceHop(
  ctx: UseCaseContext,
  hopId: string,
  input: { stage: number; opinion: string | null },
): Promise<HopTransitionResult> {
  const { hop, item, facts } = await loadVisibleHop(ctx, hopId);
  authorize(ctx.actor, 'hop', 'advance', facts);
  if (hop.stage !== input.stage)
    throw new AppError('stale_version', '该报送已进入其他审核环节，请刷新后重试', {
      stage: hop.stage,
    });
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'advance', {
    stageCount: facts.stageCount,
    comment: input.opinion,
    data: { stage: hop.stage + 1 },
    patch: { stage: hop.stage + 1 },
    last: true,
  });
  return hopResult(ctx, hop, item.state, 'advance', change);
}

/**
 * 退回: back to the sender for revision, with a reason. A unit's own submission puts the item into
 * `revising`; a forwarded hop goes back to the hub that forwarded it.
 */
export async function returnHop(
  ctx: UseCaseContext,
  hopId: string,
  reason: string,
): Promise<HopTransitionResult> {
  if (!reason.trim()) throw invalid('reason', '退回修改必须填写理由');
  const { hop, item, facts } = await loadVisibleHop(ctx, hopId);
  authorize(ctx.actor, 'hop', 'return', facts);
  // A unit's own submission sends the item back to revising too: then that is the last statement.
  const itemFollows = hop.parentHopId === null && item.state === 'submitted';
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'return', {
    stageCount: facts.stageCount,
    comment: reason,
    patch: { lastReason: reason },
    last: !itemFollows,
  });
  if (itemFollows) {
    // A miss here means a concurrent return of another hop already moved the item to revising (then no
    // second event is written).
    await casTransition(
      ctx,
      {
        table: 'items',
        id: item.id,
        fromState: 'submitted',
        toState: 'revising',
        rowVersion: item.rowVersion,
        patch: {},
      },
      {
        itemId: item.id,
        actorOrgId: hop.toOrgId,
        action: 'revise_requested',
        fromState: 'submitted',
        toState: 'revising',
        comment: reason,
      },
    );
    return hopResult(ctx, hop, 'revising', 'return', change);
  }
  return hopResult(ctx, hop, item.state, 'return', change);
}

/** 退稿: the hop ends here, with a reason. */
export async function rejectHop(
  ctx: UseCaseContext,
  hopId: string,
  reason: string,
): Promise<HopTransitionResult> {
  if (!reason.trim()) throw invalid('reason', '退稿必须填写理由');
  const { hop, item, facts } = await loadVisibleHop(ctx, hopId);
  authorize(ctx.actor, 'hop', 'reject', facts);
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'reject', {
    stageCount: facts.stageCount,
    comment: reason,
    patch: { lastReason: reason },
    last: true,
  });
  return hopResult(ctx, hop, item.state, 'reject', change);
}

/** 不采用: filed for reference (存档/参阅). */
export async function archiveHop(
  ctx: UseCaseContext,
  hopId: string,
  comment: string | null,
): Promise<HopTransitionResult> {
  const { hop, item, facts } = await loadVisibleHop(ctx, hopId);
  authorize(ctx.actor, 'hop', 'archive', facts);
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'archive', {
    stageCount: facts.stageCount,
    comment,
    last: true,
  });
  return hopResult(ctx, hop, item.state, 'archive', change);
}

/** 逐级修改: the receiving hub edits the text; the edit is a new version the unit can compare. */
export async function editAtHub(
  ctx: UseCaseContext,
  input: {
    hopId: string;
    rowVersion: number;
    title: string;
    bodyHtml: string;
    note?: string | null | undefined;
  },
): Promise<HopTransitionResult> {
  const { hop, item, facts, lastVersionNo, baseVersionNo } = await loadVisibleHop(ctx, input.hopId);
  authorize(ctx.actor, 'hop', 'edit', facts);
  if (hop.rowVersion !== input.rowVersion)
    throw new AppError('stale_version', '该稿件已被他人修改，请刷新后在最新版本上修改', {
      current: hop.rowVersion,
    });
  const content = prepareContent(input.title, input.bodyHtml);
  const id = randomUUID();
  const no = lastVersionNo + 1;
  await ctx.tx.insert(itemVersions).values({
    id,
    itemId: hop.itemId,
    no,
    ...content,
    orgId: hop.toOrgId,
    createdBy: ctx.actor.userId,
    basedOnNo: baseVersionNo,
    note: input.note ?? null,
    createdAt: ctx.now,
  });
  await linkAttachments(ctx, { itemId: hop.itemId }, content.bodyHtml);
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'edit', {
    stageCount: facts.stageCount,
    comment: input.note ?? null,
    data: { versionNo: no },
    patch: { workingVersionId: id },
    last: true,
  });
  return hopResult(ctx, hop, item.state, 'edit', change, { versionNo: no });
}

/** 转报: a new pending hop to this hub's own upper hub (or a hub it is a 直报点 of), with the hub's edit. */
export async function forwardHop(
  ctx: UseCaseContext,
  hopId: string,
  targetOrgId: string,
  comment: string | null,
): Promise<HopTransitionResult> {
  const { hop, item, facts, forwardedTo } = await loadVisibleHop(ctx, hopId);
  authorize(ctx.actor, 'hop', 'forward', facts);
  const [hub] = await checkTargetHubs(ctx.tx, hop.toOrgId, [targetOrgId]);
  if (forwardedTo.includes(targetOrgId)) throw new AppError('conflict', '该稿件已转报至该单位，不能重复转报');
  const id = randomUUID();
  // The new hop, its event and audit row are written by the transition's own statement, only if it moves.
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'forward', {
    stageCount: facts.stageCount,
    comment,
    data: { forwardedTo: targetOrgId },
    alongside: forwardedHopWrite(
      ctx,
      {
        id,
        itemId: hop.itemId,
        parentHopId: hop.id,
        rootHopId: hop.rootHopId,
        fromOrgId: hop.toOrgId,
        toOrgId: targetOrgId,
        versionId: hop.workingVersionId ?? hop.versionId,
        urgency: hop.urgency,
        signForDeadline: urgentDeadline(hop.urgency, hub!.urgentSignForMinutes, ctx.now),
      },
      {
        actorOrgId: hop.toOrgId,
        data: { toOrgId: targetOrgId, fromOrgId: hop.toOrgId, forwardedFromHopId: hop.id },
      },
    ),
  }).catch(async (err: unknown) => {
    // The statement's guard refused because a forward to this unit committed meanwhile: say so.
    if (err instanceof AppError && err.code === 'stale_version') {
      const [dup] = await ctx.tx
        .select({ id: hops.id })
        .from(hops)
        .where(
          and(
            eq(hops.parentHopId, hop.id),
            eq(hops.toOrgId, targetOrgId),
            notInArray(hops.state, [...TERMINAL_HOP_STATES]),
          ),
        )
        .limit(1);
      if (dup) throw new AppError('conflict', '该稿件已转报至该单位，不能重复转报');
    }
    throw err;
  });
  return hopResult(ctx, hop, item.state, 'forward', change, { createdHopId: id });
}

/** 采用 into one of the hub's own periodicals; adopting does not exclude forwarding. */
export async function adoptHop(
  ctx: UseCaseContext,
  input: { hopId: string; periodicalId: string; type: AdoptionType; comment?: string | null | undefined },
): Promise<HopTransitionResult> {
  const { hop, item, facts } = await loadVisibleHop(ctx, input.hopId);
  authorize(ctx.actor, 'hop', 'adopt', facts);
  // The version adopted is the hub's latest edit, else the version it received.
  const versionId = hop.workingVersionId ?? hop.versionId;
  // The periodical, whether this hop already has a live adoption into it, the version's title and the
  // ledger's facts: one read.
  const adoption = await prepareNewAdoption(ctx, {
    hopId: hop.id,
    itemId: hop.itemId,
    hubId: hop.toOrgId,
    periodicalId: input.periodicalId,
    versionId,
  });
  const periodical = adoption?.periodical;
  if (!adoption || !periodical || periodical.hubId !== hop.toOrgId)
    throw invalid('periodicalId', '只能采用到本单位的刊物');
  if (periodical.adopted) throw new AppError('conflict', `该稿件已被《${periodical.name}》采用`);
  const id = randomUUID();
  // The adoption is new, so its ledger rows are new too: computed from the facts read above and written by
  // the transition's own statement, only if the hop moves.
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'adopt', {
    stageCount: facts.stageCount,
    comment: input.comment ?? null,
    data: { periodicalId: periodical.id, periodicalName: periodical.name, type: input.type },
    alongside: adoption.writes(ctx, {
      id,
      hopId: hop.id,
      itemId: hop.itemId,
      hubId: hop.toOrgId,
      periodicalId: periodical.id,
      versionId,
      title: adoption.versionTitle,
      type: input.type,
      adoptedBy: ctx.actor.userId,
      adoptedAt: ctx.now,
    }),
    last: true,
  });
  return hopResult(ctx, hop, item.state, 'adopt', change, { adoptionId: id });
}

export async function revokeAdoption(
  ctx: UseCaseContext,
  adoptionId: string,
  reason: string,
): Promise<HopTransitionResult> {
  if (!reason.trim()) throw invalid('reason', '撤销采用必须填写理由');
  const [adoption] = await ctx.tx.select().from(adoptions).where(eq(adoptions.id, adoptionId)).for('update');
  if (!adoption) throw notFound('采用记录');
  const { hop, item, facts } = await loadVisibleHop(ctx, adoption.hopId);
  authorize(ctx.actor, 'hop', 'revoke_adoption', facts);
  await assertNotInIssue(ctx, adoptionId);
  const r = await ctx.tx
    .update(adoptions)
    .set({ revokedAt: ctx.now, revokedBy: ctx.actor.userId })
    .where(and(eq(adoptions.id, adoptionId), isNull(adoptions.revokedAt)))
    .returning({ id: adoptions.id });
  if (r.length === 0) throw new AppError('conflict', '该采用已撤销');
  const change = await transitionHop(ctx, hop, hop.toOrgId, 'revoke_adoption', {
    stageCount: facts.stageCount,
    comment: reason,
    data: { adoptionId, periodicalId: adoption.periodicalId },
  });
  await recomputeForAdoption(ctx, adoptionId);
  return hopResult(ctx, hop, item.state, 'revoke_adoption', change, { adoptionId });
}

/**
 * An adoption compiled into an issue cannot be revoked: once issued it is history (the issue was printed
 * with it); while the issue is being compiled the editor takes the entry out of the issue first.
 */
async function assertNotInIssue(ctx: UseCaseContext, adoptionId: string): Promise<void> {
  const [inIssue] = await ctx.tx
    .select({
      state: periodicalIssues.state,
      year: periodicalIssues.year,
      yearNo: periodicalIssues.yearNo,
      totalNo: periodicalIssues.totalNo,
    })
    .from(issueEntrySources)
    .innerJoin(issueEntries, eq(issueEntries.id, issueEntrySources.entryId))
    .innerJoin(periodicalIssues, eq(periodicalIssues.id, issueEntries.issueId))
    .where(eq(issueEntrySources.adoptionId, adoptionId));
  if (!inIssue) return;
  const published = inIssue.state === 'issued' || inIssue.state === 'recalled';
  throw new AppError(
    'illegal_transition',
    published
      ? `该稿件已在${issueNumberLabel(inIssue)}印发，不能撤销采用`
      : `该稿件已编入期刊（${ISSUE_STATE_LABELS[inIssue.state]}），请先从该期移出后再撤销采用`,
    { state: inIssue.state },
  );
}

/** The sender takes back a hop not yet signed for. */
export async function withdrawHop(
  ctx: UseCaseContext,
  hopId: string,
  reason: string | null,
): Promise<HopTransitionResult> {
  const { hop, item, facts } = await loadVisibleHop(ctx, hopId);
  authorize(ctx.actor, 'hop', 'withdraw', facts);
  const change = await transitionHop(ctx, hop, hop.fromOrgId, 'withdraw', {
    stageCount: facts.stageCount,
    comment: reason,
  });
  return hopResult(ctx, hop, item.state, 'withdraw', change);
}

/**
 * A forwarding hub resubmits a hop the upper hub sent back, with its latest edit. A unit's own
 * submission is resubmitted through its review and sign-off instead.
 */
export async function resubmitHop(
  ctx: UseCaseContext,
  hopId: string,
  comment: string | null,
): Promise<HopTransitionResult> {
  const { hop, item, facts } = await loadVisibleHop(ctx, hopId);
  authorize(ctx.actor, 'hop', 'resubmit', facts);
  if (!hop.parentHopId)
    throw new AppError('illegal_transition', '本单位报送的稿件被退回后，请修改并经审核、签发后重新报送', {
      state: hop.state,
    });
  const [parent] = await ctx.tx.select().from(hops).where(eq(hops.id, hop.parentHopId));
  const change = await transitionHop(ctx, hop, hop.fromOrgId, 'resubmit', {
    stageCount: facts.stageCount,
    comment,
    patch: {
      versionId: parent?.workingVersionId ?? parent?.versionId ?? hop.versionId,
      workingVersionId: null,
      stage: 0,
      submittedAt: ctx.now,
    },
  });
  return hopResult(ctx, hop, item.state, 'resubmit', change);
}
