import { and, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { keysetBefore } from '../../items/queries.js';
import { orgsWithRole, type UseCaseContext } from '../../../http/context.js';
import { BUSINESS_ROLES } from '../../orgs/domain.js';
import { chainOrgsByEntry, loadPeriodicalFor } from '../repo.js';
import { isMemberOf } from '../policy.js';
import { ISSUE_STATE_LABELS, PERIODICAL_KIND_LABELS } from '../domain.js';
import { issueNumberLabel } from '../format.js';
import { issueReads, issueRecipients, periodicalIssues, periodicals } from '../schema.js';
import type { LoadedIssue } from '../repo.js';
import { orgs } from '../../orgs/schema.js';
import { decodeCursor, encodeCursor } from '../../../http/cursor.js';

/** The actor's orgs among the issue's current recipients (members with a business role only). */
export function readerOrgIds(ctx: UseCaseContext, loaded: LoadedIssue): string[] {
  return loaded.facts.recipientOrgIds.filter((o) => isMemberOf(ctx.actor, o));
}

/**
 * A recipient opened the issue: the person's read (once) and each of their recipient orgs' first read.
 * The hub's own members reading their issue are not receipts.
 */
export async function recordRead(ctx: UseCaseContext, loaded: LoadedIssue): Promise<void> {
  if (isMemberOf(ctx.actor, loaded.periodical.hubId)) return;
  const mine = readerOrgIds(ctx, loaded);
  if (mine.length === 0) return;
  await ctx.tx
    .insert(issueReads)
    .values({ issueId: loaded.issue.id, userId: ctx.actor.userId, orgId: mine[0]!, readAt: ctx.now })
    .onConflictDoNothing();
  await ctx.tx
    .update(issueRecipients)
    .set({ firstReadAt: ctx.now, firstReadBy: ctx.actor.userId })
    .where(
      and(
        eq(issueRecipients.issueId, loaded.issue.id),
        inArray(issueRecipients.orgId, mine),
        isNull(issueRecipients.firstReadAt),
      ),
    );
}

/**
 * Which entries a reader sees: all, unless every one of their recipient rows is an excerpt (摘发); plus,
 * for a unit on an item's chain, the entries that published its items (not the rest of the issue: the
 * distribution list decides who reads the whole issue).
 */
export async function visibleEntryIds(ctx: UseCaseContext, loaded: LoadedIssue): Promise<Set<string> | null> {
  if (isMemberOf(ctx.actor, loaded.periodical.hubId)) return null;
  const mine = readerOrgIds(ctx, loaded);
  const rows = mine.length
    ? await ctx.tx
        .select({ entryIds: issueRecipients.entryIds })
        .from(issueRecipients)
        .where(and(eq(issueRecipients.issueId, loaded.issue.id), inArray(issueRecipients.orgId, mine)))
    : [];
  if (rows.some((r) => r.entryIds === null)) return null;
  const out = new Set(rows.flatMap((r) => r.entryIds ?? []));
  if ((loaded.facts.chainOrgIds ?? []).some((o) => isMemberOf(ctx.actor, o)))
    for (const c of await chainOrgsByEntry(ctx.tx, loaded.issue.id, loaded.periodical.hubId))
      if (isMemberOf(ctx.actor, c.orgId)) out.add(c.entryId);
  return out;
}

/** Issues of one periodical for its hub, newest first (keyset on created time). */
export async function listIssuesOfPeriodical(
  ctx: UseCaseContext,
  periodicalId: string,
  q: {
    state?: (typeof periodicalIssues.$inferSelect)['state'] | undefined;
    cursor?: string | undefined;
    limit: number;
  },
) {
  const p = await loadPeriodicalFor(ctx, periodicalId, 'list_issues');
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await ctx.tx
    .select()
    .from(periodicalIssues)
    .where(
      and(
        eq(periodicalIssues.periodicalId, periodicalId),
        q.state ? eq(periodicalIssues.state, q.state) : undefined,
        c ? keysetBefore(periodicalIssues.createdAt, periodicalIssues.id, c) : undefined,
      ),
    )
    .orderBy(desc(periodicalIssues.createdAt), desc(periodicalIssues.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((i) => ({
      id: i.id,
      periodicalId: p.id,
      periodicalName: p.name,
      state: i.state,
      stateLabel: ISSUE_STATE_LABELS[i.state],
      title: i.title,
      year: i.year,
      yearNo: i.yearNo,
      totalNo: i.totalNo,
      numberLabel: issueNumberLabel(i),
      issueDate: i.issueDate,
      createdAt: i.createdAt,
      issuedAt: i.issuedAt,
      recalledAt: i.recalledAt,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/**
 * 收到的刊物: issues currently sent to any of my units (not recalled), the ones I have not read first, then
 * newest first. Keyset on (read, sent time, id).
 */
export async function listReceived(
  ctx: UseCaseContext,
  q: { unread?: 'true' | 'false' | undefined; cursor?: string | undefined; limit: number },
) {
  const myOrgs = orgsWithRole(ctx.actor, BUSINESS_ROLES);
  if (myOrgs.length === 0) return { rows: [], nextCursor: null };
  const sent = ctx.tx
    .select({
      issueId: issueRecipients.issueId,
      sentAt: sql<Date>`max(${issueRecipients.sentAt})`.mapWith(issueRecipients.sentAt).as('sent_at'),
      excerpt: sql<boolean>`bool_and(${issueRecipients.entryIds} is not null)`.as('excerpt'),
    })
    .from(issueRecipients)
    .where(and(inArray(issueRecipients.orgId, myOrgs), isNull(issueRecipients.recalledAt)))
    .groupBy(issueRecipients.issueId)
    .as('sent');
  const readFlag = sql<number>`(case when ${issueReads.readAt} is null then 0 else 1 end)`;
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await ctx.tx
    .select({
      id: periodicalIssues.id,
      periodicalId: periodicals.id,
      periodicalName: periodicals.name,
      kind: periodicals.kind,
      hubName: orgs.name,
      title: periodicalIssues.title,
      year: periodicalIssues.year,
      yearNo: periodicalIssues.yearNo,
      totalNo: periodicalIssues.totalNo,
      issueDate: periodicalIssues.issueDate,
      sentAt: sent.sentAt,
      excerpt: sent.excerpt,
      readAt: issueReads.readAt,
      readFlag,
    })
    .from(sent)
    .innerJoin(periodicalIssues, eq(periodicalIssues.id, sent.issueId))
    .innerJoin(periodicals, eq(periodicals.id, periodicalIssues.periodicalId))
    .innerJoin(orgs, eq(orgs.id, periodicals.hubId))
    .leftJoin(
      issueReads,
      and(eq(issueReads.issueId, periodicalIssues.id), eq(issueReads.userId, ctx.actor.userId)),
    )
    .where(
      and(
        eq(periodicalIssues.state, 'issued'),
        q.unread === 'true' ? isNull(issueReads.readAt) : undefined,
        q.unread === 'false' ? sql`${issueReads.readAt} is not null` : undefined,
        c
          ? or(
              gt(readFlag, c.extra),
              and(
                eq(readFlag, c.extra),
                sql`(${sent.sentAt}, ${periodicalIssues.id}) < (${c.at.toISOString()}::timestamptz, ${c.id}::uuid)`,
              ),
            )
          : undefined,
      ),
    )
    .orderBy(readFlag, desc(sent.sentAt), desc(periodicalIssues.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ readFlag: _r, sentAt, ...r }) => ({
      ...r,
      sentAt,
      kindLabel: PERIODICAL_KIND_LABELS[r.kind],
      numberLabel: issueNumberLabel(r),
      unread: r.readAt === null,
    })),
    nextCursor:
      rows.length > q.limit && last ? encodeCursor(last.sentAt, last.id, Number(last.readFlag)) : null,
  };
}
