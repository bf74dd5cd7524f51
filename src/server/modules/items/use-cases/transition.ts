import { and, eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError } from '../../../http/errors.js';
import {
  HOP_ACTION_LABELS,
  HOP_STATE_LABELS,
  HOP_STATES,
  ITEM_ACTION_LABELS,
  ITEM_STATE_LABELS,
  nextHopState,
  nextItemState,
  type HopAction,
  type HopState,
  type ItemAction,
  type ItemState,
} from '../domain/states.js';
import { commitWithNextStatement } from '../../../db/client.js';
import { casTransition, type AlongsideWrite } from '../repo.js';
import type { items } from '../schema.js';
import { hops, type HopRow, type ItemRow } from '../schema.js';
import type { HopTransitionResult, ItemTransitionResult } from '../schemas.js';

export function illegalItemTransition(action: ItemAction, state: ItemState): AppError {
  return new AppError(
    'illegal_transition',
    `稿件当前状态为「${ITEM_STATE_LABELS[state]}」，不能${ITEM_ACTION_LABELS[action]}`,
    { state, action },
  );
}

/** What an item transition changed: the row's new state and version, and the event it wrote. */
export interface ItemChange {
  state: ItemState;
  rowVersion: number;
  currentVersionNo: number;
  eventId: number;
}

/**
 * Moves the item along one arrow of the state table as a compare-and-set on (state, row_version), and
 * writes its event. A concurrent change makes the update miss and answers 409; nothing is half-done.
 * `loaded` is the item as `loadVisibleItem` read it (with whether a hub sent it back).
 */
export async function transitionItem(
  ctx: UseCaseContext,
  loaded: { item: ItemRow; wasReturned: boolean },
  action: ItemAction,
  opts: {
    comment?: string | null;
    data?: Record<string, unknown>;
    patch?: Partial<typeof items.$inferInsert>;
    /**
     * The transition is the use case's last statement and its CAS cannot miss (the item was loaded for
     * update): COMMIT is written with it (`commitWithNextStatement`).
     */
    last?: boolean;
  },
): Promise<ItemChange> {
  const { item } = loaded;
  const to = nextItemState(action, item.state, { wasReturned: loaded.wasReturned });
  if (!to) throw illegalItemTransition(action, item.state);
  if (opts.last) commitWithNextStatement(ctx.tx);
  const updated = await casTransition(
    ctx,
    {
      table: 'items',
      id: item.id,
      fromState: item.state,
      toState: to,
      rowVersion: item.rowVersion,
      patch: opts.patch ?? {},
    },
    {
      itemId: item.id,
      actorOrgId: item.orgId,
      action,
      fromState: item.state,
      toState: to,
      comment: opts.comment ?? null,
      data: opts.data ?? null,
    },
  );
  if (!updated) throw new AppError('stale_version', '稿件已被他人修改，请刷新后重试');
  return {
    state: updated.state as ItemState,
    rowVersion: updated.rowVersion,
    currentVersionNo: updated.currentVersionNo ?? 0,
    eventId: updated.eventId,
  };
}

/** The answer of an item action, from what its transition changed. */
export function itemResult(
  ctx: UseCaseContext,
  itemId: string,
  action: ItemAction,
  change: ItemChange,
  hopsTouched: ItemTransitionResult['hops'] = [],
): ItemTransitionResult {
  const { eventId, ...row } = change;
  return { itemId, action, ...row, eventId, at: ctx.now, hops: hopsTouched };
}

export function hopRefusal(action: HopAction, hop: HopRow, refusal: string): AppError {
  const state = HOP_STATE_LABELS[hop.state];
  const msg =
    refusal === 'not_final_stage'
      ? `该报送尚未完成全部审核环节，不能${HOP_ACTION_LABELS[action]}`
      : refusal === 'no_next_stage'
        ? '该报送已处于最后一个审核环节'
        : `该报送当前状态为「${state}」，不能${HOP_ACTION_LABELS[action]}`;
  return new AppError('illegal_transition', msg, { state: hop.state, action });
}

/** What a hop transition changed. */
export interface HopChange {
  state: HopState;
  stage: number;
  rowVersion: number;
  eventId: number;
}

/** The hop's counterpart of `transitionItem`: compare-and-set on (state, row_version), then the event. */
export async function transitionHop(
  ctx: UseCaseContext,
  hop: HopRow,
  actorOrgId: string,
  action: HopAction,
  opts: {
    stageCount: number;
    comment?: string | null;
    data?: Record<string, unknown>;
    patch?: Partial<typeof hops.$inferInsert>;
    /** Rows written in the transition's statement, only if it succeeds (an adoption and its ledger rows). */
    alongside?: AlongsideWrite;
    /**
     * The transition is the use case's last statement and its CAS cannot miss (the hop was locked when
     * loaded): COMMIT is written with it (`commitWithNextStatement`).
     */
    last?: boolean;
  },
): Promise<HopChange> {
  const to = nextHopState(action, { state: hop.state, stage: hop.stage, stageCount: opts.stageCount });
  if (!HOP_STATES_SET.has(to)) throw hopRefusal(action, hop, to);
  const next = to as HopState;
  if (opts.last) commitWithNextStatement(ctx.tx);
  const updated = await casTransition(
    ctx,
    {
      table: 'hops',
      id: hop.id,
      fromState: hop.state,
      toState: next,
      rowVersion: hop.rowVersion,
      patch: opts.patch ?? {},
    },
    {
      itemId: hop.itemId,
      hopId: hop.id,
      actorOrgId,
      action: `hop_${action}`,
      fromState: hop.state,
      toState: next,
      comment: opts.comment ?? null,
      data: { toOrgId: hop.toOrgId, fromOrgId: hop.fromOrgId, ...opts.data },
    },
    opts.alongside,
  );
  if (!updated) throw new AppError('stale_version', '该报送已被他人处理，请刷新后重试');
  return {
    state: updated.state as HopState,
    stage: updated.stage ?? 0,
    rowVersion: updated.rowVersion,
    eventId: updated.eventId,
  };
}

/** The answer of a hop action, from what its transition changed. */
export function hopResult(
  ctx: UseCaseContext,
  hop: HopRow,
  itemState: ItemState,
  action: HopAction,
  change: HopChange,
  extra: Partial<Pick<HopTransitionResult, 'createdHopId' | 'adoptionId' | 'versionNo'>> = {},
): HopTransitionResult {
  return {
    itemId: hop.itemId,
    hopId: hop.id,
    action,
    state: change.state,
    stage: change.stage,
    rowVersion: change.rowVersion,
    itemState,
    eventId: change.eventId,
    at: ctx.now,
    createdHopId: extra.createdHopId ?? null,
    adoptionId: extra.adoptionId ?? null,
    versionNo: extra.versionNo ?? null,
  };
}

const HOP_STATES_SET: ReadonlySet<string> = new Set<string>(HOP_STATES);

export async function hopsOfItem(ctx: UseCaseContext, itemId: string, states?: HopState[]) {
  const where = states ? and(eq(hops.itemId, itemId), inArray(hops.state, states)) : eq(hops.itemId, itemId);
  return ctx.tx.select().from(hops).where(where).for('update');
}
