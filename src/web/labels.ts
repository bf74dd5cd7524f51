/**
 * Display vocabulary. Enum labels come from the server's pure domain files (one source of truth);
 * only what the server does not label (event verbs, tag colours) is defined here.
 */
import {
  CATEGORIES,
  CATEGORY_LABELS,
  DISCLOSURES,
  DISCLOSURE_LABELS,
  REPORT_STAGES,
  REPORT_STAGE_LABELS,
  URGENCIES,
  URGENCY_LABELS,
  ADOPTION_TYPES,
  ADOPTION_TYPE_LABELS,
  type Category,
  type Urgency,
} from '../server/modules/items/domain/catalog';
import {
  HOP_STATES,
  HOP_STATE_LABELS,
  ITEM_STATES,
  ITEM_STATE_LABELS,
  HOP_ACTION_LABELS,
  ITEM_ACTION_LABELS,
  type HopState,
  type ItemState,
} from '../server/modules/items/domain/states';
import { ROLE_LABELS, ORG_LEVEL_LABELS, ORG_KIND_LABELS } from '../server/modules/orgs/domain';

export {
  CATEGORIES,
  CATEGORY_LABELS,
  DISCLOSURES,
  DISCLOSURE_LABELS,
  REPORT_STAGES,
  REPORT_STAGE_LABELS,
  URGENCIES,
  URGENCY_LABELS,
  ADOPTION_TYPES,
  ADOPTION_TYPE_LABELS,
  HOP_STATES,
  HOP_STATE_LABELS,
  ITEM_STATES,
  ITEM_STATE_LABELS,
  HOP_ACTION_LABELS,
  ITEM_ACTION_LABELS,
  ROLE_LABELS,
  ORG_LEVEL_LABELS,
  ORG_KIND_LABELS,
};
export type { Category, Urgency, HopState, ItemState };

export const ITEM_STATE_COLORS: Record<ItemState, string> = {
  draft: 'default',
  in_review: 'processing',
  awaiting_signoff: 'gold',
  submitted: 'green',
  revising: 'volcano',
  withdrawn: 'default',
};

export const HOP_STATE_COLORS: Record<HopState, string> = {
  pending: 'orange',
  received: 'blue',
  returned: 'volcano',
  handled: 'green',
  rejected: 'red',
  archived: 'default',
  withdrawn: 'default',
};

export const URGENCY_COLORS: Record<Urgency, string> = {
  normal: 'default',
  urgent: 'orange',
  very_urgent: 'red',
};

/** Timeline verbs for the events the server records (`action` column). */
const EVENT_LABELS: Record<string, string> = {
  create: '新建稿件',
  edit: '修改稿件',
  submit_for_review: '提交审核',
  approve: '审核通过',
  approve_and_sign: '审核并签发',
  return: '退回修改',
  sign: '签发报送',
  withdraw: '撤回稿件',
  revise_requested: '上级退回，进入修改',
  hop_submit: '报送',
  hop_receive: '签收',
  hop_advance: '审核通过，进入下一环节',
  hop_edit: '上级编辑修改',
  hop_return: '退回修改',
  hop_reject: '退稿',
  hop_resubmit: '重新报送',
  hop_adopt: '采用',
  hop_revoke_adoption: '撤销采用',
  hop_forward: '转报',
  hop_archive: '存档（不采用）',
  hop_withdraw: '撤回报送',
};

export function eventLabel(action: string): string {
  return EVENT_LABELS[action] ?? action;
}

export function eventColor(action: string): string {
  if (/(return|reject|revise_requested)/.test(action)) return 'red';
  if (/(withdraw|archive|revoke)/.test(action)) return 'gray';
  if (/(adopt|sign|approve|receive|forward)/.test(action)) return 'green';
  return 'blue';
}

export function categoryLabel(c: string): string {
  return (CATEGORY_LABELS as Record<string, string>)[c] ?? c;
}
export function urgencyLabel(u: string): string {
  return (URGENCY_LABELS as Record<string, string>)[u] ?? u;
}
export function roleLabel(r: string): string {
  return (ROLE_LABELS as Record<string, string>)[r] ?? r;
}
