import { z } from 'zod';
import { ADOPTION_TYPES, CATEGORIES, DISCLOSURES, REPORT_STAGES, URGENCIES } from './domain/catalog.js';
import { HOP_ACTIONS, HOP_STATES, ITEM_ACTIONS, ITEM_STATES } from './domain/states.js';
import { ORG_LEVELS, REVIEW_MODES } from '../orgs/domain.js';
import { ISSUE_STATES } from '../periodicals/domain.js';
import { entityId } from '../../http/entity-id.js';

/** Request and response schemas: they validate, type the handlers and write the OpenAPI document. */
export const IdParams = z.strictObject({ id: entityId({ error: '编号格式不正确' }) });

const meta = {
  category: z.enum(CATEGORIES),
  urgency: z.enum(URGENCIES),
  disclosure: z.enum(DISCLOSURES),
  reportStage: z.enum(REPORT_STAGES).nullish(),
  followsItemId: entityId().nullish(),
  coReporterOrgIds: z.array(entityId()).max(20).optional(),
  targetOrgIds: z.array(entityId()).max(5).optional(),
};

export const CreateItemBody = z.strictObject({
  orgId: entityId(),
  title: z.string().max(200),
  bodyHtml: z.string().max(500_000),
  ...meta,
});

export const EditItemBody = z.strictObject({
  rowVersion: z.number().int().positive(),
  title: z.string().max(200),
  bodyHtml: z.string().max(500_000),
  note: z.string().max(500).nullish(),
  category: meta.category.optional(),
  urgency: meta.urgency.optional(),
  disclosure: meta.disclosure.optional(),
  reportStage: meta.reportStage,
  coReporterOrgIds: meta.coReporterOrgIds,
  targetOrgIds: meta.targetOrgIds,
});

export const OpinionBody = z.strictObject({ opinion: z.string().max(2000).nullish() });
/**
 * 本环节通过: the stage the approver saw (the hop's `stage`). Without it a second click, or a colleague
 * approving the same stage at the same moment, would pass the next stage too, unseen.
 */
export const AdvanceBody = z.strictObject({
  opinion: z.string().max(2000).nullish(),
  stage: z.number().int().min(1).max(100),
});
export const RequiredOpinionBody = z.strictObject({ opinion: z.string().min(1, '请填写意见').max(2000) });
export const SignBody = z.strictObject({
  opinion: z.string().max(2000).nullish(),
  targetOrgIds: z.array(entityId()).min(1).max(5).optional(),
});
export const ReasonBody = z.strictObject({ reason: z.string().min(1, '请填写理由').max(2000) });
export const CommentBody = z.strictObject({ comment: z.string().max(2000).nullish() });

