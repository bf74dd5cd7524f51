import { describe, expect, it } from 'vitest';
import type { Actor, Membership } from '../../src/server/http/context.js';
import type { HopFacts, HopPolicyAction } from '../../src/server/modules/items/hop-policy.js';
import type { ItemFacts, ItemPolicyAction } from '../../src/server/modules/items/policy.js';
import type { ItemState } from '../../src/server/modules/items/domain/states.js';
import {
  grantNeedsConfirmation,
  type OrgFacts,
  type OrgPolicyAction,
} from '../../src/server/modules/orgs/policy.js';
import {
  ROLES as DOMAIN_ROLES,
  ancestorsOf,
  nearestHubAbove,
  type Role,
  type StageRole,
  type TreeOrg,
} from '../../src/server/modules/orgs/domain.js';
import { can } from '../../src/server/policy/authorize.js';

/*
 * Authorization matrix: role × relation between orgs × action → allowed?
 *
 * The org tree (in memory):
 *
 *   P 省政府办公厅 (hub)
 *   └─ C 市政府办公室 (hub)                 ← grandparent hub of T
 *      ├─ K 县政府办公室 (hub)              ← parent hub of T (T's nearest hub)
 *      │  ├─ T 某镇 (unit)                  ← own unit: the item's author is here
 *      │  └─ S 另一镇 (unit)                ← sibling unit
 *      └─ U 另一县政府办 (hub)              ← unrelated hub
 *
 * Each actor holds exactly one role in exactly one org; the relation names where that org sits relative to T.
 * The expected rules are written by hand below from DESIGN.md §1–3, not taken from the policies.
 */

const ORGS = new Map<string, TreeOrg>(
  (
    [
      ['P', null, true],
      ['C', 'P', true],
      ['K', 'C', true],
      ['T', 'K', false],
      ['S', 'K', false],
      ['U', 'C', true],
    ] as const
  ).map(([id, parentId, isHub]) => [id, { id, parentId, isHub }]),
);

const RELATIONS = ['own', 'sibling', 'parentHub', 'grandparentHub', 'unrelatedHub'] as const;
type Relation = (typeof RELATIONS)[number];
const ORG_OF: Record<Relation, string> = {
  own: 'T',
  sibling: 'S',
  parentHub: 'K',
  grandparentHub: 'C',
  unrelatedHub: 'U',
};

const ROLES = [
  'writer',
  'reviewer',
  'signer',
  'editor',
  'chief_editor',
  'leader',
  'org_admin',
  'sys_admin',
  'sec_admin',
  'audit_admin',
] as const satisfies readonly Role[];

/** The author of the item under test; matrix actors are never the author (four eyes has its own cases). */
const AUTHOR = 'author-writer@T';

function actorWith(userId: string, memberships: readonly Membership[]): Actor {
  return { userId, username: userId, displayName: userId, memberships };
}
const actor = (role: Role, relation: Relation): Actor =>
  actorWith(`${role}@${ORG_OF[relation]}`, [{ orgId: ORG_OF[relation], role }]);

/** Which roles, held in an org of which relation, may act. Anyone not listed is refused. */
type Rule = Partial<Record<Relation, readonly Role[]>>;

function expectedBy(rule: Rule, role: Role, relation: Relation): boolean {
  return (rule[relation] ?? []).includes(role);
}

function grid(rule: Rule) {
  return ROLES.flatMap((role) =>
    RELATIONS.map((relation) => ({ role, relation, allowed: expectedBy(rule, role, relation) })),
  );
}

