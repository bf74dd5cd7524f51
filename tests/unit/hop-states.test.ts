import { describe, expect, it } from 'vitest';
import {
  FINAL_STAGE_ACTIONS,
  HOP_ACTIONS,
  HOP_STATES,
  HOP_STATE_LABELS,
  TERMINAL_HOP_STATES,
  hopActionsFrom,
  nextHopState,
  overallStatus,
  type HopAction,
  type HopPosition,
  type HopRefusal,
  type HopState,
  type ItemState,
} from '../../src/server/modules/items/domain/states.js';

/*
 * One hop (item × receiving hub), DESIGN.md §3.1, written out by hand. A missing action is refused with
 * 'illegal_state'. Receiving stages (初审 → 复审 → 领导审核) only matter while the hop is `received`:
 *  - `advance` needs a next stage, otherwise 'no_next_stage' (also when the hub has no stages at all);
 *  - adopt / forward / archive conclude the stages: before the last one they are 'not_final_stage';
 *  - edit, return (退回) and reject (退稿) are open at every stage.
 */
const STATES = ['pending', 'received', 'returned', 'handled', 'rejected', 'archived', 'withdrawn'] as const;
const ACTIONS = [
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

const LEGAL: Record<HopState, Partial<Record<HopAction, HopState>>> = {
  pending: { receive: 'received', withdraw: 'withdrawn' },
  received: {
    advance: 'received',
    edit: 'received',
    return: 'returned',
    reject: 'rejected',
    adopt: 'handled',
    forward: 'handled',
    archive: 'archived',
  },
  returned: { resubmit: 'pending' },
  handled: { edit: 'handled', adopt: 'handled', forward: 'handled', revoke_adoption: 'handled' },
  rejected: {},
  archived: {},
  withdrawn: {},
};
const CONCLUDING: readonly HopAction[] = ['adopt', 'forward', 'archive'];

const POSITIONS = {
  'no stages': { stage: 0, stageCount: 0 },
  'single stage': { stage: 1, stageCount: 1 },
  'stage 1 of 3': { stage: 1, stageCount: 3 },
  'stage 2 of 3': { stage: 2, stageCount: 3 },
  'stage 3 of 3': { stage: 3, stageCount: 3 },
} as const;
type PositionName = keyof typeof POSITIONS;
const POSITION_NAMES = Object.keys(POSITIONS) as PositionName[];

function expected(action: HopAction, state: HopState, pos: PositionName): HopState | HopRefusal {
  const to = LEGAL[state][action];
  if (to === undefined) return 'illegal_state';
  if (state !== 'received') return to;
  const { stage, stageCount } = POSITIONS[pos];
  const atLastStage = stage === stageCount;
  if (action === 'advance') return atLastStage ? 'no_next_stage' : to;
  if (CONCLUDING.includes(action) && !atLastStage) return 'not_final_stage';
  return to;
}

const at = (state: HopState, pos: PositionName): HopPosition => ({ state, ...POSITIONS[pos] });

const cases = STATES.flatMap((state) =>
  POSITION_NAMES.flatMap((pos) =>
    ACTIONS.map((action) => ({ action, state, pos, to: expected(action, state, pos) })),
  ),
);

describe('hop state machine: the test lists match the domain lists', () => {
  it('covers exactly the domain states', () => {
    expect([...HOP_STATES].sort()).toEqual([...STATES].sort());
  });
  it('covers exactly the domain actions', () => {
    expect([...HOP_ACTIONS].sort()).toEqual([...ACTIONS].sort());
  });
  it('terminal states are rejected, archived, withdrawn', () => {
    expect([...TERMINAL_HOP_STATES].sort()).toEqual(['archived', 'rejected', 'withdrawn']);
  });
  it('final-stage actions are adopt, forward, archive', () => {
    expect([...FINAL_STAGE_ACTIONS].sort()).toEqual([...CONCLUDING].sort());
  });
  it.each(STATES)('state %s has a Chinese label', (s) => {
    expect(HOP_STATE_LABELS[s]).toMatch(/^[\u4e00-\u9fff]+$/);
  });
});

describe('nextHopState: every action × state × stage position', () => {
  it.each(cases)('$action from $state ($pos) → $to', ({ action, state, pos, to }) => {
    expect(nextHopState(action, at(state, pos))).toBe(to);
  });
});

describe('nextHopState: stage rules by name', () => {
  it.each([
    ['advance from stage 1 of 3', 'advance', 1, 3, 'received'],
    ['advance from stage 2 of 3', 'advance', 2, 3, 'received'],
    ['advance refused at the last stage', 'advance', 3, 3, 'no_next_stage'],
    ['advance refused without stages', 'advance', 0, 0, 'no_next_stage'],
    ['adopt refused at 初审', 'adopt', 1, 3, 'not_final_stage'],
    ['forward refused at 复审', 'forward', 2, 3, 'not_final_stage'],
    ['archive refused before 领导审核', 'archive', 2, 3, 'not_final_stage'],
    ['adopt at 领导审核 (last)', 'adopt', 3, 3, 'handled'],
    ['forward at the last stage', 'forward', 3, 3, 'handled'],
    ['archive at the last stage', 'archive', 3, 3, 'archived'],
    ['adopt with no stages', 'adopt', 0, 0, 'handled'],
    ['return (退回) at the first stage', 'return', 1, 3, 'returned'],
    ['reject (退稿) at the middle stage', 'reject', 2, 3, 'rejected'],
    ['edit at any stage', 'edit', 1, 3, 'received'],
  ] as const)('%s', (_label, action, stage, stageCount, to) => {
    expect(nextHopState(action, { state: 'received', stage, stageCount })).toBe(to);
  });

  it.each([
    ['illegal state wins over stage: advance a pending hop', 'advance', 'pending'],
    ['illegal state wins over stage: adopt a pending hop', 'adopt', 'pending'],
    ['illegal state wins over stage: archive a returned hop', 'archive', 'returned'],
  ] as const)('%s', (_label, action, state) => {
    expect(nextHopState(action, { state, stage: 0, stageCount: 3 })).toBe('illegal_state');
  });

  it('a hop can be adopted and forwarded (not exclusive)', () => {
    const afterAdopt = nextHopState('adopt', at('received', 'no stages'));
    expect(afterAdopt).toBe('handled');
    expect(nextHopState('forward', at('handled', 'no stages'))).toBe('handled');
  });

  it('an adoption can be revoked only once handled', () => {
    expect(nextHopState('revoke_adoption', at('received', 'no stages'))).toBe('illegal_state');
    expect(nextHopState('revoke_adoption', at('handled', 'no stages'))).toBe('handled');
  });
});

describe('hopActionsFrom lists exactly the legal actions', () => {
  const rows = STATES.flatMap((state) => POSITION_NAMES.map((pos) => ({ state, pos })));
  it.each(rows)('$state ($pos)', ({ state, pos }) => {
    const legal = ACTIONS.filter((a) => LEGAL[state][a] !== undefined && !isRefusal(expected(a, state, pos)));
    expect([...hopActionsFrom(at(state, pos))].sort()).toEqual([...legal].sort());
  });

  it.each(['rejected', 'archived', 'withdrawn'] as const)('%s is terminal at every position', (state) => {
    for (const pos of POSITION_NAMES) expect(hopActionsFrom(at(state, pos))).toEqual([]);
  });
});

function isRefusal(r: HopState | HopRefusal): r is HopRefusal {
  return r === 'illegal_state' || r === 'not_final_stage' || r === 'no_next_stage';
}

describe('overallStatus: the list status is derived from the hops', () => {
  const OWN_LABEL: Record<Exclude<ItemState, 'submitted'>, string> = {
    draft: '草稿',
    in_review: '待审核',
    awaiting_signoff: '待签发',
    revising: '修改中',
    withdrawn: '已撤回',
  };

  it.each(Object.entries(OWN_LABEL))(
    'an item in %s shows its own state (%s), whatever its hops',
    (state, label) => {
      const s = state as ItemState;
      expect(overallStatus(s, [])).toBe(label);
      expect(overallStatus(s, ['returned'])).toBe(label);
      expect(overallStatus(s, ['handled', 'pending'])).toBe(label);
    },
  );

  it.each<[string, readonly HopState[], string]>([
    ['no hops yet', [], '已报送'],
    ['one pending hop', ['pending'], '待签收'],
    ['signed for', ['received'], '已签收'],
    ['one hub signed for, another pending', ['pending', 'received'], '已签收'],
    ['handled (adopted or forwarded)', ['handled'], '已处理'],
    ['handled beats pending', ['pending', 'handled'], '已处理'],
    ['handled at one hub, rejected at another', ['rejected', 'handled'], '已处理'],
    ['a return needs the unit: it wins', ['handled', 'returned'], '被退回'],
    ['returned alone', ['returned'], '被退回'],
    ['all rejected', ['rejected'], '已退稿'],
    ['all rejected at two hubs', ['rejected', 'rejected'], '已退稿'],
    ['archived', ['archived'], '未采用'],
    ['archived and rejected', ['archived', 'rejected'], '未采用'],
    ['rejected at one hub, still pending at another', ['rejected', 'pending'], '待签收'],
    ['a withdrawn hop does not hide a pending one', ['withdrawn', 'pending'], '待签收'],
  ])('submitted, %s → %s', (_label, hops, status) => {
    expect(overallStatus('submitted', hops)).toBe(status);
  });
});
