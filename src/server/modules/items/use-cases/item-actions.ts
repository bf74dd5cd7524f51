import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, invalid } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { orgs } from '../../orgs/schema.js';
import { insertHopWithEvent, loadVisibleItem, recordEvent, type LoadedItem } from '../repo.js';
import { hops, itemVersions } from '../schema.js';
import type { ItemTransitionResult } from '../schemas.js';
import { checkCoReporters, replaceCoReporters, type ItemMeta } from './create-item.js';
import { prepareContent } from './content.js';
import { linkAttachments } from '../../attachments/use-cases/link-attachments.js';
import { clearAutosave } from '../../autosave/autosave.js';
import { checkTargetHubs, checkTargets, type TargetHub } from './targets.js';
import { withdrawableAfterSubmit } from '../domain/states.js';
import { hopsOfItem, illegalItemTransition, itemResult, transitionItem } from './transition.js';

export interface EditItemInput extends Partial<ItemMeta> {
  itemId: string;
  /** The row version the writer edited; a stale one answers 409 and nothing is overwritten. */
  rowVersion: number;
  title: string;
  bodyHtml: string;
  note?: string | null | undefined;
}

/** A writer saves a new version of a draft or of an item a hub sent back. */
export async function editItem(ctx: UseCaseContext, input: EditItemInput): Promise<ItemTransitionResult> {
  const loaded = await loadVisibleItem(ctx, input.itemId, true);
  const { item, facts } = loaded;
  authorize(ctx.actor, 'item', 'edit', facts);
  if (item.state !== 'draft' && item.state !== 'revising') throw illegalItemTransition('edit', item.state);
  if (item.rowVersion !== input.rowVersion)
    throw new AppError('stale_version', '稿件已被他人修改（版本已更新），请刷新后在最新版本上修改', {
      current: item.rowVersion,
    });
  const content = prepareContent(input.title, input.bodyHtml);
  const targets = input.targetOrgIds ? await checkTargets(ctx.tx, item.orgId, input.targetOrgIds) : undefined;
  if (input.coReporterOrgIds && !sameSet(input.coReporterOrgIds, facts.coReporterOrgIds)) {
    await checkCoReporters(ctx, item.orgId, input.coReporterOrgIds);
    await replaceCoReporters(ctx, item.id, input.coReporterOrgIds);
  }
  const no = loaded.lastVersionNo + 1;
  await ctx.tx.insert(itemVersions).values({
    id: randomUUID(),
    itemId: item.id,
    no,
    ...content,
    orgId: item.orgId,
    createdBy: ctx.actor.userId,
    basedOnNo: item.currentVersionNo,
    note: input.note ?? null,
    createdAt: ctx.now,
  });
  await linkAttachments(ctx, { itemId: item.id }, content.bodyHtml);
  await clearAutosave(ctx, item.id);
  const change = await transitionItem(ctx, loaded, 'edit', {
    data: { versionNo: no },
    patch: {
      title: content.title,
      currentVersionNo: no,
      ...(input.category && { category: input.category }),
      ...(input.urgency && { urgency: input.urgency }),
      ...(input.disclosure && { disclosure: input.disclosure }),
      ...(input.reportStage !== undefined && { reportStage: input.reportStage }),
      ...(targets && { targetOrgIds: targets }),
    },
    last: true,
  });
  return itemResult(ctx, item.id, 'edit', change);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  return x.size === new Set(b).size && b.every((v) => x.has(v));
}

export async function submitForReview(ctx: UseCaseContext, itemId: string): Promise<ItemTransitionResult> {
  const loaded = await loadVisibleItem(ctx, itemId, true);
  authorize(ctx.actor, 'item', 'submit_for_review', loaded.facts);
  return itemResult(
    ctx,
    itemId,
    'submit_for_review',
    await transitionItem(ctx, loaded, 'submit_for_review', { last: true }),
  );
}

async function unitReviewMode(ctx: UseCaseContext, orgId: string) {
  const [org] = await ctx.tx.select({ reviewMode: orgs.reviewMode }).from(orgs).where(eq(orgs.id, orgId));
  return org?.reviewMode ?? 'review_and_signoff';
}

