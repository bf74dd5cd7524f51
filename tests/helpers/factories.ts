import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../src/server/db/client.js';
import { hashPassword } from '../../src/server/modules/auth/passwords.js';
import type { OrgKind, OrgLevel, Role } from '../../src/server/modules/orgs/domain.js';
import { hubStages, memberships, orgs, users } from '../../src/server/modules/orgs/schema.js';
import { periodicals } from '../../src/server/modules/periodicals/schema.js';

export const PASSWORD = 'Test@Passw0rd!';
let hashed: Promise<string> | null = null;

export async function buildUser(
  db: Db,
  orgId: string,
  roles: Role[],
  name?: string,
): Promise<{ id: string; username: string }> {
  hashed ??= hashPassword(PASSWORD);
  const id = randomUUID();
  const username = `u_${randomBytes(5).toString('hex')}`;
  await db.insert(users).values({ id, username, displayName: name ?? username, passwordHash: await hashed });
  await db
    .insert(memberships)
    .values(roles.map((role) => ({ userId: id, orgId, role, confirmedAt: new Date() })));
  return { id, username };
}

export async function buildOrg(
  db: Db,
  o: {
    name: string;
    parentId: string | null;
    level: OrgLevel;
    kind?: OrgKind;
    isHub?: boolean;
    merged?: boolean;
  },
): Promise<string> {
  const id = randomUUID();
  await db.insert(orgs).values({
    id,
    name: `${o.name}-${randomBytes(3).toString('hex')}`,
    shortName: o.name,
    kind: o.kind ?? (o.isHub ? 'general_office' : 'township'),
    level: o.level,
    parentId: o.parentId,
    isHub: o.isHub ?? false,
    reviewMode: o.merged ? 'merged' : 'review_and_signoff',
  });
  return id;
}

type Unit = { id: string; writer: string; reviewer: string; signer: string };
type Hub = { id: string; editor: string; chief: string; leader: string; periodicalId: string };

/**
 * Each test's own tree: province P → city C → county hubs K and K2; K has townships T and its sibling S
 * and a department D that merged review and sign-off; K2 has township U (unrelated to T's chain).
 */
export interface OrgTree {
  P: Hub;
  C: Hub;
  K: Hub;
  K2: Hub;
  T: Unit;
  S: Unit;
  U: Unit;
  D: { id: string; writer: string; reviewerSigner: string };
}

export async function buildOrgTree(db: Db, opts: { stagesAtC?: boolean } = {}): Promise<OrgTree> {
  const hub = async (name: string, parentId: string | null, level: OrgLevel): Promise<Hub> => {
    const id = await buildOrg(db, { name, parentId, level, isHub: true });
    const periodicalId = randomUUID();
    await db
      .insert(periodicals)
      .values({ id: periodicalId, hubId: id, name: `${name}政务信息`, kind: 'regular' });
    return {
      id,
      periodicalId,
      editor: (await buildUser(db, id, ['editor'], `${name}编辑`)).username,
      chief: (await buildUser(db, id, ['chief_editor'], `${name}主编`)).username,
      leader: (await buildUser(db, id, ['leader'], `${name}领导`)).username,
    };
  };
  const unit = async (name: string, parentId: string): Promise<Unit> => {
    const id = await buildOrg(db, { name, parentId, level: 'township' });
    return {
      id,
      writer: (await buildUser(db, id, ['writer'], `${name}信息员`)).username,
      reviewer: (await buildUser(db, id, ['reviewer'], `${name}审核人`)).username,
      signer: (await buildUser(db, id, ['signer'], `${name}签发人`)).username,
    };
  };
  const P = await hub('省政府办公厅', null, 'province');
  const C = await hub('市政府办', P.id, 'city');
  const K = await hub('县政府办', C.id, 'county');
  const K2 = await hub('邻县政府办', C.id, 'county');
  const T = await unit('某街道', K.id);
  const S = await unit('邻街道', K.id);
  const U = await unit('外县镇', K2.id);
  const dId = await buildOrg(db, {
    name: '县财政局',
    parentId: K.id,
    level: 'county',
    kind: 'department',
    merged: true,
  });
  const D = {
    id: dId,
    writer: (await buildUser(db, dId, ['writer'])).username,
    reviewerSigner: (await buildUser(db, dId, ['reviewer', 'signer'])).username,
  };
  if (opts.stagesAtC)
    await db.insert(hubStages).values([
      { hubId: C.id, position: 1, name: '初审', role: 'editor' },
      { hubId: C.id, position: 2, name: '复审', role: 'chief_editor' },
      { hubId: C.id, position: 3, name: '领导审核', role: 'leader' },
    ]);
  return { P, C, K, K2, T, S, U, D };
}
