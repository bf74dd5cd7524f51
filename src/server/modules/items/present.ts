import { and, asc, eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../http/context.js';
import { abilities, can } from '../../policy/authorize.js';
import { isHubMember, isInUnit } from '../../policy/predicates.js';
import { hubStages, orgs, users } from '../orgs/schema.js';
import { ISSUE_STATE_LABELS } from '../periodicals/domain.js';
import { issueNumberLabel } from '../periodicals/format.js';
import { issueEntries, issueEntrySources, periodicalIssues, periodicals } from '../periodicals/schema.js';
import {
  ADOPTION_TYPE_LABELS,
  CATEGORY_LABELS,
  DISCLOSURE_LABELS,
  REPORT_STAGE_LABELS,
  URGENCY_LABELS,
} from './domain/catalog.js';
import {
  HOP_ACTIONS,
  HOP_STATE_LABELS,
  ITEM_STATE_LABELS,
  hopActionsFrom,
  itemActionsFrom,
  overallStatus,
  withdrawableAfterSubmit,
  type HopAction,
} from './domain/states.js';
import type { HopPolicyAction } from './hop-policy.js';
import type { ItemFacts, ItemPolicyAction } from './policy.js';
import { loadVisibleItem } from './repo.js';
import { adoptions, hops, itemCoReporters, itemEvents, itemVersions, type HopRow } from './schema.js';

/** The unit's review and sign-off opinions travel with the item to every hub that receives it. */
const OPINIONS_THAT_TRAVEL = new Set(['approve', 'approve_and_sign', 'sign', 'revise_requested']);
const ITEM_BUTTONS: Exclude<ItemPolicyAction, 'view' | 'approve_and_sign'>[] = [
  'edit',
  'submit_for_review',
  'approve',
  'return',
  'sign',
  'withdraw',
];

/** Which hops of an item the actor sees: all of them inside the unit; along their own chains for hubs. */
export function visibleHops(ctx: UseCaseContext, facts: ItemFacts, all: readonly HopRow[]): HopRow[] {
  const a = ctx.actor;
  if (isInUnit(a, facts.orgId) || facts.coReporterOrgIds.some((o) => isInUnit(a, o))) return [...all];
  const roots = new Set(
    all.filter((h) => isHubMember(a, h.toOrgId) || isHubMember(a, h.fromOrgId)).map((h) => h.rootHopId),
  );
  return all.filter((h) => roots.has(h.rootHopId));
}

/** The item detail page: content, versions, chain of hops with their outcomes, timeline, and abilities. */
export async function presentItemDetail(ctx: UseCaseContext, itemId: string) {
  const { item, facts } = await loadVisibleItem(ctx, itemId);
  const db = ctx.tx;
  const [allHops, versions, events, adoptionRows, coReporters, [origin], [author]] = await Promise.all([
    db.select().from(hops).where(eq(hops.itemId, item.id)).orderBy(asc(hops.submittedAt)),
    db
      .select({ v: itemVersions, orgName: orgs.name, authorName: users.displayName })
      .from(itemVersions)
      .innerJoin(orgs, eq(orgs.id, itemVersions.orgId))
      .innerJoin(users, eq(users.id, itemVersions.createdBy))
      .where(eq(itemVersions.itemId, item.id))
      .orderBy(asc(itemVersions.no)),
    db
      .select({ e: itemEvents, actorName: users.displayName, orgName: orgs.name })
      .from(itemEvents)
      .innerJoin(users, eq(users.id, itemEvents.actorId))
      .innerJoin(orgs, eq(orgs.id, itemEvents.actorOrgId))
      .where(eq(itemEvents.itemId, item.id))
      .orderBy(asc(itemEvents.id)),
    db
      .select({
        a: adoptions,
        periodicalName: periodicals.name,
        hubName: orgs.name,
        issue: {
          id: periodicalIssues.id,
          state: periodicalIssues.state,
          year: periodicalIssues.year,
          yearNo: periodicalIssues.yearNo,
          totalNo: periodicalIssues.totalNo,
          issueDate: periodicalIssues.issueDate,
        },
      })
      .from(adoptions)
      .innerJoin(periodicals, eq(periodicals.id, adoptions.periodicalId))
      .innerJoin(orgs, eq(orgs.id, adoptions.hubId))
      .leftJoin(issueEntrySources, eq(issueEntrySources.adoptionId, adoptions.id))
      .leftJoin(issueEntries, eq(issueEntries.id, issueEntrySources.entryId))
      .leftJoin(
        periodicalIssues,
        and(
          eq(periodicalIssues.id, issueEntries.issueId),
          inArray(periodicalIssues.state, ['issued', 'recalled']),
        ),
      )
      .where(eq(adoptions.itemId, item.id)),
    db
      .select({ id: orgs.id, name: orgs.name })
      .from(itemCoReporters)
      .innerJoin(orgs, eq(orgs.id, itemCoReporters.orgId))
      .where(eq(itemCoReporters.itemId, item.id)),
    db
      .select({ id: orgs.id, name: orgs.name, reviewMode: orgs.reviewMode })
      .from(orgs)
      .where(eq(orgs.id, item.orgId)),
    db.select({ name: users.displayName }).from(users).where(eq(users.id, item.authorId)),
  ]);
  const hopsSeen = visibleHops(ctx, facts, allHops);
  const seenHopIds = new Set(hopsSeen.map((h) => h.id));
  const wholeUnit =
    isInUnit(ctx.actor, item.orgId) || facts.coReporterOrgIds.some((o) => isInUnit(ctx.actor, o));
  const hubOrgIds = new Set(hopsSeen.flatMap((h) => [h.toOrgId, h.fromOrgId]));
  const referenced = new Set(hopsSeen.flatMap((h) => [h.versionId, h.workingVersionId]).filter(Boolean));
  const versionsSeen = versions.filter(
    ({ v }) => wholeUnit || referenced.has(v.id) || (hubOrgIds.has(v.orgId) && v.orgId !== item.orgId),
  );
  const hopOrgIds = [...new Set(hopsSeen.flatMap((h) => [h.toOrgId, h.fromOrgId]))];
  const [hopOrgs, stages] = await Promise.all([
    hopOrgIds.length
      ? db.select({ id: orgs.id, name: orgs.name }).from(orgs).where(inArray(orgs.id, hopOrgIds))
      : [],
    hopOrgIds.length
      ? db
          .select()
          .from(hubStages)
          .where(inArray(hubStages.hubId, hopOrgIds))
          .orderBy(asc(hubStages.position))
      : [],
  ]);
  const orgName = (id: string) => hopOrgs.find((o) => o.id === id)?.name ?? '';
  const versionNo = (id: string | null) => versions.find(({ v }) => v.id === id)?.v.no ?? null;
  const legalItem = new Set(itemActionsFrom(item.state));
  const itemAbilities = abilities(ctx.actor, 'item', ITEM_BUTTONS, facts);
  for (const a of ITEM_BUTTONS) {
    const legal =
      a === 'approve' ? legalItem.has('approve') || legalItem.has('approve_and_sign') : legalItem.has(a);
    itemAbilities[a] = itemAbilities[a] && legal;
  }
  if (item.state === 'submitted') {
    const roots = allHops.filter((h) => h.parentHopId === null).map((h) => h.state);
    itemAbilities.withdraw = itemAbilities.withdraw && withdrawableAfterSubmit(roots);
  }
  if (origin?.reviewMode === 'merged' && item.state === 'in_review')
    itemAbilities.approve = can(ctx.actor, 'item', 'approve_and_sign', facts).ok;

  const latest = versionsSeen[versionsSeen.length - 1]?.v;
  const activeRootHops = allHops.filter((x) => x.parentHopId === null && x.state !== 'withdrawn').length;
  return {
    id: item.id,
    title: item.title,
    state: item.state,
    stateLabel: ITEM_STATE_LABELS[item.state],
    overallStatus: overallStatus(
      item.state,
      allHops.filter((h) => h.parentHopId === null).map((h) => h.state),
      adoptionRows.some(({ a }) => a.revokedAt === null && seenHopIds.has(a.hopId)),
    ),
    category: item.category,
    categoryLabel: CATEGORY_LABELS[item.category],
    urgency: item.urgency,
    urgencyLabel: URGENCY_LABELS[item.urgency],
    disclosure: item.disclosure,
    disclosureLabel: DISCLOSURE_LABELS[item.disclosure],
    reportStage: item.reportStage,
    reportStageLabel: item.reportStage ? REPORT_STAGE_LABELS[item.reportStage] : null,
    org: origin ? { id: origin.id, name: origin.name, reviewMode: origin.reviewMode } : null,
    authorName: author?.name ?? '',
    rowVersion: item.rowVersion,
    currentVersionNo: item.currentVersionNo,
    targetOrgIds: item.targetOrgIds,
    coReporters,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    submittedAt: item.submittedAt,
    content: latest
      ? wholeUnit
        ? (versions.find(({ v }) => v.no === item.currentVersionNo)?.v ?? latest)
        : latest
      : null,
    versions: versionsSeen.map(({ v, orgName: o, authorName: by }) => ({
      no: v.no,
      title: v.title,
      orgId: v.orgId,
      orgName: o,
      authorName: by,
      basedOnNo: v.basedOnNo,
      note: v.note,
      createdAt: v.createdAt,
      byHub: v.orgId !== item.orgId,
    })),
    hops: hopsSeen.map((h) => {
      const hubStageList = stages.filter((s) => s.hubId === h.toOrgId);
      const current = hubStageList.find((s) => s.position === h.stage);
      const facts = {
        toOrgId: h.toOrgId,
        fromOrgId: h.fromOrgId,
        originOrgId: item.orgId,
        forwarded: h.parentHopId !== null,
        stageRole: h.state === 'received' && current ? current.role : null,
      };
      const legal = new Set<HopAction>(
        hopActionsFrom({ state: h.state, stage: h.stage, stageCount: hubStageList.length }),
      );
      const hopAbilities = abilities(ctx.actor, 'hop', HOP_ACTIONS as readonly HopPolicyAction[], facts);
      for (const a of HOP_ACTIONS) hopAbilities[a] = hopAbilities[a] && legal.has(a);
      if (!facts.forwarded) hopAbilities.resubmit = false;
      // With a single pending submission, withdrawing the item (撤回) is the same act: offer it once.
      if (!facts.forwarded && activeRootHops <= 1) hopAbilities.withdraw = false;
      return {
        id: h.id,
        parentHopId: h.parentHopId,
        fromOrgId: h.fromOrgId,
        fromOrgName: orgName(h.fromOrgId),
        toOrgId: h.toOrgId,
        toOrgName: orgName(h.toOrgId),
        state: h.state,
        stateLabel: HOP_STATE_LABELS[h.state],
        stage: h.stage,
        stageName: current?.name ?? null,
        stages: hubStageList.map((s) => ({ position: s.position, name: s.name })),
        urgency: h.urgency,
        signForDeadline: h.signForDeadline,
        versionNo: versionNo(h.versionId),
        workingVersionNo: versionNo(h.workingVersionId),
        lastReason: h.lastReason,
        rowVersion: h.rowVersion,
        submittedAt: h.submittedAt,
        receivedAt: h.receivedAt,
        abilities: hopAbilities,
      };
    }),
    adoptions: adoptionRows
      .filter(({ a }) => seenHopIds.has(a.hopId))
      .map(({ a, periodicalName, hubName, issue }) => ({
        id: a.id,
        hopId: a.hopId,
        hubName,
        periodicalName,
        type: a.type,
        typeLabel: ADOPTION_TYPE_LABELS[a.type],
        adoptedAt: a.adoptedAt,
        revokedAt: a.revokedAt,
        /** The issue that published it, once issued: “被《XX政务信息》2026年第12期采用”. */
        issue: issue?.id
          ? {
              id: issue.id,
              periodicalName,
              year: issue.year,
              yearNo: issue.yearNo,
              totalNo: issue.totalNo,
              numberLabel: issueNumberLabel(issue),
              issueDate: issue.issueDate,
              state: issue.state,
              stateLabel: issue.state ? ISSUE_STATE_LABELS[issue.state] : null,
            }
          : null,
      })),
    timeline: events
      .filter(({ e }) => e.hopId === null || seenHopIds.has(e.hopId))
      .filter(({ e }) => wholeUnit || e.hopId !== null || OPINIONS_THAT_TRAVEL.has(e.action))
      .map(({ e, actorName, orgName: o }) => ({
        id: e.id,
        action: e.action,
        fromState: e.fromState,
        toState: e.toState,
        comment: e.comment,
        data: e.data,
        actorName,
        orgName: o,
        hopId: e.hopId,
        at: e.createdAt,
      })),
    abilities: itemAbilities,
  };
}
