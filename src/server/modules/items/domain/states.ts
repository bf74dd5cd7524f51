/**
 * The reporting workflow as data: every legal arrow of DESIGN.md §3.1, for the item inside its unit and
 * for each hop between a sender and a receiving hub. Pure: no I/O. Use cases ask `nextItemState` /
 * `nextHopState` and refuse anything else with 409.
 */

export const ITEM_STATES = [
  'draft',
  'in_review',
  'awaiting_signoff',
  'submitted',
  'revising',
  'withdrawn',
] as const;
export type ItemState = (typeof ITEM_STATES)[number];
export const ITEM_STATE_LABELS = {
  draft: '草稿',
  in_review: '待审核',
  awaiting_signoff: '待签发',
  submitted: '已报送',
  revising: '修改中',
  withdrawn: '已撤回',
} as const satisfies Record<ItemState, string>;

export const ITEM_ACTIONS = [
  'edit',
  'submit_for_review',
  'approve',
  'approve_and_sign',
  'return',
  'sign',
  'withdraw',
] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];
export const ITEM_ACTION_LABELS = {
  edit: '修改',
  submit_for_review: '提交审核',
  approve: '审核通过',
  approve_and_sign: '审核并签发',
  return: '退回修改',
  sign: '签发报送',
  withdraw: '撤回',
} as const satisfies Record<ItemAction, string>;

/**
 * Where each item action leads from each state it is legal in. `return` leads back to `draft` for an item
 * never submitted, and to `revising` for one a hub sent back; the caller says which via `wasReturned`.
 */
const ITEM_TRANSITIONS: Record<ItemAction, Partial<Record<ItemState, ItemState | 'back'>>> = {
  edit: { draft: 'draft', revising: 'revising' },
  submit_for_review: { draft: 'in_review', revising: 'in_review' },
  approve: { in_review: 'awaiting_signoff' },
  approve_and_sign: { in_review: 'submitted' },
  return: { in_review: 'back', awaiting_signoff: 'back' },
  sign: { awaiting_signoff: 'submitted' },
  withdraw: { draft: 'withdrawn', submitted: 'withdrawn' },
};

export function nextItemState(
  action: ItemAction,
  from: ItemState,
  opts: { wasReturned: boolean },
): ItemState | null {
  const to = ITEM_TRANSITIONS[action][from];
  if (to === undefined) return null;
  if (to === 'back') return opts.wasReturned ? 'revising' : 'draft';
  return to;
}

export function itemActionsFrom(from: ItemState): ItemAction[] {
  return ITEM_ACTIONS.filter((a) => ITEM_TRANSITIONS[a][from] !== undefined);
}

export const HOP_STATES = [
  'pending',
  'received',
  'returned',
  'handled',
  'rejected',
  'archived',
  'withdrawn',
] as const;
export type HopState = (typeof HOP_STATES)[number];
export const HOP_STATE_LABELS = {
  pending: '待签收',
  received: '已签收',
  returned: '退回修改',
  handled: '已处理',
  rejected: '已退稿',
  archived: '已存档',
  withdrawn: '已撤回',
} as const satisfies Record<HopState, string>;
export const TERMINAL_HOP_STATES: readonly HopState[] = ['rejected', 'archived', 'withdrawn'];

export const HOP_ACTIONS = [
  'receive',
  'advance',
  'edit',
  'return',
  'reject',
  'resubmit',
  'adopt',
  'revoke_adoption',
  'forward',
  'archive',
  'withdraw',
] as const;
export type HopAction = (typeof HOP_ACTIONS)[number];
export const HOP_ACTION_LABELS = {
  receive: '签收',
  advance: '审核通过进入下一环节',
  edit: '编辑修改',
  return: '退回修改',
  reject: '退稿',
  resubmit: '重新报送',
  adopt: '采用',
  revoke_adoption: '撤销采用',
  forward: '转报',
  archive: '存档（不采用）',
  withdraw: '撤回报送',
} as const satisfies Record<HopAction, string>;

const HOP_TRANSITIONS: Record<HopAction, Partial<Record<HopState, HopState>>> = {
  receive: { pending: 'received' },
  advance: { received: 'received' },
  edit: { received: 'received', handled: 'handled' },
  return: { received: 'returned' },
  reject: { received: 'rejected' },
  resubmit: { returned: 'pending' },
  adopt: { received: 'handled', handled: 'handled' },
  revoke_adoption: { handled: 'handled' },
  forward: { received: 'handled', handled: 'handled' },
  archive: { received: 'archived' },
  withdraw: { pending: 'withdrawn' },
};

/** Actions that conclude a hop's receiving stages: only legal once the last configured stage is reached. */
export const FINAL_STAGE_ACTIONS: readonly HopAction[] = ['adopt', 'forward', 'archive'];

export interface HopPosition {
  state: HopState;
  /** 1-based index of the current receiving stage, 0 when the hub configured none. */
  stage: number;
  stageCount: number;
}

export type HopRefusal = 'illegal_state' | 'not_final_stage' | 'no_next_stage';

export function nextHopState(action: HopAction, from: HopPosition): HopState | HopRefusal {
  const to = HOP_TRANSITIONS[action][from.state];
  if (to === undefined) return 'illegal_state';
  if (action === 'advance' && from.stage >= from.stageCount) return 'no_next_stage';
  if (from.state === 'received' && FINAL_STAGE_ACTIONS.includes(action) && from.stage < from.stageCount)
    return 'not_final_stage';
  return to;
}

export function hopActionsFrom(from: HopPosition): HopAction[] {
  return HOP_ACTIONS.filter((a) => {
    const r = nextHopState(a, from);
    return !['illegal_state', 'not_final_stage', 'no_next_stage'].includes(r);
  });
}

/** Overall status shown in lists for a submitted item, derived from its hops (never stored). */
export function overallStatus(item: ItemState, hopStates: readonly HopState[], adopted = false): string {
  if (item !== 'submitted') return ITEM_STATE_LABELS[item];
  if (hopStates.includes('returned')) return '被退回';
  // A live adoption is the outcome the writer waits for: 已采用 rather than the hop's 已处理.
  if (adopted) return '已采用';
  if (hopStates.includes('handled')) return '已处理';
  if (hopStates.includes('received')) return '已签收';
  if (hopStates.includes('pending')) return '待签收';
  if (hopStates.length > 0 && hopStates.every((s) => s === 'rejected')) return '已退稿';
  if (hopStates.length > 0 && hopStates.every((s) => s === 'archived' || s === 'rejected')) return '未采用';
  return ITEM_STATE_LABELS[item];
}

/** A submitted item may be withdrawn only while no hub has signed for any of its own submissions. */
export function withdrawableAfterSubmit(rootHopStates: readonly HopState[]): boolean {
  return rootHopStates.filter((s) => s !== 'withdrawn').every((s) => s === 'pending');
}
