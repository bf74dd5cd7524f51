import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { orgsWithRole, type UseCaseContext } from '../../../http/context.js';
import { BUSINESS_ROLES } from '../../orgs/domain.js';
import { AppError, notFound } from '../../../http/errors.js';
import { authorize, can } from '../../../policy/authorize.js';
import { auditLog } from '../../audit/schema.js';
import { notify } from '../../notifications/notify.js';
import { orgs } from '../../orgs/schema.js';
import { ADOPTION_TYPE_LABELS } from '../../items/domain/catalog.js';
import type { PeriodSpec } from '../periods.js';
import { auditScoring, auditScoringRow, hubFor, hubWithRules } from '../repo.js';
import { noticeRecipients, notices } from '../schema.js';
import { namedQuery } from '../sql.js';
import { laggingUnits } from './quotas.js';
import { requestedPeriod } from './requested-period.js';
import { unitStats } from './stats.js';

/** What a 通报 froze: plain JSON, never recomputed. */
export interface NoticeSnapshot {
  hub: { id: string; name: string };
  period: { label: string; start: string; end: string };
  generatedAt: string;
  periodicals: { periodicalId: string; periodicalName: string }[];
  rows: {
    orgId: string;
    orgName: string;
    submitted: number;
    adopted: number;
    adoptions: number;
    adoptionRate: number | null;
    adoptedByPeriodical: { periodicalId: string; count: number }[];
    points: number;
    zeroed: boolean;
    rank: number;
    tied: boolean;
    lagging: boolean;
    missed: string[];
    adoptedTitles: { title: string; periodicalName: string; typeLabel: string; adoptedAt: string }[];
  }[];
  lagging: { orgId: string; orgName: string; missed: string[] }[];
}

/** Freezes the period's statistics into a draft 通报; answers its summary. */
export async function createNotice(
  ctx: UseCaseContext,
  hubId: string,
  input: { title: string; remarks: string | null; period: PeriodSpec },
) {
  const {
    hub,
    rules: { rules },
  } = await hubWithRules(ctx, hubId, 'compose_notice');
  const period = requestedPeriod(input.period);
  const stats = await unitStats(ctx.tx, hubId, rules, period);
  const lagging = await laggingUnits(ctx, hubId, period, stats);
  const laggingBy = new Map(lagging.map((l) => [l.orgId, l]));
  const head: Omit<NoticeSnapshot, 'rows'> = {
    hub: { id: hub.id, name: hub.name },
    period: { label: period.label, start: period.start.toISOString(), end: period.end.toISOString() },
    generatedAt: ctx.now.toISOString(),
    periodicals:
      stats[0]?.adoptedByPeriodical.map((p) => ({
        periodicalId: p.periodicalId,
        periodicalName: p.periodicalName,
      })) ?? [],
    lagging: lagging.map((l) => ({ orgId: l.orgId, orgName: l.orgName, missed: l.missed })),
  };
  const rows: Omit<NoticeSnapshot['rows'][number], 'adoptedTitles'>[] = stats.map((s) => ({
    orgId: s.orgId,
    orgName: s.orgName,
    submitted: s.submitted,
    adopted: s.adopted,
    adoptions: s.adoptions,
    adoptionRate: s.adoptionRate,
    adoptedByPeriodical: s.adoptedByPeriodical.map((p) => ({ periodicalId: p.periodicalId, count: p.count })),
    points: s.points,
    zeroed: s.zeroed,
    rank: s.rank,
    tied: s.tied,
    lagging: laggingBy.has(s.orgId),
    missed: laggingBy.get(s.orgId)?.missed ?? [],
  }));
  const row: Omit<NoticeRow, 'snapshot'> = {
    id: randomUUID(),
    hubId,
    title: input.title,
    periodStart: period.start,
    periodEnd: period.end,
    periodLabel: period.label,
    remarks: input.remarks,
    state: 'draft',
    createdBy: ctx.actor.userId,
    createdAt: ctx.now,
    issuedAt: null,
  };
  // The table is completed with every unit's adopted titles in the database (sql/notice-snapshot.sql);
  // the notice and its audit row go in one statement and nothing is read back (the snapshot is large).
  const snapshot = sql`(${namedQuery('notice-snapshot', {
    head: JSON.stringify(head),
    rows: JSON.stringify(rows),
    typeLabels: JSON.stringify(ADOPTION_TYPE_LABELS),
    hubId,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
  })})`;
  const inserted = ctx.tx.$with('inserted_notice').as(
    ctx.tx
      .insert(notices)
      .values({ ...row, snapshot })
      .returning({ id: notices.id }),
  );
  await ctx.tx
    .with(inserted)
    .insert(auditLog)
    .values(auditScoringRow(ctx, 'notice_create', 'notice', row.id, { hubId, period: period.label }));
  // The new draft as its composer sees it, without the table.
  const { snapshot: _table, ...summary } = presentNotice(ctx, { ...row, snapshot: {} }, false);
  return summary;
}

type NoticeRow = typeof notices.$inferSelect;

async function loadNotice(
  ctx: UseCaseContext,
  id: string,
  forUpdate = false,
): Promise<{ notice: NoticeRow; recipient: boolean; myRecipientOrgs: string[] }> {
  const q = ctx.tx.select().from(notices).where(eq(notices.id, id));
  const [notice] = forUpdate ? await q.for('update') : await q;
  if (!notice) throw notFound('通报');
  const myOrgs = orgsWithRole(ctx.actor, BUSINESS_ROLES);
  const mine = myOrgs.length
    ? await ctx.tx
        .select({ orgId: noticeRecipients.orgId })
        .from(noticeRecipients)
        .where(and(eq(noticeRecipients.noticeId, id), inArray(noticeRecipients.orgId, myOrgs)))
    : [];
  const recipient = mine.length > 0;
  const facts = { hubId: notice.hubId, noticeState: notice.state, actorIsRecipient: recipient };
  if (!can(ctx.actor, 'scoring', 'read_notice', facts).ok) throw notFound('通报');
  return { notice, recipient, myRecipientOrgs: mine.map((m) => m.orgId) };
}

