import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { loadVisibleItem } from '../../items/repo.js';
import { adoptions, itemCoReporters, items } from '../../items/schema.js';
import { loadIssueFor, type LoadedIssue } from '../../periodicals/repo.js';
import { issueEntries } from '../../periodicals/schema.js';
import { adoptedItemsOf } from '../../periodicals/use-cases/chain.js';

/** What an instruction is written on, resolved and checked for visibility (404 as missing otherwise). */
export interface InstructionTarget {
  kind: 'item' | 'issue';
  itemId: string | null;
  issueId: string | null;
  entryId: string | null;
  /** Orgs whose leaders may instruct on it (the item's receiving hubs; the issue's hub and recipients). */
  instructableOrgIds: string[];
  /** The items concerned: one for an item; the entry's or the whole issue's items for an issue. */
  itemIds: string[];
  issue?: LoadedIssue;
}

export type TargetInput =
  | { itemId: string; issueId?: undefined; entryId?: undefined }
  | { itemId?: undefined; issueId: string; entryId?: string | null | undefined };

export async function resolveTarget(ctx: UseCaseContext, input: TargetInput): Promise<InstructionTarget> {
  if (input.itemId) {
    const { item, facts } = await loadVisibleItem(ctx, input.itemId);
    return {
      kind: 'item',
      itemId: item.id,
      issueId: null,
      entryId: null,
      instructableOrgIds: [...facts.receivingHubIds],
      itemIds: [item.id],
    };
  }
  const loaded = await loadIssueFor(ctx, input.issueId!, 'view');
  if (input.entryId) {
    const [entry] = await ctx.tx
      .select({ id: issueEntries.id })
      .from(issueEntries)
      .where(and(eq(issueEntries.id, input.entryId), eq(issueEntries.issueId, loaded.issue.id)));
    if (!entry) throw invalid('entryId', '该文章不属于本期');
  }
  const adopted = await adoptedItemsOf(ctx.tx, loaded.issue.id, loaded.periodical.hubId);
  return {
    kind: 'issue',
    itemId: null,
    issueId: loaded.issue.id,
    entryId: input.entryId ?? null,
    instructableOrgIds:
      loaded.issue.state === 'issued' ? [loaded.periodical.hubId, ...loaded.facts.recipientOrgIds] : [],
    itemIds: [
      ...new Set(adopted.filter((a) => !input.entryId || a.entryId === input.entryId).map((a) => a.itemId)),
    ],
    issue: loaded,
  };
}

/** The origin unit and co-reporters of each item: who answers a follow-up (落实反馈). */
export async function originUnits(ctx: UseCaseContext, itemIds: readonly string[]) {
  if (itemIds.length === 0) return [];
  const origin = await ctx.tx
    .select({ itemId: items.id, orgId: items.orgId })
    .from(items)
    .where(inArray(items.id, [...itemIds]));
  const co = await ctx.tx
    .select({ itemId: itemCoReporters.itemId, orgId: itemCoReporters.orgId })
    .from(itemCoReporters)
    .where(inArray(itemCoReporters.itemId, [...itemIds]));
  const seen = new Set<string>();
  return [...origin, ...co].filter((r) => (seen.has(r.orgId) ? false : (seen.add(r.orgId), true)));
}

/** Hubs with a live adoption of the item: where an editor may put it before a leader. */
export async function adoptingHubIds(ctx: UseCaseContext, itemId: string): Promise<string[]> {
  const rows = await ctx.tx
    .selectDistinct({ hubId: adoptions.hubId })
    .from(adoptions)
    .where(and(eq(adoptions.itemId, itemId), isNull(adoptions.revokedAt)));
  return rows.map((r) => r.hubId);
}
