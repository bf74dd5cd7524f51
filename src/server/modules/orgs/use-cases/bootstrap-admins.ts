import { randomUUID } from 'node:crypto';
import { asc, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { AppError } from '../../../http/errors.js';
import { hashPassword } from '../../auth/passwords.js';
import { writeAudit } from '../../audit/audit.js';
import { ADMIN_ROLES, ROLE_LABELS, type AdminRole } from '../domain.js';
import { memberships, orgs, users } from '../schema.js';
import { assertUsernameFree } from './create-user.js';
import { randomPassword } from './user-access.js';

const BOOTSTRAP_LOCK = 762833;
const SUFFIX = { sys_admin: 'sys', sec_admin: 'sec', audit_admin: 'audit' } as const satisfies Record<
  AdminRole,
  string
>;

export interface BootstrapAccount {
  role: AdminRole;
  username: string;
  password: string;
}

/**
 * A production start has no account (SECURITY.md §1). This one-time step creates the three administrators
 * (三员: `<prefix>-sys`, `<prefix>-sec`, `<prefix>-audit`) with random one-time passwords they must change at
 * first login, attached to the top-level unit (or a new root unit 系统管理 when the tree is empty). Refused
 * once any administrator exists.
 */
export async function bootstrapAdmins(
  tx: Db,
  opts: { prefix: string; now: Date },
): Promise<{ orgId: string; accounts: BootstrapAccount[] }> {
  await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
  const [admin] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(inArray(memberships.role, [...ADMIN_ROLES]))
    .limit(1);
  if (admin)
    throw new AppError('conflict', '系统中已有管理员账号，初始化只能执行一次；如需重置请联系安全管理员');

  let [root] = await tx
    .select({ id: orgs.id })
    .from(orgs)
    .where(isNull(orgs.parentId))
    .orderBy(asc(orgs.sortOrder), asc(orgs.createdAt))
    .limit(1);
  if (!root) {
    root = { id: randomUUID() };
    // The level is required by the schema; a root created here is only a home for the administrators.
    await tx.insert(orgs).values({
      id: root.id,
      name: '系统管理',
      shortName: '系统管理',
      kind: 'other',
      level: 'county',
      createdAt: opts.now,
    });
  }
  const accounts: BootstrapAccount[] = [];
  for (const role of ADMIN_ROLES) {
    const username = `${opts.prefix}-${SUFFIX[role]}`;
    await assertUsernameFree(tx, username);
    const password = randomPassword(username);
    const id = randomUUID();
    await tx.insert(users).values({
      id,
      username,
      displayName: ROLE_LABELS[role],
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
      passwordChangedAt: opts.now,
      createdAt: opts.now,
    });
    // Installation itself grants the three administrators: in force at once.
    await tx
      .insert(memberships)
      .values({ userId: id, orgId: root.id, role, createdAt: opts.now, confirmedAt: opts.now });
    accounts.push({ role, username, password });
  }
  await writeAudit(tx, {
    at: opts.now,
    userId: null,
    ip: null,
    requestId: null,
    event: 'admin.bootstrap',
    objectType: 'org',
    objectId: root.id,
    result: 'success',
    detail: { source: 'cli', usernames: accounts.map((a) => a.username) },
  });
  return { orgId: root.id, accounts };
}
