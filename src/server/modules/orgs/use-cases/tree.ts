import { and, eq, isNull, ne, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { conflict, notFound } from '../../../http/errors.js';
import type { TreeOrg } from '../domain.js';
import { orgs, type OrgRow } from '../schema.js';

export interface NamedTreeOrg extends TreeOrg {
  name: string;
}

/** The whole tree as id → node: a few thousand rows at most (DESIGN.md §10), cheap to hold. */
export async function loadTree(tx: Db): Promise<Map<string, NamedTreeOrg>> {
  const rows = await tx
    .select({ id: orgs.id, name: orgs.name, parentId: orgs.parentId, isHub: orgs.isHub })
    .from(orgs);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findOrg(tx: Db, id: string): Promise<OrgRow | undefined> {
  const [row] = await tx.select().from(orgs).where(eq(orgs.id, id));
  return row;
}

export async function getOrgOr404(tx: Db, id: string, lock = false): Promise<OrgRow> {
  const query = tx.select().from(orgs).where(eq(orgs.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('单位');
  return row;
}

/** 同一上级下单位名称不得重复; checked first for a clear message, the unique index catches races. */
export async function assertNameFree(
  tx: Db,
  parentId: string | null,
  name: string,
  exceptId?: string,
): Promise<void> {
  const conditions: SQL[] = [
    eq(orgs.name, name),
    parentId ? eq(orgs.parentId, parentId) : isNull(orgs.parentId),
  ];
  if (exceptId) conditions.push(ne(orgs.id, exceptId));
  const [clash] = await tx
    .select({ id: orgs.id })
    .from(orgs)
    .where(and(...conditions));
  if (clash) throw conflict(`同一上级单位下已有名为「${name}」的单位，请更换名称`, { field: 'name' });
}
