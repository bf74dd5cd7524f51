import { and, eq, gte, isNull, sql } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { conflict, invalid } from '../../../http/errors.js';
import { itemEvents } from '../../items/schema.js';
import { notify, notifyMany } from '../../notifications/notify.js';
import type { ReviewDecision } from '../domain.js';
import {
  adoptionNoticeTitle,
  issueNumberLabel,
  nextIssueNumbers,
  shanghaiDate,
  shanghaiYear,
} from '../format.js';
import { assertIssueAction, assertRowVersion, auditIssue, loadIssueFor, transitionIssue } from '../repo.js';
import {
  issueEntries,
  issueRecipients,
  issueReviews,
  periodicalIssues,
  periodicals,
  type IssueRow,
  type PeriodicalRow,
} from '../schema.js';
import { adoptedItemsOf } from './chain.js';
import { assertOrgsExist } from './update-periodical.js';

/** 提交审签: a draft with at least one entry goes to the hub's reviewers. */
export async function submitIssue(ctx: UseCaseContext, issueId: string, rowVersion?: number): Promise<void> {
  const { issue } = await loadIssueFor(ctx, issueId, 'submit', true);
  assertIssueAction(issue, 'submit');
  assertRowVersion(issue, rowVersion);
  const [n] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(issueEntries)
    .where(eq(issueEntries.issueId, issueId));
  if (!n?.n) throw conflict('本期尚未编入文章，不能提交审签');
  await transitionIssue(ctx, issue, 'submit');
}

/**
 * 审核: any editor or chief editor of the hub records 同意 or 不同意 with an opinion; 不同意 sends the issue
 * back to the draft (with its opinion required).
 */
export async function reviewIssue(
  ctx: UseCaseContext,
  issueId: string,
  input: { decision: ReviewDecision; opinion?: string | null | undefined },
): Promise<void> {
  const { issue } = await loadIssueFor(ctx, issueId, 'review', true);
  const opinion = input.opinion?.trim() || null;
  if (input.decision === 'disagree' && !opinion) throw invalid('opinion', '不同意时必须填写意见');
  assertIssueAction(issue, input.decision === 'agree' ? 'review' : 'send_back');
  if (input.decision === 'agree') {
    // Once per reviewer for the issue as it stands: since its last change (a submission, an edit), an
    // agreement of theirs is already on record. The issue row is locked, so a second click waits for the
    // first and then finds it.
    const [mine] = await ctx.tx
      .select({ id: issueReviews.id })
      .from(issueReviews)
      .where(
        and(
          eq(issueReviews.issueId, issueId),
          eq(issueReviews.reviewerId, ctx.actor.userId),
          eq(issueReviews.decision, 'agree'),
          gte(issueReviews.createdAt, issue.updatedAt),
        ),
      )
      .limit(1);
    if (mine) throw conflict('您已审核同意本期，无需重复提交');
  }
  await ctx.tx.insert(issueReviews).values({
    issueId,
    reviewerId: ctx.actor.userId,
    decision: input.decision,
    opinion,
    createdAt: ctx.now,
  });
  if (input.decision === 'disagree') await transitionIssue(ctx, issue, 'send_back', { detail: { opinion } });
  else await auditIssue(ctx, 'issue.review', issueId, { decision: 'agree' });
}

/** 签发 by a chief editor who did not compile the issue (four eyes); the sign-off is the last review row. */
export async function signIssue(
  ctx: UseCaseContext,
  issueId: string,
  input: { rowVersion?: number | undefined; opinion?: string | null | undefined },
): Promise<void> {
  const { issue } = await loadIssueFor(ctx, issueId, 'sign', true);
  assertIssueAction(issue, 'sign');
  assertRowVersion(issue, input.rowVersion);
  await ctx.tx.insert(issueReviews).values({
    issueId,
    reviewerId: ctx.actor.userId,
    decision: 'agree',
    opinion: input.opinion?.trim() || '同意印发',
    createdAt: ctx.now,
  });
  await transitionIssue(ctx, issue, 'sign', { patch: { signedBy: ctx.actor.userId, signedAt: ctx.now } });
}

