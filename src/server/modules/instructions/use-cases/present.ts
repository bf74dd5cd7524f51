import { eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { can } from '../../../policy/authorize.js';
import { items } from '../../items/schema.js';
import { ORG_LEVEL_LABELS } from '../../orgs/domain.js';
import { orgs, users } from '../../orgs/schema.js';
import { issueNumberLabel } from '../../periodicals/format.js';
import { issueEntries, periodicalIssues, periodicals } from '../../periodicals/schema.js';
import { followUpStatus } from '../domain.js';
import { followUpTasks, type FollowUpRow, type InstructionRow } from '../schema.js';

const ids = (xs: readonly (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];

/** A follow-up task as its readers see it (status computed at `now`: 待反馈/已逾期/已反馈/逾期反馈). */
export function presentTask(
  ctx: UseCaseContext,
  t: FollowUpRow,
  names: { orgName: string; answeredByName: string | null },
  instruction: Pick<InstructionRow, 'leaderId' | 'leaderOrgId'>,
) {
  const status = followUpStatus(t, ctx.now);
  return {
    id: t.id,
    instructionId: t.instructionId,
    orgId: t.orgId,
    orgName: names.orgName,
    itemId: t.itemId,
    dueAt: t.dueAt.toISOString(),
    state: t.state,
    status: status.code,
    statusLabel: status.label,
    overdue: status.overdue,
    answer: t.answer,
    answeredByName: names.answeredByName,
    answeredAt: t.answeredAt?.toISOString() ?? null,
    rowVersion: t.rowVersion,
    abilities: {
      answer:
        t.state === 'open' &&
        can(ctx.actor, 'followUp', 'answer', {
          orgId: t.orgId,
          leaderId: instruction.leaderId,
          leaderOrgId: instruction.leaderOrgId,
        }).ok,
    },
  };
}

/**
 * Instructions with what they led to: the target's label, the leader, and the follow-up tasks the actor
 * may see (the unit its own, the leader and the leader's office all). A handful of batched queries.
 */
export async function presentInstructions(ctx: UseCaseContext, rows: readonly InstructionRow[]) {
  if (rows.length === 0) return [];
  const db = ctx.tx;
  const tasks = await db
    .select()
    .from(followUpTasks)
    .where(
      inArray(
        followUpTasks.instructionId,
        rows.map((r) => r.id),
      ),
    );
  const orgIds = ids([...rows.map((r) => r.leaderOrgId), ...tasks.map((t) => t.orgId)]);
  const userIds = ids([...rows.map((r) => r.leaderId), ...tasks.map((t) => t.answeredBy)]);
  const itemIds = ids(rows.map((r) => r.itemId));
  const issueIds = ids(rows.map((r) => r.issueId));
  const entryIds = ids(rows.map((r) => r.entryId));
  const orgRows = await db
    .select({ id: orgs.id, name: orgs.name })
    .from(orgs)
    .where(inArray(orgs.id, orgIds));
  const userRows = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, userIds));
  const itemRows = itemIds.length
    ? await db.select({ id: items.id, title: items.title }).from(items).where(inArray(items.id, itemIds))
    : [];
  const issueRows = issueIds.length
    ? await db
        .select({
          id: periodicalIssues.id,
          year: periodicalIssues.year,
          yearNo: periodicalIssues.yearNo,
          totalNo: periodicalIssues.totalNo,
          periodicalName: periodicals.name,
        })
        .from(periodicalIssues)
        .innerJoin(periodicals, eq(periodicals.id, periodicalIssues.periodicalId))
        .where(inArray(periodicalIssues.id, issueIds))
    : [];
  const entryRows = entryIds.length
    ? await db
        .select({ id: issueEntries.id, title: issueEntries.title })
        .from(issueEntries)
        .where(inArray(issueEntries.id, entryIds))
    : [];
  const orgName = (id: string) => orgRows.find((o) => o.id === id)?.name ?? '';
  const userName = (id: string | null) => userRows.find((u) => u.id === id)?.name ?? null;
  return rows.map((r) => {
    const issue = issueRows.find((i) => i.id === r.issueId);
    const mine = tasks
      .filter((t) => t.instructionId === r.id)
      .filter(
        (t) =>
          can(ctx.actor, 'followUp', 'view', {
            orgId: t.orgId,
            leaderId: r.leaderId,
            leaderOrgId: r.leaderOrgId,
          }).ok,
      )
      .sort((a, b) => orgName(a.orgId).localeCompare(orgName(b.orgId), 'zh'));
    return {
      id: r.id,
      text: r.text,
      leaderId: r.leaderId,
      leaderName: userName(r.leaderId) ?? '',
      leaderOrgId: r.leaderOrgId,
      leaderOrgName: orgName(r.leaderOrgId),
      leaderLevel: r.leaderLevel,
      leaderLevelLabel: ORG_LEVEL_LABELS[r.leaderLevel],
      createdAt: r.createdAt.toISOString(),
      target: {
        kind: r.itemId ? ('item' as const) : ('issue' as const),
        itemId: r.itemId,
        itemTitle: itemRows.find((i) => i.id === r.itemId)?.title ?? null,
        issueId: r.issueId,
        issueLabel: issue ? `《${issue.periodicalName}》${issueNumberLabel(issue)}` : null,
        entryId: r.entryId,
        entryTitle: entryRows.find((e) => e.id === r.entryId)?.title ?? null,
      },
      followUp: r.followUpDueAt
        ? { requirement: r.followUpRequirement, dueAt: r.followUpDueAt.toISOString() }
        : null,
      tasks: mine.map((t) =>
        presentTask(ctx, t, { orgName: orgName(t.orgId), answeredByName: userName(t.answeredBy) }, r),
      ),
    };
  });
}
