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
import {
  AUDIT_EVENT_LABELS,
  AUDIT_OBJECT_LABELS,
  AUDIT_RESULT_LABELS,
  ITEM_EVENT_LABELS,
  auditEventLabel,
  auditObjectLabel,
} from '../server/modules/audit/events';

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
  AUDIT_EVENT_LABELS,
  AUDIT_OBJECT_LABELS,
  AUDIT_RESULT_LABELS,
  auditEventLabel,
  auditObjectLabel,
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

/** Timeline verb for an item event (`action` column); never the raw code. */
export function eventLabel(action: string): string {
  return (ITEM_EVENT_LABELS as Record<string, string>)[action] ?? '其他操作';
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
  return (ROLE_LABELS as Record<string, string>)[r] ?? '其他角色';
}

export function auditResultLabel(r: string): string {
  return (AUDIT_RESULT_LABELS as Record<string, string>)[r] ?? '其他';
}
