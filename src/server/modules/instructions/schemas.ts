import { z } from 'zod';
import { entityId } from '../../http/entity-id.js';

const id = entityId({ error: '编号格式不正确' });
const limit = z.coerce.number().int().min(1).max(100).default(20);
const cursor = z.string().max(200).optional();

export const IdParams = z.strictObject({ id });

const target = {
  itemId: id.optional(),
  issueId: id.optional(),
};
const oneTarget = (
  v: { itemId?: string | undefined; issueId?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (!v.itemId === !v.issueId)
    ctx.addIssue({ code: 'custom', path: ['itemId'], message: '请指定稿件（itemId）或期刊（issueId）之一' });
};

export const InstructionBody = z
  .strictObject({
    ...target,
    entryId: id.nullish(),
    text: z.string().trim().min(1, '请填写批示内容').max(2000),
    leaderOrgId: id.nullish(),
    followUp: z
      .strictObject({
        /** Working days, counted as calendar days for now (no holiday calendar yet). */
        days: z.number().int().min(1, '反馈期限至少1天').max(90, '反馈期限最长90天'),
        requirement: z.string().trim().max(500).nullish(),
      })
      .nullish(),
  })
  .superRefine(oneTarget)
  .superRefine((v, ctx) => {
    if (v.entryId && !v.issueId)
      ctx.addIssue({ code: 'custom', path: ['entryId'], message: '对文章批示须同时指定期刊（issueId）' });
  });

export const FlagBody = z
  .strictObject({
    ...target,
    leaderIds: z.array(id).min(1, '请选择领导').max(20),
    note: z.string().trim().max(500).nullish(),
  })
  .superRefine(oneTarget);

export const DeskReadBody = z
  .strictObject({ flagId: id.optional(), issueId: id.optional() })
  .superRefine((v, ctx) => {
    if (!v.flagId === !v.issueId)
      ctx.addIssue({
        code: 'custom',
        path: ['flagId'],
        message: '请指定呈阅事项（flagId）或期刊（issueId）之一',
      });
  });

export const PageQuery = z.strictObject({ cursor, limit });
export const FollowUpQuery = z.strictObject({
  state: z.enum(['open', 'answered']).optional(),
  cursor,
  limit,
});
export const AnswerBody = z.strictObject({
  answer: z.string().trim().min(1, '请填写落实情况').max(5000),
  rowVersion: z.number().int().min(1).optional(),
});

// ---- responses ----

const str = z.string();
const TaskSchema = z.object({
  id: str,
  instructionId: str,
  orgId: str,
  orgName: str,
  itemId: str.nullable(),
  dueAt: str,
  state: str,
  status: str,
  statusLabel: str,
  overdue: z.boolean(),
  answer: str.nullable(),
  answeredByName: str.nullable(),
  answeredAt: str.nullable(),
  rowVersion: z.number(),
  abilities: z.object({ answer: z.boolean() }),
});

const InstructionCore = {
  id: str,
  text: str,
  leaderId: str,
  leaderName: str,
  leaderOrgId: str,
  leaderOrgName: str,
  leaderLevel: str,
  leaderLevelLabel: str,
  createdAt: str,
  target: z.object({
    kind: z.enum(['item', 'issue']),
    itemId: str.nullable(),
    itemTitle: str.nullable(),
    issueId: str.nullable(),
    issueLabel: str.nullable(),
    entryId: str.nullable(),
    entryTitle: str.nullable(),
  }),
  followUp: z.object({ requirement: str.nullable(), dueAt: str }).nullable(),
};
export const InstructionSchema = z.object({ ...InstructionCore, tasks: z.array(TaskSchema) });

export const CreatedInstruction = InstructionSchema;

export const TargetInstructions = z.object({
  rows: z.array(InstructionSchema),
  abilities: z.object({ instruct: z.boolean(), flag: z.boolean() }),
  leaderOffices: z.array(z.object({ orgId: str, name: str })),
  flagTo: z.object({ hubId: str, leaders: z.array(z.object({ id: str, displayName: str })) }).nullable(),
  openFlagId: str.nullable(),
});

export const InstructionPage = z.object({ rows: z.array(InstructionSchema), nextCursor: str.nullable() });

export const DeskPage = z.object({
  rows: z.array(
    z.object({
      key: str,
      kind: z.enum(['flag', 'received']),
      kindLabel: str,
      at: str,
      flagId: str.nullable(),
      note: str.nullable(),
      flaggedByName: str.nullable(),
      item: z.object({ id: str, title: str, orgName: str }).nullable(),
      issue: z
        .object({ id: str, title: str.nullable(), label: str, hubName: str, issueDate: str.nullable() })
        .nullable(),
    }),
  ),
  nextCursor: str.nullable(),
});

export const FollowUpPage = z.object({
  rows: z.array(TaskSchema.extend({ instruction: z.object(InstructionCore) })),
  nextCursor: str.nullable(),
});

export const FlagResult = z.object({ created: z.number(), skipped: z.number() });
export const Done = z.object({ ok: z.literal(true) });
export const AnswerResult = TaskSchema;
