/** Organisation tree and roles: pure definitions and rules, no I/O. */

export const ORG_KINDS = ['general_office', 'department', 'township', 'affiliated', 'other'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const ORG_KIND_LABELS = {
  general_office: '政府办公厅/办公室',
  department: '部门',
  township: '乡镇/街道',
  affiliated: '直属单位',
  other: '其他',
} as const satisfies Record<OrgKind, string>;

export const ORG_LEVELS = ['national', 'province', 'city', 'county', 'township'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];
export const ORG_LEVEL_LABELS = {
  national: '国家级',
  province: '省级',
  city: '市级',
  county: '县级',
  township: '乡级',
} as const satisfies Record<OrgLevel, string>;

export const REVIEW_MODES = ['review_and_signoff', 'merged'] as const;
export type ReviewMode = (typeof REVIEW_MODES)[number];

export const BUSINESS_ROLES = [
  'writer',
  'reviewer',
  'signer',
  'editor',
  'chief_editor',
  'leader',
  'org_admin',
] as const;
export const ADMIN_ROLES = ['sys_admin', 'sec_admin', 'audit_admin'] as const;
export const ROLES = [...BUSINESS_ROLES, ...ADMIN_ROLES] as const;
export type Role = (typeof ROLES)[number];
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const ROLE_LABELS = {
  writer: '信息员',
  reviewer: '审核人',
  signer: '签发人',
  editor: '编辑',
  chief_editor: '主编',
  leader: '领导',
  org_admin: '单位管理员',
  sys_admin: '系统管理员',
  sec_admin: '安全管理员',
  audit_admin: '审计管理员',
} as const satisfies Record<Role, string>;

/** Roles that act for a hub on what it receives. */
export const HUB_ROLES = ['editor', 'chief_editor', 'leader'] as const satisfies readonly Role[];
/** Roles that act inside a unit on its own items. */
export const UNIT_ROLES = ['writer', 'reviewer', 'signer', 'org_admin'] as const satisfies readonly Role[];
export const STAGE_ROLES = ['editor', 'chief_editor', 'leader'] as const satisfies readonly Role[];
export type StageRole = (typeof STAGE_ROLES)[number];

export function isAdminRole(role: Role): role is AdminRole {
  return (ADMIN_ROLES as readonly Role[]).includes(role);
}

/**
 * 三员分立: the three administrator roles exclude each other and every business role.
 * Returns the reason a role set is refused, or null when it is acceptable.
 */
export function separationOfDutiesViolation(roles: readonly Role[]): string | null {
  const admin = roles.filter(isAdminRole);
  if (admin.length > 1) return '系统管理员、安全管理员、审计管理员三员分立，同一账号只能担任其中一种';
  if (admin.length === 1 && roles.some((r) => !isAdminRole(r)))
    return '三员分立：管理员账号不得同时担任业务角色';
  return null;
}

export interface TreeOrg {
  id: string;
  parentId: string | null;
  isHub: boolean;
}

/** The nearest hub strictly above `orgId` (its 上级信息汇总单位), or null at the top. */
export function nearestHubAbove(orgId: string, byId: ReadonlyMap<string, TreeOrg>): TreeOrg | null {
  let cursor = byId.get(orgId)?.parentId ?? null;
  const seen = new Set<string>();
  while (cursor && !seen.has(cursor)) {
    seen.add(cursor);
    const org = byId.get(cursor);
    if (!org) return null;
    if (org.isHub) return org;
    cursor = org.parentId;
  }
  return null;
}

/**
 * Where a unit may submit: its nearest hub above, plus every hub that designated it a 直报点.
 * Everything else is 越级投报 and refused.
 */
export function allowedTargets(
  orgId: string,
  byId: ReadonlyMap<string, TreeOrg>,
  directReportHubIds: readonly string[],
): string[] {
  const targets: string[] = [];
  const parentHub = nearestHubAbove(orgId, byId);
  if (parentHub) targets.push(parentHub.id);
  for (const hubId of directReportHubIds) {
    if (!targets.includes(hubId) && byId.get(hubId)?.isHub) targets.push(hubId);
  }
  return targets;
}

/** Ancestors from the parent up to the root. Guards against cycles in bad data. */
export function ancestorsOf(orgId: string, byId: ReadonlyMap<string, TreeOrg>): string[] {
  const out: string[] = [];
  let cursor = byId.get(orgId)?.parentId ?? null;
  while (cursor && !out.includes(cursor)) {
    out.push(cursor);
    cursor = byId.get(cursor)?.parentId ?? null;
  }
  return out;
}

/** True when making `newParentId` the parent of `orgId` would close a cycle. */
export function wouldCycle(orgId: string, newParentId: string, byId: ReadonlyMap<string, TreeOrg>): boolean {
  return newParentId === orgId || ancestorsOf(newParentId, byId).includes(orgId);
}
