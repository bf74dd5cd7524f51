import { describe, expect, it } from 'vitest';
import {
  ITEM_ACTIONS,
  ITEM_STATES,
  ITEM_STATE_LABELS,
  itemActionsFrom,
  nextItemState,
  type ItemAction,
  type ItemState,
} from '../../src/server/modules/items/domain/states.js';

/*
 * The item's life inside its unit (DESIGN.md §3.1), written out by hand from the design and NOT derived from
 * the implementation's table. A missing action means "refused" (the use case answers 409).
 * `return` goes back to `draft` for an item never submitted, and to `revising` for one a hub sent back.
 */
const STATES = ['draft', 'in_review', 'awaiting_signoff', 'submitted', 'revising', 'withdrawn'] as const;
const ACTIONS = [
  'edit',
  'submit_for_review',
  'approve',
  'approve_and_sign',
  'return',
  'sign',
  'withdraw',
] as const;

type Expected = ItemState | 'draft, or revising after a hub return';
const BACK = 'draft, or revising after a hub return';

const LEGAL: Record<ItemState, Partial<Record<ItemAction, Expected>>> = {
  draft: { edit: 'draft', submit_for_review: 'in_review', withdraw: 'withdrawn' },
  in_review: { approve: 'awaiting_signoff', approve_and_sign: 'submitted', return: BACK },
  awaiting_signoff: { sign: 'submitted', return: BACK },
  submitted: { withdraw: 'withdrawn' },
  revising: { edit: 'revising', submit_for_review: 'in_review' },
  withdrawn: {},
};

function expectedNext(action: ItemAction, from: ItemState, wasReturned: boolean): ItemState | null {
  const to = LEGAL[from][action];
  if (to === undefined) return null;
  if (to === BACK) return wasReturned ? 'revising' : 'draft';
  return to;
}

const cases = STATES.flatMap((from) =>
  ACTIONS.flatMap((action) =>
    [false, true].map((wasReturned) => ({
      from,
      action,
      wasReturned,
      expected: expectedNext(action, from, wasReturned),
    })),
  ),
);

describe('item state machine: the test lists match the domain lists', () => {
  it('covers exactly the domain states', () => {
    expect([...ITEM_STATES].sort()).toEqual([...STATES].sort());
  });
  it('covers exactly the domain actions', () => {
    expect([...ITEM_ACTIONS].sort()).toEqual([...ACTIONS].sort());
  });
  it.each(STATES)('state %s has a Chinese label', (s) => {
    expect(ITEM_STATE_LABELS[s]).toMatch(/^[\u4e00-\u9fff]+$/);
  });
});

describe('nextItemState: every action × state × wasReturned', () => {
  it.each(cases)(
    '$action from $from (wasReturned=$wasReturned) → $expected',
    ({ from, action, wasReturned, expected }) => {
      expect(nextItemState(action, from, { wasReturned })).toBe(expected);
    },
  );
});

describe('nextItemState: named arrows of the design', () => {
  it.each([
    ['writer submits a draft', 'submit_for_review', 'draft', false, 'in_review'],
    ['reviewer returns a fresh draft to the writer', 'return', 'in_review', false, 'draft'],
    ['reviewer returns an item a hub sent back: stays revising', 'return', 'in_review', true, 'revising'],
    ['signer returns at sign-off', 'return', 'awaiting_signoff', false, 'draft'],
    ['signer returns a hub-returned item', 'return', 'awaiting_signoff', true, 'revising'],
    ['merged unit: approve signs and submits', 'approve_and_sign', 'in_review', false, 'submitted'],
    ['sign submits', 'sign', 'awaiting_signoff', false, 'submitted'],
    ['revised item goes back through review', 'submit_for_review', 'revising', true, 'in_review'],
    ['withdraw a draft', 'withdraw', 'draft', false, 'withdrawn'],
    [
      'withdraw a submitted item (no hop signed for yet; checked by the use case)',
      'withdraw',
      'submitted',
      false,
      'withdrawn',
    ],
  ] as const)('%s', (_label, action, from, wasReturned, to) => {
    expect(nextItemState(action, from, { wasReturned })).toBe(to);
  });

  it.each([
    ['the unit cannot edit a submitted (locked) item', 'edit', 'submitted'],
    ['no editing while in review', 'edit', 'in_review'],
    ['no editing while awaiting sign-off', 'edit', 'awaiting_signoff'],
    ['cannot sign before review', 'sign', 'in_review'],
    ['cannot sign a draft', 'sign', 'draft'],
    ['cannot approve a draft', 'approve', 'draft'],
    ['cannot approve twice', 'approve', 'awaiting_signoff'],
    ['cannot return a draft', 'return', 'draft'],
    ['cannot return a submitted item inside the unit', 'return', 'submitted'],
    ['a revising item was signed for by a hub: it cannot be withdrawn', 'withdraw', 'revising'],
    ['withdrawn is terminal: edit', 'edit', 'withdrawn'],
    ['withdrawn is terminal: submit', 'submit_for_review', 'withdrawn'],
    ['withdrawn is terminal: withdraw again', 'withdraw', 'withdrawn'],
  ] as const)('%s', (_label, action, from) => {
    expect(nextItemState(action, from, { wasReturned: false })).toBeNull();
    expect(nextItemState(action, from, { wasReturned: true })).toBeNull();
  });
});

describe('itemActionsFrom lists exactly the legal actions', () => {
  it.each(STATES)('from %s', (from) => {
    const expected = ACTIONS.filter((a) => LEGAL[from][a] !== undefined);
    expect([...itemActionsFrom(from)].sort()).toEqual([...expected].sort());
  });

  it('withdrawn offers nothing', () => {
    expect(itemActionsFrom('withdrawn')).toEqual([]);
  });
});

describe('walks through the unit', () => {
  function walk(start: ItemState, steps: readonly ItemAction[], wasReturned: boolean): ItemState | null {
    let s: ItemState | null = start;
    for (const a of steps) {
      if (s === null) return null;
      s = nextItemState(a, s, { wasReturned });
    }
    return s;
  }

  it.each([
    [
      'draft → review → sign-off → submitted',
      'draft',
      ['edit', 'submit_for_review', 'approve', 'sign'],
      false,
      'submitted',
    ],
    ['merged review and sign-off', 'draft', ['submit_for_review', 'approve_and_sign'], false, 'submitted'],
    [
      'returned twice, then through',
      'draft',
      [
        'submit_for_review',
        'return',
        'submit_for_review',
        'approve',
        'return',
        'submit_for_review',
        'approve',
        'sign',
      ],
      false,
      'submitted',
    ],
    [
      'revision after a hub return',
      'revising',
      ['edit', 'submit_for_review', 'return', 'edit', 'submit_for_review', 'approve', 'sign'],
      true,
      'submitted',
    ],
    ['skipping review is refused', 'draft', ['approve'], false, null],
    ['no edit after submission', 'draft', ['submit_for_review', 'approve', 'sign', 'edit'], false, null],
  ] as const)('%s', (_label, start, steps, wasReturned, end) => {
    expect(walk(start, steps, wasReturned)).toBe(end);
  });
});