// ── Role groups, as the design describes the people ──────────────────────────────────────────────
/** People of a unit (信息员, 审核人, 签发人, 单位管理员): they see their own unit's items. */
const UNIT_PEOPLE: readonly Role[] = ['writer', 'reviewer', 'signer', 'org_admin'];
/** People of a hub who read what was submitted to it (编辑, 主编, 领导). */
const HUB_READERS: readonly Role[] = ['editor', 'chief_editor', 'leader'];
/** People of a hub who handle submissions (签收, 编辑, 采用, 转报, 存档). */
const HUB_EDITORS: readonly Role[] = ['editor', 'chief_editor'];
/** Who sends a unit's submission back up or withdraws it (信息员 / 签发人). */
const UNIT_SENDERS: readonly Role[] = ['writer', 'signer'];

describe('the in-memory tree has every relation the matrix needs', () => {
  it('K is T’s nearest hub and C the next hub above it', () => {
    expect(nearestHubAbove(ORG_OF.own, ORGS)?.id).toBe(ORG_OF.parentHub);
    expect(nearestHubAbove(ORG_OF.parentHub, ORGS)?.id).toBe(ORG_OF.grandparentHub);
  });
  it('S is a sibling unit of T', () => {
    expect(ORGS.get(ORG_OF.sibling)?.parentId).toBe(ORGS.get(ORG_OF.own)?.parentId);
    expect(ORGS.get(ORG_OF.sibling)?.isHub).toBe(false);
  });
  it('U is a hub unrelated to T (neither above nor below it)', () => {
    expect(ORGS.get(ORG_OF.unrelatedHub)?.isHub).toBe(true);
    expect(ancestorsOf(ORG_OF.own, ORGS)).not.toContain(ORG_OF.unrelatedHub);
    expect(ancestorsOf(ORG_OF.unrelatedHub, ORGS)).not.toContain(ORG_OF.own);
  });
  it('the matrix covers every role of the domain', () => {
    expect([...DOMAIN_ROLES].sort()).toEqual([...ROLES].sort());
  });
});

// ── Items ────────────────────────────────────────────────────────────────────────────────────────

function itemFacts(state: ItemState, over: Partial<ItemFacts> = {}): ItemFacts {
  const everSubmitted = state === 'submitted' || state === 'revising';
  return {
    orgId: ORG_OF.own,
    state,
    writerIds: [AUTHOR],
    coReporterOrgIds: [],
    receivingHubIds: everSubmitted ? [ORG_OF.parentHub] : [],
    ...over,
  };
}

/** Every item action, in the state where it is used. Admin roles never appear: 三员 read no business content. */
const ITEM_MATRIX: readonly { action: ItemPolicyAction; state: ItemState; rule: Rule }[] = [
  { action: 'view', state: 'submitted', rule: { own: UNIT_PEOPLE, parentHub: HUB_READERS } },
  { action: 'edit', state: 'draft', rule: { own: ['writer'] } },
  { action: 'edit', state: 'revising', rule: { own: ['writer'] } },
  { action: 'submit_for_review', state: 'draft', rule: { own: ['writer'] } },
  { action: 'submit_for_review', state: 'revising', rule: { own: ['writer'] } },
  { action: 'approve', state: 'in_review', rule: { own: ['reviewer'] } },
  { action: 'approve_and_sign', state: 'in_review', rule: { own: ['reviewer', 'signer'] } },
  { action: 'return', state: 'in_review', rule: { own: ['reviewer', 'signer'] } },
  { action: 'return', state: 'awaiting_signoff', rule: { own: ['signer'] } },
  { action: 'sign', state: 'awaiting_signoff', rule: { own: ['signer'] } },
  { action: 'withdraw', state: 'draft', rule: { own: UNIT_SENDERS } },
  { action: 'withdraw', state: 'submitted', rule: { own: UNIT_SENDERS } },
];

describe.each(ITEM_MATRIX)('item: $action ($state)', ({ action, state, rule }) => {
  it.each(grid(rule))('$role at $relation → allowed: $allowed', ({ role, relation, allowed }) => {
    const d = can(actor(role, relation), 'item', action, itemFacts(state));
    expect(d.ok).toBe(allowed);
    if (!d.ok) expect(d.reason).toMatch(/[\u4e00-\u9fff]/);
  });
});

