import { Tag } from 'antd';
import {
  HOP_STATE_COLORS,
  HOP_STATE_LABELS,
  ITEM_STATE_COLORS,
  ITEM_STATE_LABELS,
  URGENCY_COLORS,
  URGENCY_LABELS,
  type HopState,
  type ItemState,
  type Urgency,
} from '../labels';
import { overallStatus } from '../../server/modules/items/domain/states';

export function HopStateTag({ state }: { state: HopState }) {
  return <Tag color={HOP_STATE_COLORS[state]}>{HOP_STATE_LABELS[state]}</Tag>;
}

const OVERALL_COLORS: Record<string, string> = {
  被退回: 'volcano',
  已采用: 'green',
  已处理: 'cyan',
  已签收: 'blue',
  待签收: 'orange',
  已退稿: 'red',
  未采用: 'default',
};

/** An item's state; once submitted, the overall status derived from its hops (same rule as the server). */
export function ItemStatusTag({
  state,
  hopStates,
  adoptedIn,
}: {
  state: ItemState;
  hopStates?: readonly HopState[];
  /** Periodicals with a live adoption: shown as 已采用 with their names. */
  adoptedIn?: readonly string[];
}) {
  if (state === 'submitted' && hopStates) {
    const adopted = (adoptedIn?.length ?? 0) > 0;
    const label = overallStatus(state, hopStates, adopted);
    const tag = <Tag color={OVERALL_COLORS[label] ?? ITEM_STATE_COLORS[state]}>{label}</Tag>;
    if (label !== '已采用' || !adoptedIn?.length) return tag;
    return (
      <span style={{ whiteSpace: 'normal' }}>
        {tag}
        <span style={{ fontSize: 12, color: '#6b7280' }}>{adoptedIn.map((p) => `《${p}》`).join('')}</span>
      </span>
    );
  }
  return <Tag color={ITEM_STATE_COLORS[state]}>{ITEM_STATE_LABELS[state]}</Tag>;
}

export function UrgencyTag({ urgency, hideNormal = true }: { urgency: Urgency; hideNormal?: boolean }) {
  if (hideNormal && urgency === 'normal') return null;
  return <Tag color={URGENCY_COLORS[urgency]}>{URGENCY_LABELS[urgency]}</Tag>;
}
