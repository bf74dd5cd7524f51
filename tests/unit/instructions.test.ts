import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/server/http/context.js';
import type { Role } from '../../src/server/modules/orgs/domain.js';
import { followUpDue, followUpStatus } from '../../src/server/modules/instructions/domain.js';
import {
  flagPolicy,
  followUpPolicy,
  instructionPolicy,
} from '../../src/server/modules/instructions/policy.js';
import { overallStatus } from '../../src/server/modules/items/domain/states.js';
import { issuePolicy } from '../../src/server/modules/periodicals/policy.js';
import { scoringPolicy } from '../../src/server/modules/scoring/policy.js';

const actor = (userId: string, ...ms: [string, Role][]): Actor => ({
  userId,
  username: userId,
  displayName: userId,
  memberships: ms.map(([orgId, role]) => ({ orgId, role })),
});

const HUB = 'hub';
const UNIT = 'unit';
const OTHER = 'other';

describe('instruction policies (role × relation × action)', () => {
  const cases: [string, boolean, boolean][] = [
    // [who, may flag at HUB, may instruct on something that reached HUB]
    ['editor', true, false],
    ['chief_editor', true, false],
    ['leader', false, true],
    ['writer', false, false],
    ['org_admin', false, false],
  ];
  it.each(cases)('%s at the hub: flag %s, instruct %s', (role, flag, instruct) => {
    const a = actor('u1', [HUB, role as Role]);
    expect(flagPolicy(a, 'flag', { hubId: HUB, leaderId: null }).ok).toBe(flag);
    expect(instructionPolicy(a, 'create', { leaderOrgId: HUB, instructableOrgIds: [HUB] }).ok).toBe(instruct);
  });

  it('a leader instructs only on what reached their own office', () => {
    const a = actor('u1', [OTHER, 'leader']);
    expect(instructionPolicy(a, 'create', { leaderOrgId: OTHER, instructableOrgIds: [HUB] }).ok).toBe(false);
  });

  it('only the leader a flag was put before closes it', () => {
    expect(flagPolicy(actor('l1', [HUB, 'leader']), 'close', { hubId: HUB, leaderId: 'l1' }).ok).toBe(true);
    expect(flagPolicy(actor('l2', [HUB, 'leader']), 'close', { hubId: HUB, leaderId: 'l1' }).ok).toBe(false);
  });

  const task = { orgId: UNIT, leaderId: 'l1', leaderOrgId: HUB };
  it.each([
    ['writer of the unit', actor('u', [UNIT, 'writer']), true, true],
    ['signer of the unit', actor('u', [UNIT, 'signer']), true, true],
    ['the leader', actor('l1', [HUB, 'leader']), true, false],
    ['an editor of the leader’s office', actor('e', [HUB, 'editor']), true, false],
    ['a sibling unit', actor('s', [OTHER, 'writer']), false, false],
    ['the system administrator', actor('a', [HUB, 'sys_admin']), false, false],
  ])('follow-up task: %s may view %s, answer %s', (_, a, view, answer) => {
    expect(followUpPolicy(a, 'view', task).ok).toBe(view);
    expect(followUpPolicy(a, 'answer', task).ok).toBe(answer);
  });
});

describe('chain units read an issue; a unit reads only its own standing', () => {
  const facts = { hubId: HUB, createdBy: 'e', recipientOrgIds: [], chainOrgIds: [UNIT] };
  it('a unit on an item’s chain may view the issue; others may not', () => {
    expect(issuePolicy(actor('w', [UNIT, 'writer']), 'view', facts).ok).toBe(true);
    expect(issuePolicy(actor('w', [OTHER, 'writer']), 'view', facts).ok).toBe(false);
    expect(issuePolicy(actor('w', [UNIT, 'writer']), 'edit', facts).ok).toBe(false);
  });
  it.each([
    ['writer', true],
    ['reviewer', true],
    ['signer', true],
    ['org_admin', true],
    ['editor', false],
    ['leader', false],
  ] as [Role, boolean][])('%s of the unit: view_standing %s', (role, ok) => {
    expect(scoringPolicy(actor('u', [UNIT, role]), 'view_standing', { hubId: HUB, orgId: UNIT }).ok).toBe(ok);
    expect(scoringPolicy(actor('u', [OTHER, role]), 'view_standing', { hubId: HUB, orgId: UNIT }).ok).toBe(
      false,
    );
  });
});

describe('follow-up status and the 已采用 label', () => {
  const now = new Date('2026-11-25T08:00:00Z');
  const due = followUpDue(now, 5);
  it('the deadline is calendar days after the instruction', () => {
    expect(due.toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });
  it.each([
    ['open before the deadline', { state: 'open', answeredAt: null }, now, '待反馈'],
    [
      'open after the deadline',
      { state: 'open', answeredAt: null },
      new Date('2026-12-01T00:00:00Z'),
      '已逾期',
    ],
    ['answered in time', { state: 'answered', answeredAt: now }, now, '已反馈'],
    ['answered late', { state: 'answered', answeredAt: new Date('2026-12-02T00:00:00Z') }, now, '逾期反馈'],
  ] as const)('%s → %s', (_, t, at, label) => {
    expect(followUpStatus({ ...t, dueAt: due }, at).label).toBe(label);
  });
  it('an adopted submitted item reads 已采用, a sent-back hop still wins', () => {
    expect(overallStatus('submitted', ['handled'], true)).toBe('已采用');
    expect(overallStatus('submitted', ['handled'], false)).toBe('已处理');
    expect(overallStatus('submitted', ['returned', 'handled'], true)).toBe('被退回');
    expect(overallStatus('draft', [], true)).toBe('草稿');
  });
});
