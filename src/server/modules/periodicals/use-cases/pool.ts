import { and, desc, eq, isNull, notExists, sql } from 'drizzle-orm';
import { keysetBefore } from '../../items/queries.js';
import type { UseCaseContext } from '../../../http/context.js';
import { decodeCursor, encodeCursor } from '../../../http/cursor.js';
import { ADOPTION_TYPE_LABELS } from '../../items/domain/catalog.js';
import { adoptions, hops, items, itemVersions } from '../../items/schema.js';
import { orgs } from '../../orgs/schema.js';
import { loadPeriodicalFor } from '../repo.js';
import { issueEntrySources } from '../schema.js';

export interface Page<T> {
  rows: T[];
  nextCursor: string | null;
}

/**
 * 采用稿件库: the adoptions into this periodical that are not revoked and not yet in an entry of any issue,
 * newest first, with the adopted version's title and the 报送单位.
 */
export async function listPool(
  ctx: UseCaseContext,
  periodicalId: string,
  q: { cursor?: string | undefined; limit: number },
) {
  await loadPeriodicalFor(ctx, periodicalId, 'compile');
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await ctx.tx
    .select({
      id: adoptions.id,
      itemId: adoptions.itemId,
      hopId: adoptions.hopId,
      type: adoptions.type,
      adoptedAt: adoptions.adoptedAt,
      title: itemVersions.title,
      versionNo: itemVersions.no,
      category: items.category,
      urgency: items.urgency,
      fromOrgId: hops.fromOrgId,
      fromOrgName: orgs.name,
      forwarded: sql<boolean>`${hops.parentHopId} is not null`,
    })
    .from(adoptions)
    .innerJoin(itemVersions, eq(itemVersions.id, adoptions.versionId))
    .innerJoin(items, eq(items.id, adoptions.itemId))
    .innerJoin(hops, eq(hops.id, adoptions.hopId))
    .innerJoin(orgs, eq(orgs.id, hops.fromOrgId))
    .where(
      and(
        eq(adoptions.periodicalId, periodicalId),
        isNull(adoptions.revokedAt),
        notExists(
          ctx.tx
            .select({ one: sql`1` })
            .from(issueEntrySources)
            .where(eq(issueEntrySources.adoptionId, adoptions.id)),
        ),
        c ? keysetBefore(adoptions.adoptedAt, adoptions.id, c) : undefined,
      ),
    )
    .orderBy(desc(adoptions.adoptedAt), desc(adoptions.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({ ...r, typeLabel: ADOPTION_TYPE_LABELS[r.type] })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.adoptedAt, last.id) : null,
  };
}
