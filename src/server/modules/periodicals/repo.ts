import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { adoptedItemsOf } from './use-cases/chain.js';
import type { UseCaseContext } from '../../http/context.js';
import { AppError, notFound } from '../../http/errors.js';
import { authorize, can } from '../../policy/authorize.js';
import { auditAction } from '../audit/audit.js';
import {
  ISSUE_ACTION_LABELS,
  ISSUE_STATE_LABELS,
  nextIssueState,
  type IssueAction,
  type IssueState,
} from './domain.js';
import type { IssueFacts, IssuePolicyAction, PeriodicalPolicyAction } from './policy.js';
import {
  issueRecipients,
  periodicalIssues,
  periodicals,
  type IssueRow,
  type PeriodicalRow,
} from './schema.js';

/** A periodical the actor may see (404 otherwise, the same as a missing one), then the action's check. */
export async function loadPeriodicalFor(
  ctx: UseCaseContext,
  periodicalId: string,
  action: PeriodicalPolicyAction,
  forUpdate = false,
): Promise<PeriodicalRow> {
  const q = ctx.tx.select().from(periodicals).where(eq(periodicals.id, periodicalId));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row || !can(ctx.actor, 'periodical', 'view', { hubId: row.hubId }).ok) throw notFound('刊物');
  authorize(ctx.actor, 'periodical', action, { hubId: row.hubId });
  return row;
}

export async function issueFacts(tx: Db, issue: IssueRow, hubId: string): Promise<IssueFacts> {
  if (issue.state !== 'issued')
    return { hubId, createdBy: issue.createdBy, recipientOrgIds: [], chainOrgIds: [] };
  const recipients = await tx
    .select({ orgId: issueRecipients.orgId })
    .from(issueRecipients)
    .where(and(eq(issueRecipients.issueId, issue.id), isNull(issueRecipients.recalledAt)));
  const chain = await chainOrgsByEntry(tx, issue.id, hubId);
  return {
    hubId,
    createdBy: issue.createdBy,
    recipientOrgIds: recipients.map((r) => r.orgId),
    chainOrgIds: [...new Set(chain.map((c) => c.orgId))],
  };
}

/**
 * For each entry of an issue, the units on its items' chains (use-cases/chain.ts: origin unit, co-reporters
 * and the hubs on the adopted hop's lineage, the adopting hub excepted), as (entry, org) pairs.
 */
export async function chainOrgsByEntry(tx: Db, issueId: string, hubId: string) {
  const adopted = await adoptedItemsOf(tx, issueId, hubId);
  return adopted.flatMap((a) => a.chainOrgIds.map((orgId) => ({ entryId: a.entryId, orgId })));
}

export interface LoadedIssue {
  issue: IssueRow;
  periodical: PeriodicalRow;
  facts: IssueFacts;
}

/**
 * An issue the actor may see, with its periodical and policy facts; out of scope answers the same 404 as
 * missing. `forUpdate` locks the issue row, so edits of a draft and its transitions serialise.
 */
export async function loadIssueFor(
  ctx: UseCaseContext,
  issueId: string,
  action: IssuePolicyAction,
  forUpdate = false,
): Promise<LoadedIssue> {
  const q = ctx.tx.select().from(periodicalIssues).where(eq(periodicalIssues.id, issueId));
  const [issue] = forUpdate ? await q.for('update') : await q;
  if (!issue) throw notFound('期刊');
  const [periodical] = await ctx.tx.select().from(periodicals).where(eq(periodicals.id, issue.periodicalId));
  if (!periodical) throw notFound('期刊');
  const facts = await issueFacts(ctx.tx, issue, periodical.hubId);
  if (!can(ctx.actor, 'issue', 'view', facts).ok) throw notFound('期刊');
  authorize(ctx.actor, 'issue', action, facts);
  return { issue, periodical, facts };
}

export function illegalIssueTransition(action: IssueAction, state: IssueState): AppError {
  return new AppError(
    'illegal_transition',
    `该期当前状态为「${ISSUE_STATE_LABELS[state]}」，不能${ISSUE_ACTION_LABELS[action]}`,
    { state, action },
  );
}

/** Refuses an action the state table has no arrow for (409 naming the state). */
export function assertIssueAction(issue: IssueRow, action: IssueAction): IssueState {
  const to = nextIssueState(action, issue.state);
  if (!to) throw illegalIssueTransition(action, issue.state);
  return to;
}

/**
 * Moves the issue along one arrow as a compare-and-set on (state, row_version) and writes the audit row;
 * a concurrent change makes the update miss and answers 409.
 */
export async function transitionIssue(
  ctx: UseCaseContext,
  issue: IssueRow,
  action: IssueAction,
  opts: { patch?: Partial<typeof periodicalIssues.$inferInsert>; detail?: Record<string, unknown> } = {},
): Promise<IssueRow> {
  const to = assertIssueAction(issue, action);
  const [updated] = await ctx.tx
    .update(periodicalIssues)
    .set({ ...opts.patch, state: to, rowVersion: issue.rowVersion + 1, updatedAt: ctx.now })
    .where(
      and(
        eq(periodicalIssues.id, issue.id),
        eq(periodicalIssues.state, issue.state),
        eq(periodicalIssues.rowVersion, issue.rowVersion),
      ),
    )
    .returning();
  if (!updated) throw new AppError('stale_version', '该期已被他人修改，请刷新后重试');
  await auditIssue(ctx, `issue.${action}`, issue.id, { from: issue.state, to, ...opts.detail });
  return updated;
}

/** Checks the client's row version when it sent one: the person acts on what they saw. */
export function assertRowVersion(issue: IssueRow, rowVersion: number | undefined): void {
  if (rowVersion !== undefined && rowVersion !== issue.rowVersion)
    throw new AppError('stale_version', '该期已被他人修改，请刷新后重试', { current: issue.rowVersion });
}

export function auditIssue(
  ctx: UseCaseContext,
  event: string,
  issueId: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  return auditAction(ctx, event, { type: 'issue', id: issueId }, detail);
}