/** The next numbers under a lock on the periodical row: concurrent issues of one periodical serialise here. */
async function assignNumbers(ctx: UseCaseContext, periodicalId: string) {
  const [p] = await ctx.tx.select().from(periodicals).where(eq(periodicals.id, periodicalId)).for('update');
  const year = shanghaiYear(ctx.now);
  const [m] = await ctx.tx
    .select({
      maxYearNo: sql<
        number | null
      >`max(${periodicalIssues.yearNo}) filter (where ${periodicalIssues.year} = ${year})`,
      maxTotalNo: sql<number | null>`max(${periodicalIssues.totalNo})`,
    })
    .from(periodicalIssues)
    .where(eq(periodicalIssues.periodicalId, periodicalId));
  return nextIssueNumbers({
    year,
    maxYearNo: m?.maxYearNo === null || m?.maxYearNo === undefined ? null : Number(m.maxYearNo),
    maxTotalNo: m?.maxTotalNo === null || m?.maxTotalNo === undefined ? null : Number(m.maxTotalNo),
    totalNoBase: p?.totalNoBase ?? 0,
    yearNoBase: p?.yearNoBase ?? 0,
    yearNoBaseYear: p?.yearNoBaseYear ?? null,
  });
}

/** Initial, additional or excerpt recipients: existing orgs, never the hub itself, each org once per issue. */
async function newRecipients(ctx: UseCaseContext, hubId: string, orgIds: readonly string[], field: string) {
  return assertOrgsExist(
    ctx,
    [...new Set(orgIds)].filter((o) => o !== hubId),
    field,
  );
}

/**
 * 印发: numbers are assigned (年度期号 by the Beijing calendar year, 总期号 continuing across years and from
 * the paper run), the issue locks, the 发送范围 is recorded, the adoptions count as published in it, and every
 * unit on each item's chain is told.
 */
export async function issueIssue(
  ctx: UseCaseContext,
  issueId: string,
  input: { rowVersion?: number | undefined; recipientOrgIds?: string[] | undefined },
): Promise<void> {
  const { issue, periodical } = await loadIssueFor(ctx, issueId, 'issue', true);
  assertIssueAction(issue, 'issue');
  assertRowVersion(issue, input.rowVersion);
  const recipients = await newRecipients(
    ctx,
    periodical.hubId,
    input.recipientOrgIds ?? periodical.defaultRecipientOrgIds,
    'recipientOrgIds',
  );
  const numbers = await assignNumbers(ctx, periodical.id);
  const issued = await transitionIssue(ctx, issue, 'issue', {
    patch: {
      ...numbers,
      issueDate: issue.issueDate ?? shanghaiDate(ctx.now),
      issuedBy: ctx.actor.userId,
      issuedAt: ctx.now,
    },
    detail: { ...numbers, recipients: recipients.length },
  });
  if (recipients.length)
    await ctx.tx.insert(issueRecipients).values(
      recipients.map((r) => ({
        issueId,
        orgId: r.id,
        kind: 'initial' as const,
        sentAt: ctx.now,
        sentBy: ctx.actor.userId,
      })),
    );
  await publishAdoptions(ctx, issued, periodical);
  const label = issueNumberLabel(issued);
  await notify(
    ctx,
    recipients.map((r) => r.id),
    {
      kind: 'issue_received',
      title: `收到《${periodical.name}》${label}`,
      link: { type: 'issue', id: issueId },
    },
  );
}

