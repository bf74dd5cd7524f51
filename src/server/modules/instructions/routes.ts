import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { inTransaction, readContext } from '../../app.js';
import { leaderInstructions } from './schema.js';
import {
  AnswerBody,
  AnswerResult,
  CreatedInstruction,
  DeskPage,
  DeskReadBody,
  Done,
  FlagBody,
  FlagResult,
  FollowUpPage,
  FollowUpQuery,
  IdParams,
  InstructionBody,
  InstructionPage,
  PageQuery,
  TargetInstructions,
} from './schemas.js';
import { answerFollowUp } from './use-cases/answer-follow-up.js';
import { createInstruction } from './use-cases/create-instruction.js';
import { flagForLeaders, markRead } from './use-cases/flags.js';
import { presentInstructions } from './use-cases/present.js';
import {
  instructionsOnIssue,
  instructionsOnItem,
  leaderDesk,
  myInstructions,
  taskView,
  unitFollowUps,
} from './use-cases/queries.js';

const user = { access: 'user' } as const;
const tags = ['领导批示'];

/** 领导批示: flags (呈阅), the leader's desk, instructions on items and issues, and follow-ups (落实反馈). */
export async function instructionRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/instructions',
    {
      config: user,
      schema: {
        tags,
        summary: '领导对稿件、期刊或期刊中的一篇文章作出批示（可要求限期反馈落实情况）',
        body: InstructionBody,
        response: { 201: CreatedInstruction },
      },
    },
    async (req, reply) => {
      const { itemId, issueId, entryId, ...rest } = req.body;
      const target = itemId ? { itemId } : { issueId: issueId!, entryId };
      const id = await inTransaction(req, (ctx) => createInstruction(ctx, { ...target, ...rest }));
      const ctx = readContext(req);
      const rows = await ctx.tx.select().from(leaderInstructions).where(eq(leaderInstructions.id, id));
      const [out] = await presentInstructions(ctx, rows);
      return reply.code(201).send(out!);
    },
  );

  app.get(
    '/api/instructions/mine',
    {
      config: user,
      schema: {
        tags,
        summary: '我的批示：每条批示的落实反馈情况（新的在前）',
        querystring: PageQuery,
        response: { 200: InstructionPage },
      },
    },
    async (req) => myInstructions(readContext(req), req.query),
  );

  app.get(
    '/api/instructions/desk',
    {
      config: user,
      schema: {
        tags,
        summary: '待批示：呈送本人的稿件、期刊和本单位收到的期刊（新的在前）',
        querystring: PageQuery,
        response: { 200: DeskPage },
      },
    },
    async (req) => leaderDesk(readContext(req), req.query),
  );

  app.post(
    '/api/instructions/desk/read',
    {
      config: user,
      schema: {
        tags,
        summary: '待批示事项标记为已阅（不作批示）',
        body: DeskReadBody,
        response: { 200: Done },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) =>
        markRead(ctx, req.body.flagId ? { flagId: req.body.flagId } : { issueId: req.body.issueId! }),
      );
      return { ok: true as const };
    },
  );

  app.post(
    '/api/instruction-flags',
    {
      config: user,
      schema: {
        tags,
        summary: '呈送领导批示（编辑、主编将本单位采用的稿件或印发的期刊呈送本单位领导）',
        body: FlagBody,
        response: { 201: FlagResult },
      },
    },
    async (req, reply) => {
      const { itemId, issueId, leaderIds, note } = req.body;
      const target = itemId ? { itemId } : { issueId: issueId! };
      const r = await inTransaction(req, (ctx) => flagForLeaders(ctx, { ...target, leaderIds, note }));
      return reply.code(201).send(r);
    },
  );

  app.get(
    '/api/items/:id/instructions',
    {
      config: user,
      schema: {
        tags,
        summary: '稿件的领导批示及落实反馈（含对刊登该稿件的期刊所作批示）',
        params: IdParams,
        response: { 200: TargetInstructions },
      },
    },
    async (req) => instructionsOnItem(readContext(req), req.params.id),
  );

  app.get(
    '/api/issues/:id/instructions',
    {
      config: user,
      schema: {
        tags,
        summary: '期刊的领导批示及落实反馈',
        params: IdParams,
        response: { 200: TargetInstructions },
      },
    },
    async (req) => instructionsOnIssue(readContext(req), req.params.id),
  );

  app.get(
    '/api/follow-ups',
    {
      config: user,
      schema: {
        tags,
        summary: '落实反馈：本单位承办的领导批示任务',
        querystring: FollowUpQuery,
        response: { 200: FollowUpPage },
      },
    },
    async (req) => unitFollowUps(readContext(req), req.query),
  );

  app.post(
    '/api/follow-ups/:id/answer',
    {
      config: user,
      schema: {
        tags,
        summary: '填写落实反馈（每项任务反馈一次）',
        params: IdParams,
        body: AnswerBody,
        response: { 200: AnswerResult },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => answerFollowUp(ctx, req.params.id, req.body));
      return taskView(readContext(req), req.params.id);
    },
  );
}
