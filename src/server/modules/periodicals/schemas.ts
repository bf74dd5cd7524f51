import { z } from 'zod';
import { ISSUE_STATES, PERIODICAL_KINDS, REVIEW_DECISIONS } from './domain.js';

/** Request schemas of periodicals, issues and their distribution: validation, handler types, OpenAPI. */
export const IdParams = z.strictObject({ id: z.uuid({ error: '编号格式不正确' }) });
export const EntryParams = z.strictObject({
  id: z.uuid({ error: '编号格式不正确' }),
  entryId: z.uuid({ error: '编号格式不正确' }),
});

const line = z.string().trim().min(1).max(200);
export const DistributionLinesSchema = z.strictObject({
  bao: z.array(line).max(50),
  song: z.array(line).max(50),
  fa: z.array(line).max(50),
});
const orgIds = z.array(z.uuid()).max(2000);
const rowVersion = z.number().int().positive();
const copies = z.number().int().min(0).max(100_000);

export const PeriodicalListQuery = z.strictObject({ hubId: z.uuid() });
export const CreatePeriodicalBody = z.strictObject({
  hubId: z.uuid(),
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
  adoptionIds: z.array(z.uuid()).min(1, '请选择采用稿件').max(30),
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
export const ReorderBody = z.strictObject({ rowVersion, entryIds: z.array(z.uuid()).min(1).max(500) });

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
  entryIds: z.array(z.uuid()).min(1, '请选择摘发的文章').max(500),
});
export const RecallBody = z.strictObject({ reason: z.string().trim().min(1, '请填写收回理由').max(2000) });