export const ItemListQuery = z.strictObject({
  box: z.enum(['mine', 'unit', 'review', 'signoff']).default('mine'),
  state: z.enum(ITEM_STATES).optional(),
  category: z.enum(CATEGORIES).optional(),
  q: z.string().max(100).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const InboxQuery = z.strictObject({
  /** in: submissions to the actor's hubs (收件箱); out: what those hubs forwarded upward (转报件). */
  direction: z.enum(['in', 'out']).default('in'),
  hubId: entityId().optional(),
  state: z.enum(HOP_STATES).optional(),
  category: z.enum(CATEGORIES).optional(),
  urgency: z.enum(URGENCIES).optional(),
  fromOrgId: entityId().optional(),
  q: z.string().max(100).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const DiffQuery = z.strictObject({
  from: z.coerce.number().int().positive(),
  to: z.coerce.number().int().positive(),
});

export const HubEditBody = z.strictObject({
  rowVersion: z.number().int().positive(),
  title: z.string().max(200),
  bodyHtml: z.string().max(500_000),
  note: z.string().max(500).nullish(),
});
export const ForwardBody = z.strictObject({
  targetOrgId: entityId(),
  comment: z.string().max(2000).nullish(),
});
export const AdoptBody = z.strictObject({
  periodicalId: entityId(),
  type: z.enum(ADOPTION_TYPES).default('single'),
  comment: z.string().max(2000).nullish(),
});

// ---- responses ----------------------------------------------------------------------------------
// Declared on every route: Fastify serialises through them, so an answer carries these fields and no
// other, and /api/openapi.json describes it. Dates are Date on the server and ISO strings on the wire.

const uuid = z.uuid();
const int = z.number().int();
const at = z.date();
const itemState = z.enum(ITEM_STATES);
const hopState = z.enum(HOP_STATES);

/**
 * What an item action (edit, submit, approve, return, sign, withdraw) answers: what changed, not the
 * rebuilt item. The caller re-reads GET /api/items/:id when it wants the whole picture.
 */
export const ItemTransitionResult = z.object({
  itemId: uuid,
  action: z.enum(ITEM_ACTIONS),
  /** The item's state after the action. */
  state: itemState,
  /** The row version the next edit must send. */
  rowVersion: int,
  currentVersionNo: int,
  /** The timeline event the action wrote. */
  eventId: int,
  at,
  /** Hops this action created, resubmitted or withdrew (sign, approve-and-sign, withdraw); else empty. */
  hops: z.array(z.object({ id: uuid, toOrgId: uuid, state: hopState })),
});
export type ItemTransitionResult = z.output<typeof ItemTransitionResult>;

/** What a hop action (receive, advance, return, reject, archive, edit, forward, adopt …) answers. */
export const HopTransitionResult = z.object({
  itemId: uuid,
  hopId: uuid,
  action: z.enum(HOP_ACTIONS),
  /** The hop's state, receiving stage and row version after the action. */
  state: hopState,
  stage: int,
  rowVersion: int,
  /** The item's unit-side state after the action (a return of the unit's own submission: revising). */
  itemState,
  eventId: int,
  at,
  /** forward: the new pending hop at the upper hub. */
  createdHopId: uuid.nullable(),
  /** adopt: the new adoption; revoke: the revoked one. */
  adoptionId: uuid.nullable(),
  /** edit at the hub: the new version's number. */
  versionNo: int.nullable(),
});
export type HopTransitionResult = z.output<typeof HopTransitionResult>;

const orgRef = z.object({ id: uuid, name: z.string() });
const bool = z.boolean();

/** One version's text, as the detail page and the hub's editor show it. */
export const VersionContent = z.object({
  no: int,
  title: z.string(),
  bodyHtml: z.string(),
  /** The plain text of the body (what the editor counts and checks). */
  bodyText: z.string(),
  orgId: uuid,
  basedOnNo: int.nullable(),
  note: z.string().nullable(),
  createdAt: at,
});

const HopView = z.object({
  id: uuid,
  parentHopId: uuid.nullable(),
  fromOrgId: uuid,
  fromOrgName: z.string(),
  toOrgId: uuid,
  toOrgName: z.string(),
  state: hopState,
  stateLabel: z.string(),
  stage: int,
  stageName: z.string().nullable(),
  stages: z.array(z.object({ position: int, name: z.string() })),
  urgency: z.enum(URGENCIES),
  signForDeadline: at.nullable(),
  versionNo: int.nullable(),
  workingVersionNo: int.nullable(),
  lastReason: z.string().nullable(),
  rowVersion: int,
  submittedAt: at,
  receivedAt: at.nullable(),
  abilities: z.object({
    receive: bool,
    advance: bool,
    edit: bool,
    return: bool,
    reject: bool,
    resubmit: bool,
    adopt: bool,
    revoke_adoption: bool,
    forward: bool,
    archive: bool,
    withdraw: bool,
  }),
});

const AdoptionView = z.object({
  id: uuid,
  hopId: uuid,
  hubName: z.string(),
  periodicalName: z.string(),
  type: z.enum(ADOPTION_TYPES),
  typeLabel: z.string(),
  adoptedAt: at,
  revokedAt: at.nullable(),
  issue: z
    .object({
      id: uuid,
      periodicalName: z.string(),
      year: int.nullable(),
      yearNo: int.nullable(),
      totalNo: int.nullable(),
      numberLabel: z.string(),
      issueDate: z.string().nullable(),
      state: z.enum(ISSUE_STATES),
      stateLabel: z.string().nullable(),
    })
    .nullable(),
});

/** GET /api/items/:id (and the 201 of creating one): the whole item as the actor may see it. */
export const ItemDetail = z.object({
  id: uuid,
  title: z.string(),
  state: itemState,
  stateLabel: z.string(),
  overallStatus: z.string(),
  category: z.enum(CATEGORIES),
  categoryLabel: z.string(),
  urgency: z.enum(URGENCIES),
  urgencyLabel: z.string(),
  disclosure: z.enum(DISCLOSURES),
  disclosureLabel: z.string(),
  reportStage: z.enum(REPORT_STAGES).nullable(),
  reportStageLabel: z.string().nullable(),
  org: z.object({ id: uuid, name: z.string(), reviewMode: z.enum(REVIEW_MODES) }).nullable(),
  authorName: z.string(),
  rowVersion: int,
  currentVersionNo: int,
  targetOrgIds: z.array(uuid),
  coReporters: z.array(orgRef),
  createdAt: at,
  updatedAt: at,
  submittedAt: at.nullable(),
  content: VersionContent.nullable(),
  versions: z.array(
    z.object({
      no: int,
      title: z.string(),
      orgId: uuid,
      orgName: z.string(),
      authorName: z.string(),
      basedOnNo: int.nullable(),
      note: z.string().nullable(),
      createdAt: at,
      byHub: bool,
    }),
  ),
  hops: z.array(HopView),
  adoptions: z.array(AdoptionView),
  timeline: z.array(
    z.object({
      id: int,
      action: z.string(),
      fromState: z.string().nullable(),
      toState: z.string().nullable(),
      comment: z.string().nullable(),
      data: z.record(z.string(), z.unknown()).nullable(),
      actorName: z.string(),
      orgName: z.string(),
      hopId: uuid.nullable(),
      at,
    }),
  ),
  abilities: z.object({
    edit: bool,
    submit_for_review: bool,
    approve: bool,
    return: bool,
    sign: bool,
    withdraw: bool,
  }),
});

const nextCursor = z.string().nullable();

export const ItemListPage = z.object({
  rows: z.array(
    z.object({
      id: uuid,
      title: z.string(),
      state: itemState,
      category: z.enum(CATEGORIES),
      urgency: z.enum(URGENCIES),
      orgId: uuid,
      orgName: z.string(),
      authorName: z.string(),
      currentVersionNo: int,
      updatedAt: at,
      submittedAt: at.nullable(),
      hopStates: z.array(hopState),
      adoptedIn: z.array(z.string()),
    }),
  ),
  nextCursor,
});

export const InboxPage = z.object({
  rows: z.array(
    z.object({
      hopId: uuid,
      itemId: uuid,
      title: z.string(),
      category: z.enum(CATEGORIES),
      urgency: z.enum(URGENCIES),
      state: hopState,
      stage: int,
      forwarded: bool,
      fromOrgId: uuid,
      fromOrgName: z.string(),
      toOrgId: uuid,
      toOrgName: z.string(),
      originOrgName: z.string(),
      submittedAt: at,
      receivedAt: at.nullable(),
      signForDeadline: at.nullable(),
    }),
  ),
  nextCursor,
});

export const DashboardCounts = z.object({
  drafts: int,
  revising: int,
  toReview: int,
  toSign: int,
  pending: int,
  received: int,
  returnedToMe: int,
});

const diffParts = z.array(z.object({ op: z.enum(['equal', 'insert', 'delete']), text: z.string() }));
export const DiffResult = z.object({ from: int, to: int, title: diffParts, body: diffParts });

/** Hubs a unit may submit to, or a hub may forward to. */
export const TargetOrgs = z.array(z.object({ id: uuid, name: z.string(), level: z.enum(ORG_LEVELS) }));
