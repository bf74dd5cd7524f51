import { HUB_ROLES, UNIT_ROLES, type Role } from '../modules/orgs/domain.js';
import type { Actor } from '../http/context.js';

/** Small named predicates every policy is built from. */
export const hasRole = (actor: Actor, orgId: string, ...roles: Role[]): boolean =>
  actor.memberships.some((m) => m.orgId === orgId && roles.includes(m.role));

export const isInUnit = (actor: Actor, orgId: string): boolean => hasRole(actor, orgId, ...UNIT_ROLES);

export const isHubMember = (actor: Actor, hubId: string): boolean => hasRole(actor, hubId, ...HUB_ROLES);

export const isAnyHubMember = (actor: Actor, hubIds: readonly string[]): boolean =>
  hubIds.some((h) => isHubMember(actor, h));

export const isSystemAdmin = (actor: Actor): boolean => actor.memberships.some((m) => m.role === 'sys_admin');

export const isSecurityAdmin = (actor: Actor): boolean =>
  actor.memberships.some((m) => m.role === 'sec_admin');

export const isAuditAdmin = (actor: Actor): boolean =>
  actor.memberships.some((m) => m.role === 'audit_admin');
