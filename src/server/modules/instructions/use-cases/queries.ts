import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { orgsWithRole, type UseCaseContext } from '../../../http/context.js';
import { notFound } from '../../../http/errors.js';
import { adoptions, items } from '../../items/schema.js';
import { UNIT_ROLES } from '../../orgs/domain.js';
import { orgs, users } from '../../orgs/schema.js';
import { issueNumberLabel } from '../../periodicals/format.js';
import { isMemberOf } from '../../periodicals/policy.js';
import { issueEntries, issueEntrySources, periodicalIssues, periodicals } from '../../periodicals/schema.js';
import { decodeCursor, encodeCursor } from '../../../http/cursor.js';
import { keysetBefore } from '../../items/queries.js';
import { followUpTasks, instructionFlags, leaderInstructions } from '../schema.js';
import { flaggingHubFor, leadersOf } from './flags.js';
import { presentInstructions } from './present.js';
import { resolveTarget, type TargetInput } from './targets.js';

/** What the actor may do about instructions on this target, and whom an editor may flag it to. */
async function targetAbilities(ctx: UseCaseContext, input: TargetInput, instructable: readonly string[]) {
  const leaderOffices = orgsWithRole(ctx.actor, ['leader']).filter((o) => instructable.includes(o));
  const officeRows = leaderOffices.length
    ? await ctx.tx.select({ id: orgs.id, name: orgs.name }).from(orgs).where(inArray(orgs.id, leaderOffices))
    : [];
  const hubId = await flaggingHubFor(ctx, input);
  const openFlag = await ctx.tx
    .select({ id: instructionFlags.id })
    .from(instructionFlags)
    .where(
      and(
        eq(instructionFlags.leaderId, ctx.actor.userId),
        eq(instructionFlags.state, 'open'),
        input.itemId
          ? eq(instructionFlags.itemId, input.itemId)
          : eq(instructionFlags.issueId, input.issueId!),
      ),
    );
  return {
    abilities: { instruct: officeRows.length > 0, flag: hubId !== null },
    leaderOffices: officeRows.map((o) => ({ orgId: o.id, name: o.name })),
    flagTo: hubId ? { hubId, leaders: await leadersOf(ctx, hubId) } : null,
    openFlagId: openFlag[0]?.id ?? null,
  };
}

/**
 * Instructions concerning an item, for anyone who may see the item (results flow back down the chain):
 * those written on the item and those on an issue entry (or a whole issue) that published it.
 */
export async function instructionsOnItem(ctx: UseCaseContext, itemId: string) {
  const target = await resolveTarget(ctx, { itemId });
  const entries = await ctx.tx
    .select({ entryId: issueEntries.id, issueId: issueEntries.issueId })
    .from(adoptions)
    .innerJoin(issueEntrySources, eq(issueEntrySources.adoptionId, adoptions.id))
    .innerJoin(issueEntries, eq(issueEntries.id, issueEntrySources.entryId))
    .where(eq(adoptions.itemId, itemId));
  const onIssues = entries.length
    ? or(
        ...entries.map((e) =>
          and(
            eq(leaderInstructions.issueId, e.issueId),
            or(isNull(leaderInstructions.entryId), eq(leaderInstructions.entryId, e.entryId)),
          ),
        ),
      )
    : undefined;
  const rows = await ctx.tx
    .select()
    .from(leaderInstructions)
    .where(or(eq(leaderInstructions.itemId, itemId), onIssues))
    .orderBy(desc(leaderInstructions.createdAt));
  return {
    rows: await presentInstructions(ctx, rows),
    ...(await targetAbilities(ctx, { itemId }, target.instructableOrgIds)),
  };
}

/**
 * Instructions on an issue: the issuing hub sees them all; anyone else sees those written by a leader of
 * their own unit and those that gave their unit a follow-up task.
 */