/** Visibility follows the tree: a hub sees what was submitted to it, not what its subordinates drafted. */
const VIEW_SCENARIOS: readonly { name: string; facts: ItemFacts; rule: Rule }[] = [
  {
    name: 'a draft never submitted',
    facts: itemFacts('draft'),
    rule: { own: UNIT_PEOPLE },
  },
  {
    name: 'in review inside the unit',
    facts: itemFacts('in_review'),
    rule: { own: UNIT_PEOPLE },
  },
  {
    name: 'submitted to the county',
    facts: itemFacts('submitted', { receivingHubIds: ['K'] }),
    rule: { own: UNIT_PEOPLE, parentHub: HUB_READERS },
  },
  {
    name: 'forwarded by the county to the city',
    facts: itemFacts('submitted', { receivingHubIds: ['K', 'C'] }),
    rule: { own: UNIT_PEOPLE, parentHub: HUB_READERS, grandparentHub: HUB_READERS },
  },
  {
    name: 'sent back by the county for revision',
    facts: itemFacts('revising', { receivingHubIds: ['K'] }),
    rule: { own: UNIT_PEOPLE, parentHub: HUB_READERS },
  },
  {
    name: 'co-reported (合报) with the sibling, submitted',
    facts: itemFacts('submitted', { coReporterOrgIds: ['S'], receivingHubIds: ['K'] }),
    rule: { own: UNIT_PEOPLE, sibling: UNIT_PEOPLE, parentHub: HUB_READERS },
  },
  {
    name: 'co-reported with the sibling, still a draft',
    facts: itemFacts('draft', { coReporterOrgIds: ['S'] }),
    rule: { own: UNIT_PEOPLE },
  },
];

describe.each(VIEW_SCENARIOS)('item: view, $name', ({ facts, rule }) => {
  it.each(grid(rule))('$role at $relation → allowed: $allowed', ({ role, relation, allowed }) => {
    expect(can(actor(role, relation), 'item', 'view', facts).ok).toBe(allowed);
  });
});

describe('item: four eyes (nobody approves or signs what they wrote)', () => {
  const m = (role: Role, orgId = 'T'): Membership => ({ orgId, role });
  it.each<[string, readonly Membership[], ItemPolicyAction, ItemState, readonly string[], boolean]>([
    [
      'author holding reviewer cannot approve',
      [m('writer'), m('reviewer')],
      'approve',
      'in_review',
      [AUTHOR],
      false,
    ],
    [
      'author holding signer cannot sign',
      [m('writer'), m('signer')],
      'sign',
      'awaiting_signoff',
      [AUTHOR],
      false,
    ],
    [
      'author holding reviewer cannot approve-and-sign',
      [m('writer'), m('reviewer')],
      'approve_and_sign',
      'in_review',
      [AUTHOR],
      false,
    ],
    [
      'author holding signer cannot approve-and-sign',
      [m('writer'), m('signer')],
      'approve_and_sign',
      'in_review',
      [AUTHOR],
      false,
    ],
    [
      'author holding every unit role cannot sign',
      [m('writer'), m('reviewer'), m('signer')],
      'sign',
      'awaiting_signoff',
      [AUTHOR],
      false,
    ],
    [
      'co-writer of a version cannot approve',
      [m('reviewer')],
      'approve',
      'in_review',
      ['someone-else', AUTHOR],
      false,
    ],
    [
      'co-writer of a version cannot sign',
      [m('signer')],
      'sign',
      'awaiting_signoff',
      ['someone-else', AUTHOR],
      false,
    ],
    ['another reviewer may approve', [m('reviewer')], 'approve', 'in_review', ['someone-else'], true],
    ['another signer may sign', [m('signer')], 'sign', 'awaiting_signoff', ['someone-else'], true],
    [
      'author may still submit own draft',
      [m('writer'), m('reviewer')],
      'submit_for_review',
      'draft',
      [AUTHOR],
      true,
    ],
    ['author may still edit own draft', [m('writer'), m('signer')], 'edit', 'draft', [AUTHOR], true],
    [
      'a reviewer of another unit who wrote nothing here is refused',
      [m('reviewer', 'S')],
      'approve',
      'in_review',
      ['someone-else'],
      false,
    ],
    [
      'a reviewer role elsewhere does not make a writer of T a reviewer of T',
      [m('writer'), m('reviewer', 'S')],
      'approve',
      'in_review',
      ['someone-else'],
      false,
    ],
  ])('%s', (_label, memberships, action, state, writerIds, allowed) => {
    const who = actorWith(AUTHOR, memberships);
    const d = can(who, 'item', action, itemFacts(state, { writerIds }));
    expect(d.ok).toBe(allowed);
  });

  it('the four-eyes refusal says why', () => {
    const who = actorWith(AUTHOR, [m('writer'), m('reviewer')]);
    const d = can(who, 'item', 'approve', itemFacts('in_review'));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(/本人|撰稿人/);
  });

  it('an actor with no memberships is refused everything', () => {
    const nobody = actorWith('nobody', []);
    for (const { action, state } of ITEM_MATRIX)
      expect(can(nobody, 'item', action, itemFacts(state)).ok).toBe(false);
  });
});