/** Each adopted item's timeline gets an event, and every unit on its chain a notification. */
async function publishAdoptions(ctx: UseCaseContext, issue: IssueRow, periodical: PeriodicalRow) {
  const adopted = await adoptedItemsOf(ctx.tx, issue.id, periodical.hubId);
  if (adopted.length === 0) return;
  const label = issueNumberLabel(issue);
  await ctx.tx.insert(itemEvents).values(
    adopted.map((a) => ({
      itemId: a.itemId,
      hopId: a.hopId,
      actorId: ctx.actor.userId,
      actorOrgId: periodical.hubId,
      action: 'issue_published',
      comment: `《${periodical.name}》${label}`,
      data: {
        issueId: issue.id,
        adoptionId: a.adoptionId,
        periodicalId: periodical.id,
        year: issue.year,
        yearNo: issue.yearNo,
        totalNo: issue.totalNo,
      },
      createdAt: ctx.now,
    })),
  );
  await notifyMany(
    ctx,
    adopted.flatMap((a) =>
      a.chainOrgIds.map((orgId) => ({
        orgId,
        kind: 'issue_adopted' as const,
        title: adoptionNoticeTitle(periodical.name, label, a.itemTitle),
        body: a.combined ? `以《${a.entryTitle}》综合采用` : null,
        link: { type: 'item', id: a.itemId },
      })),
    ),
  );
}

/** 收回 with a required reason: recipients can no longer open it; the hub still sees it with the reason. */
export async function recallIssue(ctx: UseCaseContext, issueId: string, reason: string): Promise<void> {
  const { issue, periodical, facts } = await loadIssueFor(ctx, issueId, 'recall', true);
  const why = reason.trim();
  if (!why) throw invalid('reason', '收回必须填写理由');
  await transitionIssue(ctx, issue, 'recall', {
    patch: { recalledAt: ctx.now, recallReason: why },
    detail: { reason: why },
  });
  await ctx.tx
    .update(issueRecipients)
    .set({ recalledAt: ctx.now })
    .where(and(eq(issueRecipients.issueId, issueId), isNull(issueRecipients.recalledAt)));
  await notify(ctx, facts.recipientOrgIds, {
    kind: 'issue_recalled',
    title: `《${periodical.name}》${issueNumberLabel(issue)}已收回`,
    body: why,
    link: null,
  });
}

/** 增发 (the whole issue) or 摘发 (chosen entries) to further orgs after issue. */
export async function distributeIssue(
  ctx: UseCaseContext,
  issueId: string,
  input: { orgIds: string[]; entryIds?: string[] | undefined },
): Promise<number> {
  const { issue, periodical, facts } = await loadIssueFor(ctx, issueId, 'distribute', true);
  assertIssueAction(issue, 'distribute');
  const recipients = await newRecipients(ctx, periodical.hubId, input.orgIds, 'orgIds');
  if (recipients.length === 0) throw invalid('orgIds', '编发单位本身无需增发');
  const already = recipients.filter((r) => facts.recipientOrgIds.includes(r.id));
  if (already.length)
    throw conflict(`${already.map((r) => r.name).join('、')}已在发送范围内`, {
      orgIds: already.map((r) => r.id),
    });
  let entryIds: string[] | null = null;
  if (input.entryIds) {
    const entries = await ctx.tx
      .select({ id: issueEntries.id })
      .from(issueEntries)
      .where(eq(issueEntries.issueId, issueId));
    const own = new Set(entries.map((e) => e.id));
    entryIds = [...new Set(input.entryIds)];
    if (entryIds.some((e) => !own.has(e))) throw invalid('entryIds', '只能摘发本期的文章');
  }
  await ctx.tx.insert(issueRecipients).values(
    recipients.map((r) => ({
      issueId,
      orgId: r.id,
      kind: entryIds ? ('excerpt' as const) : ('additional' as const),
      entryIds,
      sentAt: ctx.now,
      sentBy: ctx.actor.userId,
    })),
  );
  await auditIssue(ctx, entryIds ? 'issue.excerpt' : 'issue.distribute', issueId, {
    orgIds: recipients.map((r) => r.id),
    entryIds,
  });
  const label = issueNumberLabel(issue);
  await notify(
    ctx,
    recipients.map((r) => r.id),
    {
      kind: 'issue_received',
      title: entryIds ? `收到《${periodical.name}》${label}（摘发）` : `收到《${periodical.name}》${label}`,
      link: { type: 'issue', id: issueId },
    },
  );
  return recipients.length;
}