export async function instructionsOnIssue(ctx: UseCaseContext, issueId: string) {
  const target = await resolveTarget(ctx, { issueId });
  const loaded = target.issue!;
  const rows = await ctx.tx
    .select()
    .from(leaderInstructions)
    .where(eq(leaderInstructions.issueId, issueId))
    .orderBy(desc(leaderInstructions.createdAt));
  const presented = await presentInstructions(ctx, rows);
  const hubView = isMemberOf(ctx.actor, loaded.periodical.hubId);
  return {
    rows: presented.filter((r) => hubView || isMemberOf(ctx.actor, r.leaderOrgId) || r.tasks.length > 0),
    ...(await targetAbilities(ctx, { issueId }, target.instructableOrgIds)),
  };
}

/** 我的批示: the actor's instructions, newest first, with their follow-up tasks (keyset on time, id). */
export async function myInstructions(ctx: UseCaseContext, q: { cursor?: string | undefined; limit: number }) {
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await ctx.tx
    .select()
    .from(leaderInstructions)
    .where(
      and(
        eq(leaderInstructions.leaderId, ctx.actor.userId),
        c ? keysetBefore(leaderInstructions.createdAt, leaderInstructions.id, c) : undefined,
      ),
    )
    .orderBy(desc(leaderInstructions.createdAt), desc(leaderInstructions.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    rows: await presentInstructions(ctx, page),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

interface DeskRow {
  kind: 'flag' | 'received';
  key: string;
  at: string;
  flag_id: string | null;
  item_id: string | null;
  issue_id: string | null;
  note: string | null;
  flagged_by: string | null;
}

/**
 * 待批示: what awaits the leader — items and issues put before them (open flags) and issues their unit
 * received that they have neither instructed on nor marked 已阅; newest first, keyset on (time, key).
 */
export async function leaderDesk(ctx: UseCaseContext, q: { cursor?: string | undefined; limit: number }) {
  const leaderOrgs = orgsWithRole(ctx.actor, ['leader']);
  if (leaderOrgs.length === 0) return { rows: [], nextCursor: null };
  const me = ctx.actor.userId;
  let after = sql`true`;
  if (q.cursor) {
    const { at, id } = decodeCursor(q.cursor);
    after = sql`(d.at, d.key) < (${at.toISOString()}::timestamptz, ${id})`;
  }
  const orgList = sql.join(
    leaderOrgs.map((o) => sql`${o}::uuid`),
    sql`, `,
  );
  const result = await ctx.tx.execute(sql`
    select * from (
      select 'flag' as kind, f.id::text as key, f.created_at as at, f.id as flag_id, f.item_id, f.issue_id,
             f.note, f.flagged_by
      from instruction_flags f
      where f.leader_id = ${me} and f.state = 'open'
      union all
      select 'received' as kind, r.issue_id::text as key, max(r.sent_at) as at, null::uuid as flag_id,
             null::uuid as item_id, r.issue_id, null::text as note, null::uuid as flagged_by
      from issue_recipients r
      join periodical_issues pi on pi.id = r.issue_id and pi.state = 'issued'
      where r.org_id in (${orgList}) and r.recalled_at is null
        and not exists (select 1 from instruction_flags f where f.issue_id = r.issue_id and f.leader_id = ${me})
        and not exists (select 1 from leader_instructions li where li.issue_id = r.issue_id and li.leader_id = ${me})
      group by r.issue_id
    ) d
    where ${after}
    order by d.at desc, d.key desc
    limit ${q.limit + 1}
  `);
  const rows = (result as unknown as { rows: DeskRow[] }).rows;
  const page = rows.slice(0, q.limit);
  const itemIds = [...new Set(page.map((r) => r.item_id).filter((x): x is string => !!x))];
  const issueIds = [...new Set(page.map((r) => r.issue_id).filter((x): x is string => !!x))];
  const userIds = [...new Set(page.map((r) => r.flagged_by).filter((x): x is string => !!x))];
  const itemRows = itemIds.length
    ? await ctx.tx
        .select({ id: items.id, title: items.title, category: items.category, orgName: orgs.name })
        .from(items)
        .innerJoin(orgs, eq(orgs.id, items.orgId))
        .where(inArray(items.id, itemIds))
    : [];
  const issueRows = issueIds.length
    ? await ctx.tx
        .select({
          id: periodicalIssues.id,
          title: periodicalIssues.title,
          year: periodicalIssues.year,
          yearNo: periodicalIssues.yearNo,
          totalNo: periodicalIssues.totalNo,
          issueDate: periodicalIssues.issueDate,
          periodicalName: periodicals.name,
          hubName: orgs.name,
        })
        .from(periodicalIssues)
        .innerJoin(periodicals, eq(periodicals.id, periodicalIssues.periodicalId))
        .innerJoin(orgs, eq(orgs.id, periodicals.hubId))
        .where(inArray(periodicalIssues.id, issueIds))
    : [];
  const userRows = userIds.length
    ? await ctx.tx
        .select({ id: users.id, name: users.displayName })
        .from(users)
        .where(inArray(users.id, userIds))
    : [];
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => {
      const item = itemRows.find((i) => i.id === r.item_id);
      const issue = issueRows.find((i) => i.id === r.issue_id);
      return {
        key: `${r.kind}:${r.key}`,
        kind: r.kind,
        kindLabel: r.kind === 'flag' ? '呈阅' : '收到刊物',
        at: new Date(r.at).toISOString(),
        flagId: r.flag_id,
        note: r.note,
        flaggedByName: userRows.find((u) => u.id === r.flagged_by)?.name ?? null,
        item: item ? { id: item.id, title: item.title, orgName: item.orgName } : null,
        issue: issue
          ? {
              id: issue.id,
              title: issue.title,
              label: `《${issue.periodicalName}》${issueNumberLabel(issue)}`,
              hubName: issue.hubName,
              issueDate: issue.issueDate,
            }
          : null,
      };
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor(new Date(last.at), last.key) : null,
  };
}

/** 落实反馈: the follow-up tasks of the actor's units, open ones first by deadline, then answered ones. */
export async function unitFollowUps(
  ctx: UseCaseContext,
  q: { state?: 'open' | 'answered' | undefined; cursor?: string | undefined; limit: number },
) {
  const myOrgs = orgsWithRole(ctx.actor, UNIT_ROLES);
  if (myOrgs.length === 0) return { rows: [], nextCursor: null };
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await ctx.tx
    .select({ t: followUpTasks, i: leaderInstructions })
    .from(followUpTasks)
    .innerJoin(leaderInstructions, eq(leaderInstructions.id, followUpTasks.instructionId))
    .where(
      and(
        inArray(followUpTasks.orgId, myOrgs),
        q.state ? eq(followUpTasks.state, q.state) : undefined,
        c ? keysetBefore(followUpTasks.createdAt, followUpTasks.id, c) : undefined,
      ),
    )
    .orderBy(desc(followUpTasks.createdAt), desc(followUpTasks.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const instructions = await presentInstructions(
    ctx,
    page.map((r) => r.i).filter((i, n, all) => all.findIndex((x) => x.id === i.id) === n),
  );
  const last = page[page.length - 1];
  return {
    rows: page.map(({ t }) => {
      const ins = instructions.find((i) => i.id === t.instructionId)!;
      return { ...ins.tasks.find((x) => x.id === t.id)!, instruction: { ...ins, tasks: undefined } };
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.t.createdAt, last.t.id) : null,
  };
}

/** One task as the actor now sees it, through its instruction (404 if the actor may not see it). */
export async function taskView(ctx: UseCaseContext, taskId: string) {
  const [row] = await ctx.tx
    .select({ i: leaderInstructions })
    .from(followUpTasks)
    .innerJoin(leaderInstructions, eq(leaderInstructions.id, followUpTasks.instructionId))
    .where(eq(followUpTasks.id, taskId));
  const [ins] = row ? await presentInstructions(ctx, [row.i]) : [];
  const task = ins?.tasks.find((t) => t.id === taskId);
  if (!task) throw notFound('落实反馈任务');
  return task;
}