// ── Hops ─────────────────────────────────────────────────────────────────────────────────────────

const HOP_ACTIONS = [
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
] as const satisfies readonly HopPolicyAction[];

type HopRules = Record<HopPolicyAction, Rule>;

/** The receiving hub's editors handle everything; with stages, advance/return/reject belong to the stage. */
function hopRules(
  receiver: Relation,
  sender: Relation,
  senders: readonly Role[],
  stageDeciders: readonly Role[],
): HopRules {
  return {
    receive: { [receiver]: HUB_EDITORS },
    advance: { [receiver]: stageDeciders },
    edit: { [receiver]: HUB_EDITORS },
    return: { [receiver]: stageDeciders },
    reject: { [receiver]: stageDeciders },
    resubmit: { [sender]: senders },
    adopt: { [receiver]: HUB_EDITORS },
    revoke_adoption: { [receiver]: HUB_EDITORS },
    forward: { [receiver]: HUB_EDITORS },
    archive: { [receiver]: HUB_EDITORS },
    withdraw: { [sender]: senders },
  };
}

const hop = (over: Partial<HopFacts>): HopFacts => ({
  toOrgId: 'K',
  fromOrgId: 'T',
  originOrgId: 'T',
  forwarded: false,
  stageRole: null,
  ...over,
});

const HOP_SCENARIOS: readonly { name: string; facts: HopFacts; rules: HopRules }[] = [
  {
    name: 'T’s own submission to K, no stages',
    facts: hop({}),
    // receiver: K's editors; sender: T's writer or signer.
    rules: hopRules('parentHub', 'own', UNIT_SENDERS, HUB_EDITORS),
  },
  {
    name: 'forwarded (转报) by K to C',
    facts: hop({ toOrgId: 'C', fromOrgId: 'K', forwarded: true }),
    // receiver: C's editors; sender: K's editors. The origin unit T has no say on this hop.
    rules: hopRules('grandparentHub', 'parentHub', HUB_EDITORS, HUB_EDITORS),
  },
  {
    name: 'at K’s stage 初审 (stage role editor)',
    facts: hop({ stageRole: 'editor' }),
    rules: hopRules('parentHub', 'own', UNIT_SENDERS, ['editor', 'chief_editor']),
  },
  {
    name: 'at K’s stage 领导审核 (stage role leader; the chief editor may act at any stage)',
    facts: hop({ stageRole: 'leader' }),
    rules: hopRules('parentHub', 'own', UNIT_SENDERS, ['leader', 'chief_editor']),
  },
  {
    name: 'at K’s stage 复审 (stage role chief_editor)',
    facts: hop({ stageRole: 'chief_editor' }),
    rules: hopRules('parentHub', 'own', UNIT_SENDERS, ['chief_editor']),
  },
];

