import { z } from 'zod';
import { ADOPTION_TYPES, CATEGORIES, DISCLOSURES, REPORT_STAGES, URGENCIES } from './domain/catalog.js';
import { HOP_STATES, ITEM_STATES } from './domain/states.js';

/** Request schemas: they validate, type the handlers and write the OpenAPI document. */
export const IdParams = z.strictObject({ id: z.uuid({ error: '编号格式不正确' }) });

const meta = {
  category: z.enum(CATEGORIES),
  urgency: z.enum(URGENCIES),
  disclosure: z.enum(DISCLOSURES),
  reportStage: z.enum(REPORT_STAGES).nullish(),
  followsItemId: z.uuid().nullish(),
  coReporterOrgIds: z.array(z.uuid()).max(20).optional(),
  targetOrgIds: z.array(z.uuid()).max(5).optional(),
};

export const CreateItemBody = z.strictObject({
  orgId: z.uuid(),
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
export const RequiredOpinionBody = z.strictObject({ opinion: z.string().min(1, '请填写意见').max(2000) });
export const SignBody = z.strictObject({
  opinion: z.string().max(2000).nullish(),
  targetOrgIds: z.array(z.uuid()).min(1).max(5).optional(),
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
  hubId: z.uuid().optional(),
  state: z.enum(HOP_STATES).optional(),
  category: z.enum(CATEGORIES).optional(),
  urgency: z.enum(URGENCIES).optional(),
  fromOrgId: z.uuid().optional(),
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
export const ForwardBody = z.strictObject({ targetOrgId: z.uuid(), comment: z.string().max(2000).nullish() });
export const AdoptBody = z.strictObject({
  periodicalId: z.uuid(),
  type: z.enum(ADOPTION_TYPES).default('single'),
  comment: z.string().max(2000).nullish(),
});