/**
 * The reviewer approves with an opinion (审核意见). Where the unit merged review and sign-off, approval
 * also signs and submits.
 */
export async function approveItem(
  ctx: UseCaseContext,
  itemId: string,
  opinion: string | null,
): Promise<ItemTransitionResult> {
  const loaded = await loadVisibleItem(ctx, itemId, true);
  const { item, facts } = loaded;
  if ((await unitReviewMode(ctx, item.orgId)) === 'merged') {
    authorize(ctx.actor, 'item', 'approve_and_sign', facts);
    if (item.state !== 'in_review') throw illegalItemTransition('approve_and_sign', item.state);
    return dispatch(ctx, loaded, 'approve_and_sign', opinion);
  }
  authorize(ctx.actor, 'item', 'approve', facts);
  return itemResult(
    ctx,
    itemId,
    'approve',
    await transitionItem(ctx, loaded, 'approve', { comment: opinion, last: true }),
  );
}

export async function returnItem(
  ctx: UseCaseContext,
  itemId: string,
  opinion: string,
): Promise<ItemTransitionResult> {
  if (!opinion.trim()) throw invalid('opinion', '退回时必须填写审核意见');
  const loaded = await loadVisibleItem(ctx, itemId, true);
  authorize(ctx.actor, 'item', 'return', loaded.facts);
  return itemResult(
    ctx,
    itemId,
    'return',
    await transitionItem(ctx, loaded, 'return', { comment: opinion, last: true }),
  );
}

export async function signItem(
  ctx: UseCaseContext,
  itemId: string,
  opinion: string | null,
  targetOrgIds?: string[],
): Promise<ItemTransitionResult> {
  const loaded = await loadVisibleItem(ctx, itemId, true);
  authorize(ctx.actor, 'item', 'sign', loaded.facts);
  if (loaded.item.state !== 'awaiting_signoff') throw illegalItemTransition('sign', loaded.item.state);
  return dispatch(ctx, loaded, 'sign', opinion, targetOrgIds);
}

/**
 * 签发: hops the hubs sent back are resubmitted with the new version; otherwise a new hop goes to each
 * chosen target. Targets are checked against the tree (不得越级投报) at this moment, not when drafted.
 */
