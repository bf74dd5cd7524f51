import { asc, eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../http/context.js';
import { abilities } from '../../policy/authorize.js';
import { orgs, users } from '../orgs/schema.js';
import {
  ISSUE_STATE_LABELS,
  PERIODICAL_KIND_LABELS,
  issueActionsFrom,
  type IssueAction,
  type RecipientKind,
} from './domain.js';
import { issueNumberLabel, readRate } from './format.js';
import type { IssuePolicyAction } from './policy.js';
import type { LoadedIssue } from './repo.js';
import {
  issueEntries,
  issueEntrySources,
  issueRecipients,
  issueReviews,
  type IssueEntryRow,
  type PeriodicalRow,
} from './schema.js';
import { isMemberOf } from './policy.js';
import { visibleEntryIds } from './use-cases/read-issue.js';

const RECIPIENT_KIND_LABELS = {
  initial: '印发',
  additional: '增发',
  excerpt: '摘发',
} as const satisfies Record<RecipientKind, string>;

/** A periodical's settings as the UI edits them, with the buttons the actor may use. */
export function presentPeriodical(ctx: UseCaseContext, p: PeriodicalRow) {
  return {
    id: p.id,
    hubId: p.hubId,
    name: p.name,
    kind: p.kind,
    kindLabel: PERIODICAL_KIND_LABELS[p.kind],
    publisherName: p.publisherName,
    totalNoBase: p.totalNoBase,
    yearNoBase: p.yearNoBase,
    yearNoBaseYear: p.yearNoBaseYear,
    defaultLines: p.defaultLines,
    defaultRecipientOrgIds: p.defaultRecipientOrgIds,
    defaultCopies: p.defaultCopies,
    active: p.active,
    rowVersion: p.rowVersion,
    createdAt: p.createdAt,
    abilities: abilities(ctx.actor, 'periodical', ['configure', 'compile', 'list_issues'] as const, {
      hubId: p.hubId,
    }),
  };
}

/** Which policy action gates which state-table arrow, for the abilities sent with an issue. */
const BUTTONS = {
  edit: 'edit',
  submit: 'submit',
  review: 'review',
  send_back: 'review',
  sign: 'sign',
  issue: 'issue',
  distribute: 'distribute',
  recall: 'recall',
} as const satisfies Record<IssueAction, IssuePolicyAction>;

/**
 * The issue as the actor sees it: the hub sees everything (entries with their sources, reviews, the
 * distribution with read receipts and 阅读率); a reader sees the entries sent to their unit.
 */
export async function presentIssue(ctx: UseCaseContext, loaded: LoadedIssue) {
  const { issue, periodical, facts } = loaded;
  const db = ctx.tx;
  const hubView = isMemberOf(ctx.actor, periodical.hubId);
  const [allEntries, [hub], only] = await Promise.all([
    db
      .select()
      .from(issueEntries)
      .where(eq(issueEntries.issueId, issue.id))
      .orderBy(asc(issueEntries.position)),
    db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, periodical.hubId)),
    visibleEntryIds(ctx, loaded),
  ]);
  const entries = only ? allEntries.filter((e) => only.has(e.id)) : allEntries;
  const entryIds = entries.map((e) => e.id);
  const [sources, reviews, recipients] = hubView
    ? await Promise.all([
        entryIds.length
          ? db
              .select({ entryId: issueEntrySources.entryId, adoptionId: issueEntrySources.adoptionId })
              .from(issueEntrySources)
              .where(inArray(issueEntrySources.entryId, entryIds))
          : [],
        db
          .select({ r: issueReviews, reviewerName: users.displayName })
          .from(issueReviews)
          .innerJoin(users, eq(users.id, issueReviews.reviewerId))
          .where(eq(issueReviews.issueId, issue.id))
          .orderBy(asc(issueReviews.id)),
        db
          .select({ r: issueRecipients, orgName: orgs.name, readerName: users.displayName })
          .from(issueRecipients)
          .innerJoin(orgs, eq(orgs.id, issueRecipients.orgId))
          .leftJoin(users, eq(users.id, issueRecipients.firstReadBy))
          .where(eq(issueRecipients.issueId, issue.id))
          .orderBy(asc(issueRecipients.sentAt), asc(orgs.sortOrder), asc(orgs.name)),
      ])
    : [[], [], []];

  const legal = new Set(issueActionsFrom(issue.state));
  const buttons = {} as Record<IssueAction, boolean>;
  const allowed = abilities(ctx.actor, 'issue', Object.values(BUTTONS), facts);
  for (const a of Object.keys(BUTTONS) as IssueAction[]) buttons[a] = legal.has(a) && allowed[BUTTONS[a]];
  const readCount = recipients.filter(({ r }) => r.firstReadAt !== null).length;
  return {
    id: issue.id,
    periodical: {
      id: periodical.id,
      name: periodical.name,
      kind: periodical.kind,
      kindLabel: PERIODICAL_KIND_LABELS[periodical.kind],
    },
    hubId: periodical.hubId,
    publisherName: periodical.publisherName ?? hub?.name ?? '',
    state: issue.state,
    stateLabel: ISSUE_STATE_LABELS[issue.state],
    title: issue.title,
    year: issue.year,
    yearNo: issue.yearNo,
    totalNo: issue.totalNo,
    numberLabel: issueNumberLabel(issue),
    issueDate: issue.issueDate,
    lines: issue.lines,
    copies: issue.copies,
    rowVersion: issue.rowVersion,
    createdAt: issue.createdAt,
    signedAt: issue.signedAt,
    issuedAt: issue.issuedAt,
    recalledAt: issue.recalledAt,
    recallReason: hubView ? issue.recallReason : null,
    excerpt: only !== null,
    entries: entries.map((e: IssueEntryRow) => ({
      id: e.id,
      position: e.position,
      title: e.title,
      bodyHtml: e.bodyHtml,
      editorNote: e.editorNote,
      sourceLine: e.sourceLine,
      combined: e.combined,
      rowVersion: e.rowVersion,
      adoptionIds: sources.filter((s) => s.entryId === e.id).map((s) => s.adoptionId),
    })),
    reviews: reviews.map(({ r, reviewerName }) => ({
      id: r.id,
      reviewerName,
      decision: r.decision,
      decisionLabel: r.decision === 'agree' ? '同意' : '不同意',
      opinion: r.opinion,
      at: r.createdAt,
    })),
    distribution: hubView
      ? {
          recipients: recipients.map(({ r, orgName, readerName }) => ({
            orgId: r.orgId,
            orgName,
            kind: r.kind,
            kindLabel: RECIPIENT_KIND_LABELS[r.kind],
            entryIds: r.entryIds,
            sentAt: r.sentAt,
            firstReadAt: r.firstReadAt,
            firstReaderName: readerName,
            recalledAt: r.recalledAt,
          })),
          total: recipients.length,
          read: readCount,
          readRate: readRate(readCount, recipients.length),
        }
      : null,
    abilities: { ...buttons, export: true },
  };
}