/** 印发: locks the notice and sends it to every unit of its table, each told in the system. */
export async function issueNotice(ctx: UseCaseContext, id: string) {
  const { notice } = await loadNotice(ctx, id, true);
  if (notice.state !== 'draft')
    throw new AppError('illegal_transition', '该通报已印发，不能重复印发', { state: notice.state });
  authorize(ctx.actor, 'scoring', 'issue_notice', { hubId: notice.hubId, noticeState: notice.state });
  const r = await ctx.tx
    .update(notices)
    .set({ state: 'issued', issuedAt: ctx.now })
    .where(and(eq(notices.id, id), eq(notices.state, 'draft')))
    .returning({ id: notices.id });
  if (r.length === 0)
    throw new AppError('illegal_transition', '该通报已印发，不能重复印发', { state: 'issued' });
  const snapshot = notice.snapshot as unknown as NoticeSnapshot;
  const orgIds = [...new Set(snapshot.rows.map((row) => row.orgId))];
  if (orgIds.length) {
    await ctx.tx.insert(noticeRecipients).values(orgIds.map((orgId) => ({ noticeId: id, orgId })));
    await notify(ctx, orgIds, {
      kind: 'notice',
      title: `${snapshot.hub.name}印发《${notice.title}》`,
      body: `${notice.periodLabel}政务信息报送采用情况通报`,
      link: { type: 'notice', id },
    });
  }
  await auditScoring(ctx, 'notice_issue', 'notice', id, { recipients: orgIds.length });
}

export function presentNotice(ctx: UseCaseContext, n: NoticeRow, recipient: boolean) {
  const facts = { hubId: n.hubId, noticeState: n.state, actorIsRecipient: recipient };
  return {
    id: n.id,
    hubId: n.hubId,
    title: n.title,
    periodLabel: n.periodLabel,
    periodStart: n.periodStart.toISOString(),
    periodEnd: n.periodEnd.toISOString(),
    remarks: n.remarks,
    state: n.state,
    stateLabel: n.state === 'draft' ? '草稿' : '已印发',
    createdAt: n.createdAt.toISOString(),
    issuedAt: n.issuedAt?.toISOString() ?? null,
    snapshot: n.snapshot as unknown as NoticeSnapshot,
    abilities: {
      issue: can(ctx.actor, 'scoring', 'issue_notice', facts).ok,
      export: can(ctx.actor, 'scoring', 'read_notice', facts).ok,
    },
  };
}

/** A notice as the actor may see it; reading changes nothing. */
export async function readNotice(ctx: UseCaseContext, id: string) {
  const { notice, recipient } = await loadNotice(ctx, id);
  return presentNotice(ctx, notice, recipient);
}

/** The notice page was opened: a recipient unit's first reading is recorded (once, however often posted). */
export async function recordNoticeRead(ctx: UseCaseContext, id: string) {
  const { notice, recipient, myRecipientOrgs } = await loadNotice(ctx, id);
  if (notice.state === 'issued' && myRecipientOrgs.length)
    await ctx.tx
      .update(noticeRecipients)
      .set({ firstReadAt: ctx.now, firstReadBy: ctx.actor.userId })
      .where(
        and(
          eq(noticeRecipients.noticeId, id),
          inArray(noticeRecipients.orgId, myRecipientOrgs),
          isNull(noticeRecipients.firstReadAt),
        ),
      );
  return presentNotice(ctx, notice, recipient);
}

/** For exports: the notice if the actor may read it (no read receipt). */
export async function noticeForExport(ctx: UseCaseContext, id: string) {
  const { notice } = await loadNotice(ctx, id);
  return notice;
}

/** Notices sent to the actor's units, newest first, with whether the unit has read them. */
export async function myNotices(ctx: UseCaseContext) {
  const myOrgs = orgsWithRole(ctx.actor, BUSINESS_ROLES);
  if (myOrgs.length === 0) return [];
  const rows = await ctx.tx
    .select({
      n: notices,
      orgId: noticeRecipients.orgId,
      firstReadAt: noticeRecipients.firstReadAt,
      hubName: orgs.name,
    })
    .from(noticeRecipients)
    .innerJoin(notices, eq(notices.id, noticeRecipients.noticeId))
    .innerJoin(orgs, eq(orgs.id, notices.hubId))
    .where(and(inArray(noticeRecipients.orgId, myOrgs), eq(notices.state, 'issued')))
    .orderBy(desc(notices.issuedAt))
    .limit(200);
  return rows.map((r) => ({
    id: r.n.id,
    title: r.n.title,
    hubId: r.n.hubId,
    hubName: r.hubName,
    periodLabel: r.n.periodLabel,
    issuedAt: r.n.issuedAt?.toISOString() ?? null,
    orgId: r.orgId,
    read: r.firstReadAt !== null,
  }));
}

/** A hub's own notices (drafts and issued), with read counts. */
export async function hubNotices(ctx: UseCaseContext, hubId: string) {
  await hubFor(ctx, hubId, 'view');
  const rows = await ctx.tx
    .select()
    .from(notices)
    .where(eq(notices.hubId, hubId))
    .orderBy(desc(notices.createdAt))
    .limit(200);
  return rows.map((n) => ({ ...presentNotice(ctx, n, false), snapshot: undefined }));
}