async function dispatch(
  ctx: UseCaseContext,
  loaded: LoadedItem,
  action: 'sign' | 'approve_and_sign',
  opinion: string | null,
  targetOrgIds?: string[],
): Promise<ItemTransitionResult> {
  const { item } = loaded;
  const [version] = await ctx.tx
    .select()
    .from(itemVersions)
    .where(and(eq(itemVersions.itemId, item.id), eq(itemVersions.no, item.currentVersionNo)));
  if (!version) throw new Error(`item ${item.id} has no current version`);
  const returned = await hopsOfItem(ctx, item.id, ['returned']);
  const rootReturned = returned.filter((h) => h.parentHopId === null);
  let hubs: TargetHub[] = [];
  if (rootReturned.length === 0) {
    hubs = await checkTargetHubs(ctx.tx, item.orgId, targetOrgIds ?? item.targetOrgIds);
    if (hubs.length === 0) throw invalid('targetOrgIds', '本单位没有可报送的上级信息汇总单位');
  } else {
    // The hubs that sent it back, for their sign-for deadlines.
    const ids = [...new Set(rootReturned.map((h) => h.toOrgId))];
    hubs = (
      await ctx.tx
        .select({ id: orgs.id, urgentSignForMinutes: orgs.urgentSignForMinutes })
        .from(orgs)
        .where(inArray(orgs.id, ids))
    ).map((h) => ({ ...h, name: '', level: 'county' as const }));
  }
  const targets = rootReturned.length === 0 ? hubs.map((h) => h.id) : [];
  const change = await transitionItem(ctx, loaded, action, {
    comment: opinion,
    data: { versionNo: version.no, targets },
    patch: { submittedAt: ctx.now, ...(targets.length > 0 && { targetOrgIds: targets }) },
  });
  const touched: ItemTransitionResult['hops'] = [];
  const minutesOf = (hubId: string) => hubs.find((h) => h.id === hubId)?.urgentSignForMinutes ?? 60;
  for (const hub of hubs.filter((h) => targets.includes(h.id))) {
    const id = randomUUID();
    await insertHopWithEvent(
      ctx,
      {
        id,
        itemId: item.id,
        parentHopId: null,
        rootHopId: id,
        fromOrgId: item.orgId,
        toOrgId: hub.id,
        versionId: version.id,
        urgency: item.urgency,
        signForDeadline: urgentDeadline(item.urgency, minutesOf(hub.id), ctx.now),
      },
      { actorOrgId: item.orgId, data: { toOrgId: hub.id, fromOrgId: item.orgId, versionNo: version.no } },
    );
    touched.push({ id, toOrgId: hub.id, state: 'pending' });
  }
  for (const hop of rootReturned) {
    const r = await ctx.tx
      .update(hops)
      .set({
        state: 'pending',
        versionId: version.id,
        workingVersionId: null,
        stage: 0,
        rowVersion: hop.rowVersion + 1,
        submittedAt: ctx.now,
        updatedAt: ctx.now,
        signForDeadline: urgentDeadline(item.urgency, minutesOf(hop.toOrgId), ctx.now),
      })
      .where(and(eq(hops.id, hop.id), eq(hops.state, 'returned')))
      .returning({ id: hops.id });
    if (r.length === 0) throw new AppError('stale_version', '报送记录已变化，请刷新后重试');
    touched.push({ id: hop.id, toOrgId: hop.toOrgId, state: 'pending' });
    await recordEvent(ctx, {
      itemId: item.id,
      hopId: hop.id,
      actorOrgId: item.orgId,
      action: 'hop_resubmit',
      fromState: 'returned',
      toState: 'pending',
      data: { toOrgId: hop.toOrgId, fromOrgId: hop.fromOrgId, versionNo: version.no },
    });
  }
  return itemResult(ctx, item.id, action, change, touched);
}

export function urgentDeadline(urgency: string, minutes: number, now: Date): Date | null {
  return urgency === 'very_urgent' ? new Date(now.getTime() + minutes * 60_000) : null;
}

/** Withdraws a draft, or a submitted item none of whose hops has been signed for yet. */
export async function withdrawItem(
  ctx: UseCaseContext,
  itemId: string,
  reason: string | null,
): Promise<ItemTransitionResult> {
  const loaded = await loadVisibleItem(ctx, itemId, true);
  const { item, facts } = loaded;
  authorize(ctx.actor, 'item', 'withdraw', facts);
  const touched: ItemTransitionResult['hops'] = [];
  if (item.state === 'submitted') {
    const all = await hopsOfItem(ctx, item.id);
    const roots = all.filter((h) => h.parentHopId === null && h.state !== 'withdrawn');
    if (!withdrawableAfterSubmit(roots.map((h) => h.state)))
      throw new AppError('illegal_transition', '该稿件已被上级签收，无法撤回', { state: item.state });
    for (const hop of roots) {
      await ctx.tx
        .update(hops)
        .set({ state: 'withdrawn', rowVersion: hop.rowVersion + 1, updatedAt: ctx.now })
        .where(eq(hops.id, hop.id));
      touched.push({ id: hop.id, toOrgId: hop.toOrgId, state: 'withdrawn' });
      await recordEvent(ctx, {
        itemId: item.id,
        hopId: hop.id,
        actorOrgId: item.orgId,
        action: 'hop_withdraw',
        fromState: 'pending',
        toState: 'withdrawn',
        data: { toOrgId: hop.toOrgId, fromOrgId: hop.fromOrgId },
      });
    }
  }
  const change = await transitionItem(ctx, loaded, 'withdraw', { comment: reason, last: true });
  return itemResult(ctx, item.id, 'withdraw', change, touched);
}
