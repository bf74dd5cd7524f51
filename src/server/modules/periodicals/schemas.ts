import { z } from 'zod';
import { ISSUE_STATES, PERIODICAL_KINDS, RECIPIENT_KINDS, REVIEW_DECISIONS } from './domain.js';
import { Timestamp } from '../../http/responses.js';
import { ADOPTION_TYPES, CATEGORIES, URGENCIES } from '../items/domain/catalog.js';
import { entityId } from '../../http/entity-id.js';

/** Request schemas of periodicals, issues and their distribution: validation, handler types, OpenAPI. */
export const IdParams = z.strictObject({ id: entityId({ error: '编号格式不正确' }) });
export const EntryParams = z.strictObject({
  id: entityId({ error: '编号格式不正确' }),
  entryId: entityId({ error: '编号格式不正确' }),
});

const line = z.string().trim().min(1).max(200);
export const DistributionLinesSchema = z.strictObject({
  bao: z.array(line).max(50),
  song: z.array(line).max(50),
  fa: z.array(line).max(50),
});
const orgIds = z.array(entityId()).max(2000);
const rowVersion = z.number().int().positive();
const copies = z.number().int().min(0).max(100_000);

export const PeriodicalListQuery = z.strictObject({ hubId: entityId() });
export const CreatePeriodicalBody = z.strictObject({
  hubId: entityId(),
  name: z.string().trim().min(1, '请填写刊物名称').max(50, '刊物名称不能超过50字'),
  kind: z.enum(PERIODICAL_KINDS),
});
export const UpdatePeriodicalBody = z.strictObject({
  rowVersion,
  name: z.string().trim().min(1, '请填写刊物名称').max(50, '刊物名称不能超过50字').optional(),
  kind: z.enum(PERIODICAL_KINDS).optional(),
  publisherName: z.string().trim().min(1).max(100).nullable().optional(),
  totalNoBase: z.number().int().min(0).max(1_000_000).optional(),
  yearNoBase: z.number().int().min(0).max(100_000).optional(),
  yearNoBaseYear: z.number().int().min(1949).max(2200).nullable().optional(),
  defaultLines: DistributionLinesSchema.optional(),
  defaultRecipientOrgIds: orgIds.optional(),
  defaultCopies: copies.optional(),
  active: z.boolean().optional(),
});

const cursor = z.string().max(300).optional();
const limit = z.coerce.number().int().min(1).max(100).default(20);
export const PoolQuery = z.strictObject({ cursor, limit });
export const IssueListQuery = z.strictObject({ state: z.enum(ISSUE_STATES).optional(), cursor, limit });
export const ReceivedQuery = z.strictObject({ unread: z.enum(['true', 'false']).optional(), cursor, limit });

export const CreateIssueBody = z.strictObject({
  title: z.string().trim().max(100).nullish(),
  lines: DistributionLinesSchema.optional(),
  copies: copies.optional(),
});
export const UpdateIssueBody = z.strictObject({
  rowVersion,
  title: z.string().trim().max(100).nullish(),
  issueDate: z.iso.date({ error: '日期格式应为YYYY-MM-DD' }).nullish(),
  lines: DistributionLinesSchema.optional(),
  copies: copies.optional(),
});

const editorNote = z.string().trim().max(2000).nullish();
export const AddEntryBody = z.strictObject({
  adoptionIds: z.array(entityId()).min(1, '请选择采用稿件').max(30),
  /** For a 综合 entry: the merged title; a 单篇 entry starts from the adopted version's. */
  title: z.string().max(200).optional(),
  bodyHtml: z.string().max(500_000).optional(),
  editorNote,
  position: z.number().int().min(1).optional(),
});
export const EditEntryBody = z.strictObject({
  /** The entry's version the client read; a stale one answers 409 (SECURITY.md §30). */
  rowVersion,
  title: z.string().max(200).optional(),
  bodyHtml: z.string().max(500_000).optional(),
  editorNote,
  sourceLine: z.string().trim().max(300).optional(),
});
export const ReorderBody = z.strictObject({ rowVersion, entryIds: z.array(entityId()).min(1).max(500) });

export const TransitionBody = z.strictObject({ rowVersion: rowVersion.optional() });
export const ReviewBody = z.strictObject({
  decision: z.enum(REVIEW_DECISIONS),
  opinion: z.string().trim().max(2000).nullish(),
});
export const SignBody = z.strictObject({
  rowVersion: rowVersion.optional(),
  opinion: z.string().trim().max(2000).nullish(),
});
export const IssueBody = z.strictObject({
  rowVersion: rowVersion.optional(),
  /** The 发送范围 chosen in the org tree; the periodical's default recipients when omitted. */
  recipientOrgIds: orgIds.optional(),
});
export const DistributeBody = z.strictObject({ orgIds: orgIds.min(1, '请选择增发单位') });
export const ExcerptBody = z.strictObject({
  orgIds: orgIds.min(1, '请选择摘发单位'),
  entryIds: z.array(entityId()).min(1, '请选择摘发的文章').max(500),
});
export const RecallBody = z.strictObject({ reason: z.string().trim().min(1, '请填写收回理由').max(2000) });

