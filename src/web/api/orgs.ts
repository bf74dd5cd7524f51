import { api, ApiError } from './client';
import type { Wire } from './types';
import type { listOrgs } from '../../server/modules/orgs/use-cases/list-orgs.js';

export type OrgNode = Wire<Awaited<ReturnType<typeof listOrgs>>>[number];

let cache: Promise<OrgNode[] | null> | null = null;

/** The whole tree (flat). Null when the server does not expose it (older server). Cached per page load. */
export function loadOrgs(force = false): Promise<OrgNode[] | null> {
  if (!cache || force) {
    cache = api.get<OrgNode[]>('/api/orgs').catch((e: unknown) => {
      cache = null;
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
  }
  return cache;
}

export interface TreeNode<T> {
  org: T;
  children: TreeNode<T>[];
}

/** Builds the tree from the flat list; orphans (parent not visible) become roots. */
export function buildTree<T extends { id: string; parentId: string | null }>(
  list: readonly T[],
): TreeNode<T>[] {
  const nodes = new Map(list.map((o) => [o.id, { org: o, children: [] as TreeNode<T>[] }]));
  const roots: TreeNode<T>[] = [];
  for (const n of nodes.values()) {
    const parent = n.org.parentId ? nodes.get(n.org.parentId) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  return roots;
}
