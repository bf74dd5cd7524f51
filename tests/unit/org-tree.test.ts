import { describe, expect, it } from 'vitest';
import {
  allowedTargets,
  ancestorsOf,
  nearestHubAbove,
  separationOfDutiesViolation,
  wouldCycle,
  type Role,
  type TreeOrg,
} from '../../src/server/modules/orgs/domain.js';

/*
 * The tree used throughout:
 *
 *   P 省政府办公厅 (hub)
 *   └─ C 市政府办公室 (hub)
 *      ├─ K 县政府办公室 (hub)
 *      │  ├─ T 某镇 (unit)
 *      │  ├─ S 另一镇 (unit)
 *      │  └─ D 县某局 (unit, not a hub)
 *      │     └─ D1 局属单位 (unit under a non-hub unit)
 *      ├─ U 另一县政府办 (hub)
 *      │  └─ V 该县某镇 (unit)
 *      └─ M 市某局 (unit)
 *   X 孤立单位 whose parent is missing from the map (bad data)
 */
function tree(rows: readonly (readonly [id: string, parentId: string | null, isHub: boolean])[]) {
  return new Map<string, TreeOrg>(rows.map(([id, parentId, isHub]) => [id, { id, parentId, isHub }]));
}

const ORGS = tree([
  ['P', null, true],
  ['C', 'P', true],
  ['K', 'C', true],
  ['T', 'K', false],
  ['S', 'K', false],
  ['D', 'K', false],
  ['D1', 'D', false],
  ['U', 'C', true],
  ['V', 'U', false],
  ['M', 'C', false],
  ['X', 'GONE', false],
]);

describe('nearestHubAbove (每个单位报送到最近的上级信息汇总单位)', () => {
  it.each([
    ['township reports to its county', 'T', 'K'],
    ['sibling township reports to the same county', 'S', 'K'],
    ['county department reports to the county', 'D', 'K'],
    ['unit under a non-hub department skips the department', 'D1', 'K'],
    ['county hub reports to the city hub', 'K', 'C'],
    ['another county hub reports to the city hub', 'U', 'C'],
    ['township of the other county', 'V', 'U'],
    ['city department reports to the city hub', 'M', 'C'],
    ['city hub reports to the province', 'C', 'P'],
    ['the top has none', 'P', null],
    ['an unknown org has none', 'NOPE', null],
    ['a missing parent ends the search', 'X', null],
  ] as const)('%s: %s → %s', (_label, org, hub) => {
    expect(nearestHubAbove(org, ORGS)?.id ?? null).toBe(hub);
  });

  it('never returns the org itself, even when it is a hub', () => {
    expect(nearestHubAbove('K', ORGS)?.id).not.toBe('K');
  });

  it('terminates on a cycle in bad data', () => {
    const cyclic = tree([
      ['A', 'B', false],
      ['B', 'A', false],
    ]);
    expect(nearestHubAbove('A', cyclic)).toBeNull();
  });

  it('still finds a hub that sits on a cycle in bad data', () => {
    const bad = tree([
      ['A', 'B', false],
      ['B', 'H', false],
      ['H', 'A', true],
    ]);
    expect(nearestHubAbove('A', bad)?.id).toBe('H');
  });
});

describe('allowedTargets (不得越级投报 unless a 直报点)', () => {
  it.each<[string, string, readonly string[], readonly string[]]>([
    ['a township may submit only to its county', 'T', [], ['K']],
    ['skip-level: the city is not a target without designation', 'S', [], ['K']],
    ['a direct-report point of the city also reaches the city', 'T', ['C'], ['K', 'C']],
    ['a direct-report point of the province and the city', 'T', ['P', 'C'], ['K', 'P', 'C']],
    ['the nearest hub is not listed twice', 'T', ['K'], ['K']],
    ['duplicates in the designation list are ignored', 'T', ['C', 'C'], ['K', 'C']],
    ['a designation by a non-hub is ignored', 'T', ['D'], ['K']],
    ['a designation by an unknown org is ignored', 'T', ['NOPE'], ['K']],
    ['a county hub submits to the city', 'K', [], ['C']],
    ['the top has nowhere to submit', 'P', [], []],
    ['the top may still be a direct-report point of something (data permitting)', 'P', ['U'], ['U']],
    ['an orphan only reaches hubs that designated it', 'X', ['C'], ['C']],
  ])('%s', (_label, org, direct, expected) => {
    expect(allowedTargets(org, ORGS, direct)).toEqual(expected);
  });

  it.each(['S', 'D', 'D1', 'V', 'M', 'U'])('never offers %s (not a hub above T) as a target', (other) => {
    expect(allowedTargets('T', ORGS, [])).not.toContain(other);
  });
});