describe.each(HOP_SCENARIOS)('hop: $name', ({ facts, rules }) => {
  const rows = HOP_ACTIONS.flatMap((action) => grid(rules[action]).map((r) => ({ action, ...r })));
  it.each(rows)(
    '$action by $role at $relation → allowed: $allowed',
    ({ action, role, relation, allowed }) => {
      const d = can(actor(role, relation), 'hop', action, facts);
      expect(d.ok).toBe(allowed);
      if (!d.ok) expect(d.reason).toMatch(/[\u4e00-\u9fff]/);
    },
  );
});

describe('hop: named cases', () => {
  const m = (role: Role, orgId: string): Membership => ({ orgId, role });
  it.each<[string, readonly Membership[], HopPolicyAction, HopFacts, boolean]>([
    [
      'skip level: the city editor cannot sign for a hop to the county',
      [m('editor', 'C')],
      'receive',
      hop({}),
      false,
    ],
    [
      'the county editor cannot act on a hop it forwarded to the city',
      [m('editor', 'K')],
      'adopt',
      hop({ toOrgId: 'C', fromOrgId: 'K', forwarded: true }),
      false,
    ],
    [
      'the county editor withdraws a hop it forwarded',
      [m('editor', 'K')],
      'withdraw',
      hop({ toOrgId: 'C', fromOrgId: 'K', forwarded: true }),
      true,
    ],
    [
      'the origin writer cannot withdraw a forwarded hop',
      [m('writer', 'T')],
      'withdraw',
      hop({ toOrgId: 'C', fromOrgId: 'K', forwarded: true }),
      false,
    ],
    [
      'a leader at a leader stage may return',
      [m('leader', 'K')],
      'return',
      hop({ stageRole: 'leader' }),
      true,
    ],
    [
      'a leader at a leader stage still cannot adopt (editors compile issues)',
      [m('leader', 'K')],
      'adopt',
      hop({ stageRole: 'leader' }),
      false,
    ],
    [
      'an editor cannot return at a leader stage',
      [m('editor', 'K')],
      'return',
      hop({ stageRole: 'leader' }),
      false,
    ],
    ['an editor of the unrelated hub cannot receive', [m('editor', 'U')], 'receive', hop({}), false],
    [
      'writer at T who is also editor at K signs for as K',
      [m('writer', 'T'), m('editor', 'K')],
      'receive',
      hop({}),
      true,
    ],
    ['a sys_admin cannot sign for (三员 do no business)', [m('sys_admin', 'K')], 'receive', hop({}), false],
  ])('%s', (_label, memberships, action, facts, allowed) => {
    expect(can(actorWith('someone', memberships), 'hop', action, facts).ok).toBe(allowed);
  });

  it('stage roles of the domain are all covered by the scenarios', () => {
    const covered = HOP_SCENARIOS.map((s) => s.facts.stageRole).filter((r): r is StageRole => r !== null);
    expect([...new Set(covered)].sort()).toEqual(['chief_editor', 'editor', 'leader']);
  });
});

// ── Orgs ─────────────────────────────────────────────────────────────────────────────────────────

const ORG_ACTIONS = [
  'create_item',
  'manage_units',
  'manage_users',
  'configure_hub',
  'view_members',
  'reset_password',
  'grant_role',
  'unlock_account',
  'end_sessions',
  'reveal_personal_data',
  'confirm_grant',
] as const satisfies readonly OrgPolicyAction[];
const EVERYWHERE = (roles: readonly Role[]): Rule =>
  Object.fromEntries(RELATIONS.map((r) => [r, roles])) as Rule;
