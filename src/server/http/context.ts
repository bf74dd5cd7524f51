import type { Role } from '../modules/orgs/domain.js';
import type { Db } from '../db/client.js';

export interface Membership {
  orgId: string;
  role: Role;
}

/** The person acting, with every (unit, role) they hold. Built once per request from the session. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  memberships: readonly Membership[];
}

/** What every use case receives: who acts, in which transaction, at what time, from where. */
export interface UseCaseContext {
  actor: Actor;
  tx: Db;
  now: Date;
  ip: string | null;
  requestId: string | null;
}

export function orgsWithRole(actor: Actor, roles: readonly Role[]): string[] {
  return [...new Set(actor.memberships.filter((m) => roles.includes(m.role)).map((m) => m.orgId))];
}

export function hasRoleIn(actor: Actor, orgId: string, roles: readonly Role[]): boolean {
  return actor.memberships.some((m) => m.orgId === orgId && roles.includes(m.role));
}