describe('ancestorsOf', () => {
  it.each<[string, readonly string[]]>([
    ['T', ['K', 'C', 'P']],
    ['D1', ['D', 'K', 'C', 'P']],
    ['K', ['C', 'P']],
    ['V', ['U', 'C', 'P']],
    ['P', []],
    ['NOPE', []],
    ['X', ['GONE']],
  ])('%s → %j', (org, expected) => {
    expect(ancestorsOf(org, ORGS)).toEqual(expected);
  });

  it('terminates on a cycle in bad data', () => {
    const cyclic = tree([
      ['A', 'B', false],
      ['B', 'C', false],
      ['C', 'A', false],
    ]);
    expect(ancestorsOf('A', cyclic)).toEqual(['B', 'C', 'A']);
  });

  it('the unrelated county hub is not an ancestor of T', () => {
    expect(ancestorsOf('T', ORGS)).not.toContain('U');
  });
});

describe('wouldCycle', () => {
  it.each([
    ['an org under itself', 'T', 'T', true],
    ['a hub under its own child', 'K', 'T', true],
    ['a hub under its grandchild', 'K', 'D1', true],
    ['the top under a leaf', 'P', 'V', true],
    ['the city under the county', 'C', 'K', true],
    ['a township moved to the other county', 'T', 'U', false],
    ['a township moved under a sibling', 'T', 'S', false],
    ['a department moved to the city', 'D', 'C', false],
    ['a county moved to the province directly', 'K', 'P', false],
    ['a hub moved under an unrelated subtree', 'U', 'D', false],
    ['under an unknown org', 'T', 'NOPE', false],
  ] as const)('%s: %s under %s → %s', (_label, org, newParent, cycle) => {
    expect(wouldCycle(org, newParent, ORGS)).toBe(cycle);
  });
});

describe('separationOfDutiesViolation (三员分立)', () => {
  it.each<[string, readonly Role[], boolean]>([
    ['no roles', [], false],
    ['one business role', ['writer'], false],
    ['several business roles (small units merge steps)', ['writer', 'reviewer', 'signer'], false],
    ['reviewer who also signs', ['reviewer', 'signer'], false],
    ['hub roles together', ['editor', 'chief_editor', 'leader'], false],
    ['org admin with business roles', ['org_admin', 'writer'], false],
    ['system administrator alone', ['sys_admin'], false],
    ['security administrator alone', ['sec_admin'], false],
    ['audit administrator alone', ['audit_admin'], false],
    ['system + security administrator', ['sys_admin', 'sec_admin'], true],
    ['system + audit administrator', ['sys_admin', 'audit_admin'], true],
    ['security + audit administrator', ['sec_admin', 'audit_admin'], true],
    ['all three administrators', ['sys_admin', 'sec_admin', 'audit_admin'], true],
    ['system administrator + writer', ['sys_admin', 'writer'], true],
    ['security administrator + org admin', ['sec_admin', 'org_admin'], true],
    ['audit administrator + leader', ['leader', 'audit_admin'], true],
    ['system administrator + editor', ['editor', 'sys_admin'], true],
  ])('%s → %s', (_label, roles, refused) => {
    const reason = separationOfDutiesViolation(roles);
    if (refused) expect(reason).toMatch(/三员分立/);
    else expect(reason).toBeNull();
  });
});