const plus = (a: Rule, b: Rule): Rule =>
  Object.fromEntries(RELATIONS.map((r) => [r, [...(a[r] ?? []), ...(b[r] ?? [])]])) as Rule;

/** Administration of org T. The system administrator manages the tree and accounts from wherever they sit. */
const ORG_RULES: Record<OrgPolicyAction, Rule> = {
  create_item: { own: ['writer'] },
  manage_units: EVERYWHERE(['sys_admin']),
  manage_users: plus(EVERYWHERE(['sys_admin']), { own: ['org_admin'] }),
  configure_hub: plus(EVERYWHERE(['sys_admin']), { own: ['org_admin', 'chief_editor'] }),
  view_members: plus(EVERYWHERE(['sys_admin', 'sec_admin']), { own: ['org_admin'] }),
  // A business account: only its unit's administrator (三员分立: no 三员 may take one over).
  reset_password: { own: ['org_admin'] },
  // A business role (no role named): only the unit's own administrator grants it.
  grant_role: { own: ['org_admin'] },
  unlock_account: EVERYWHERE(['sec_admin']),
  end_sessions: EVERYWHERE(['sec_admin']),
  // SEC-22: the unit's administrator (and the person themself, below); never a 三员.
  reveal_personal_data: { own: ['org_admin'] },
  // SEC-08 two-person rule: only the security administrator confirms a grant the system administrator made.
  confirm_grant: EVERYWHERE(['sec_admin']),
};

describe('granting roles (三员分立)', () => {
  it.each<[Role, Role, boolean]>([
    ['sys_admin', 'sec_admin', true],
    ['sys_admin', 'org_admin', true],
    ['sys_admin', 'editor', false],
    ['sys_admin', 'writer', false],
    ['org_admin', 'editor', true],
    ['org_admin', 'org_admin', true],
    ['org_admin', 'sys_admin', false],
    ['sec_admin', 'writer', false],
    ['sec_admin', 'sec_admin', false],
  ])('%s grants %s in the unit → %s', (actorRole, role, allowed) => {
    expect(can(actor(actorRole, 'own'), 'org', 'grant_role', { orgId: ORG_OF.own, role }).ok).toBe(allowed);
  });

  it('the system administrator resets an account that is only a unit administrator, no other business account', () => {
    const sys = actor('sys_admin', 'own');
    expect(can(sys, 'org', 'reset_password', { orgId: ORG_OF.own, targetOnlyOrgAdmin: true }).ok).toBe(true);
    expect(can(sys, 'org', 'reset_password', { orgId: ORG_OF.own }).ok).toBe(false);
    expect(can(actor('sec_admin', 'own'), 'org', 'reset_password', { orgId: ORG_OF.own }).ok).toBe(false);
  });
});

describe('SEC-22 revealing personal data', () => {
  it('the person themself, whatever their role; nobody else sees an administrator account’s data', () => {
    for (const role of ROLES) {
      const me = actor(role, 'sibling');
      const targetIsAdmin = role === 'sys_admin' || role === 'sec_admin' || role === 'audit_admin';
      const self: OrgFacts = { orgId: ORG_OF.sibling, targetUserId: me.userId, targetIsAdmin };
      expect(can(me, 'org', 'reveal_personal_data', self).ok, role).toBe(true);
    }
    const admin: OrgFacts = { orgId: ORG_OF.own, targetUserId: 'someone-else', targetIsAdmin: true };
    expect(can(actor('org_admin', 'own'), 'org', 'reveal_personal_data', admin).ok).toBe(false);
    expect(can(actor('sys_admin', 'own'), 'org', 'reveal_personal_data', admin).ok).toBe(false);
  });
});