// ---- responses ----

const str = z.string();
const kindLabel = str;
const Lines = z.object({ bao: z.array(str), song: z.array(str), fa: z.array(str) });

export const PeriodicalSchema = z.object({
  id: str,
  hubId: str,
  name: str,
  kind: z.enum(PERIODICAL_KINDS),
  kindLabel,
  publisherName: str.nullable(),
  totalNoBase: z.number(),
  yearNoBase: z.number(),
  yearNoBaseYear: z.number().nullable(),
  defaultLines: Lines,
  defaultRecipientOrgIds: z.array(str),
  defaultCopies: z.number(),
  active: z.boolean(),
  rowVersion: z.number(),
  createdAt: Timestamp,
  abilities: z.object({ configure: z.boolean(), compile: z.boolean(), list_issues: z.boolean() }),
});
export const PeriodicalList = z.array(PeriodicalSchema);

export const PoolPage = z.object({
  rows: z.array(
    z.object({
      id: str,
      itemId: str,
      hopId: str,
      type: z.enum(ADOPTION_TYPES),
      typeLabel: str,
      adoptedAt: Timestamp,
      title: str,
      versionNo: z.number(),
      category: z.enum(CATEGORIES),
      urgency: z.enum(URGENCIES),
      fromOrgId: str,
      fromOrgName: str,
      forwarded: z.boolean(),
    }),
  ),
  nextCursor: str.nullable(),
});

const numbering = {
  title: str.nullable(),
  year: z.number().nullable(),
  yearNo: z.number().nullable(),
  totalNo: z.number().nullable(),
  numberLabel: str,
  issueDate: str.nullable(),
};

export const IssuePage = z.object({
  rows: z.array(
    z.object({
      id: str,
      periodicalId: str,
      periodicalName: str,
      state: z.enum(ISSUE_STATES),
      stateLabel: str,
      ...numbering,
      createdAt: Timestamp,
      issuedAt: Timestamp.nullable(),
      recalledAt: Timestamp.nullable(),
    }),
  ),
  nextCursor: str.nullable(),
});

export const ReceivedPage = z.object({
  rows: z.array(
    z.object({
      id: str,
      periodicalId: str,
      periodicalName: str,
      kind: z.enum(PERIODICAL_KINDS),
      kindLabel,
      hubName: str,
      ...numbering,
      excerpt: z.boolean(),
      sentAt: Timestamp,
      readAt: Timestamp.nullable(),
      unread: z.boolean(),
    }),
  ),
  nextCursor: str.nullable(),
});

/** One issue as its viewer may see it: the hub sees sources, reviews and the distribution with receipts. */
export const IssueSchema = z.object({
  id: str,
  periodical: z.object({ id: str, name: str, kind: z.enum(PERIODICAL_KINDS), kindLabel }),
  hubId: str,
  publisherName: str,
  state: z.enum(ISSUE_STATES),
  stateLabel: str,
  ...numbering,
  lines: Lines,
  copies: z.number(),
  rowVersion: z.number(),
  createdAt: Timestamp,
  signedAt: Timestamp.nullable(),
  issuedAt: Timestamp.nullable(),
  recalledAt: Timestamp.nullable(),
  recallReason: str.nullable(),
  excerpt: z.boolean(),
  entries: z.array(
    z.object({
      id: str,
      position: z.number(),
      title: str,
      bodyHtml: str,
      editorNote: str.nullable(),
      sourceLine: str,
      combined: z.boolean(),
      adoptionIds: z.array(str),
      rowVersion: z.number(),
    }),
  ),
  reviews: z.array(
    z.object({
      id: z.number(),
      reviewerName: str,
      decision: z.enum(REVIEW_DECISIONS),
      decisionLabel: str,
      opinion: str.nullable(),
      at: Timestamp,
    }),
  ),
  distribution: z
    .object({
      recipients: z.array(
        z.object({
          orgId: str,
          orgName: str,
          kind: z.enum(RECIPIENT_KINDS),
          kindLabel: str,
          entryIds: z.array(str).nullable(),
          sentAt: Timestamp,
          firstReadAt: Timestamp.nullable(),
          firstReaderName: str.nullable(),
          recalledAt: Timestamp.nullable(),
        }),
      ),
      total: z.number(),
      read: z.number(),
      readRate: z.number(),
    })
    .nullable(),
  abilities: z.object({
    export: z.boolean(),
    edit: z.boolean(),
    submit: z.boolean(),
    review: z.boolean(),
    send_back: z.boolean(),
    sign: z.boolean(),
    issue: z.boolean(),
    distribute: z.boolean(),
    recall: z.boolean(),
  }),
});