describe('SEC-08 separation of duties: nobody grants a role to themselves', () => {
  it.each<[Role, Role]>([
    ['sys_admin', 'sys_admin'],
    ['sys_admin', 'org_admin'],
    ['org_admin', 'editor'],
    ['org_admin', 'org_admin'],
    ['chief_editor', 'editor'],
  ])('%s granting %s to their own account → refused', (actorRole, role) => {
    const a = actor(actorRole, 'own');
    const self = can(a, 'org', 'grant_role', { orgId: ORG_OF.own, role, targetUserId: a.userId });
    expect(self.ok).toBe(false);
    if (!self.ok) expect(self.reason).toContain('不能给自己授予或撤销角色');
  });
});

describe('SEC-08 two-person rule (系统管理员创建、安全管理员审核)', () => {
  it('a 单位管理员 role granted by the system administrator waits for confirmation; every other grant does not', () => {
    expect(grantNeedsConfirmation(actor('sys_admin', 'own'), 'org_admin')).toBe(true);
    expect(grantNeedsConfirmation(actor('sys_admin', 'own'), 'sec_admin')).toBe(false);
    expect(grantNeedsConfirmation(actor('org_admin', 'own'), 'org_admin')).toBe(false);
    expect(grantNeedsConfirmation(actor('org_admin', 'own'), 'writer')).toBe(false);
  });

  it.each<[Role, boolean]>([
    ['sec_admin', true],
    ['sys_admin', false],
    ['audit_admin', false],
    ['org_admin', false],
  ])('SEC-08 %s confirms or rejects a pending grant → %s', (role, allowed) => {
    const facts: OrgFacts = { orgId: ORG_OF.own, targetUserId: 'new-org-admin' };
    expect(can(actor(role, 'grandparentHub'), 'org', 'confirm_grant', facts).ok).toBe(allowed);
  });

  it('SEC-08 nobody confirms a grant to their own account', () => {
    const sec = actor('sec_admin', 'own');
    const self = can(sec, 'org', 'confirm_grant', { orgId: ORG_OF.own, targetUserId: sec.userId });
    expect(self.ok).toBe(false);
  });
});

describe('resetting an administrator account', () => {
  it.each(grid(EVERYWHERE(['sec_admin'])))(
    '$role at $relation → allowed: $allowed',
    ({ role, relation, allowed }) => {
      const facts: OrgFacts = { orgId: ORG_OF.own, targetIsAdmin: true };
      expect(can(actor(role, relation), 'org', 'reset_password', facts).ok).toBe(allowed);
    },
  );
});

describe.each(ORG_ACTIONS)('org T: %s', (action) => {
  const facts: OrgFacts = { orgId: ORG_OF.own };
  it.each(grid(ORG_RULES[action]))(
    '$role at $relation → allowed: $allowed',
    ({ role, relation, allowed }) => {
      expect(can(actor(role, relation), 'org', action, facts).ok).toBe(allowed);
    },
  );
});

describe('org: named cases', () => {
  it.each<[string, Role, string, OrgPolicyAction, string, boolean]>([
    [
      'the county chief editor configures the county hub (receiving stages)',
      'chief_editor',
      'K',
      'configure_hub',
      'K',
      true,
    ],
    ['the county org admin configures the county hub', 'org_admin', 'K', 'configure_hub', 'K', true],
    [
      'the city chief editor cannot configure the county hub',
      'chief_editor',
      'C',
      'configure_hub',
      'K',
      false,
    ],
    ['the county editor cannot configure the county hub', 'editor', 'K', 'configure_hub', 'K', false],
    ['the county org admin cannot manage the township’s users', 'org_admin', 'K', 'manage_users', 'T', false],
    ['the security administrator does not manage units', 'sec_admin', 'P', 'manage_units', 'T', false],
    ['the audit administrator does not manage users', 'audit_admin', 'P', 'manage_users', 'T', false],
  ])('%s', (_label, role, at, action, orgId, allowed) => {
    const who = actorWith(`${role}@${at}`, [{ orgId: at, role }]);
    expect(can(who, 'org', action, { orgId }).ok).toBe(allowed);
  });
});
