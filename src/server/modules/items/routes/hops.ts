import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTransaction, readContext } from '../../../app.js';
import { loadVisibleHop } from '../repo.js';
import {
  AdoptBody,
  CommentBody,
  ForwardBody,
  HopTransitionResult,
  HubEditBody,
  IdParams,
  AdvanceBody,
  ReasonBody,
  TargetOrgs,
} from '../schemas.js';
import {
  adoptHop,
  advanceHop,
  archiveHop,
  editAtHub,
  forwardHop,
  receiveHop,
  rejectHop,
  resubmitHop,
  returnHop,
  revokeAdoption,
  withdrawHop,
} from '../use-cases/hop-actions.js';
import { allowedTargetHubs } from '../use-cases/targets.js';

const tags = ['报送处理'];
const user = { access: 'user' } as const;
const done = { 200: HopTransitionResult };

/**
 * Every hop action answers with what it changed (HopTransitionResult), not the rebuilt item: the caller
 * re-reads GET /api/items/:id when it wants the whole picture.
 */
export async function hopRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/hops/:id/receive',
    { config: user, schema: { tags, summary: '签收', params: IdParams, response: done } },
    async (req) => inTransaction(req, (ctx) => receiveHop(ctx, req.params.id)),
  );
  app.post(
    '/api/hops/:id/advance',
    {
      config: user,
      schema: {
        tags,
        summary: '本环节审核通过，进入下一环节',
        response: done,
        params: IdParams,
        body: AdvanceBody,
      },
    },
    async (req) =>
      inTransaction(req, (ctx) =>
        advanceHop(ctx, req.params.id, { stage: req.body.stage, opinion: req.body.opinion ?? null }),
      ),
  );
  app.post(
    '/api/hops/:id/return',
    {
      config: user,
      schema: { tags, summary: '退回修改（须填写理由）', response: done, params: IdParams, body: ReasonBody },
    },
    async (req) => inTransaction(req, (ctx) => returnHop(ctx, req.params.id, req.body.reason)),
  );
  app.post(
    '/api/hops/:id/reject',
    {
      config: user,
      schema: {
        tags,
        summary: '退稿（须填写理由，本级处理结束）',
        response: done,
        params: IdParams,
        body: ReasonBody,
      },
    },
    async (req) => inTransaction(req, (ctx) => rejectHop(ctx, req.params.id, req.body.reason)),
  );
  app.post(
    '/api/hops/:id/archive',
    {
      config: user,
      schema: { tags, summary: '不采用，存档', response: done, params: IdParams, body: CommentBody },
    },
    async (req) => inTransaction(req, (ctx) => archiveHop(ctx, req.params.id, req.body.comment ?? null)),
  );
  app.put(
    '/api/hops/:id/content',
    {
      config: user,
      schema: {
        tags,
        summary: '上级编辑修改稿件（生成新版本）',
        response: done,
        params: IdParams,
        body: HubEditBody,
      },
    },
    async (req) => inTransaction(req, (ctx) => editAtHub(ctx, { ...req.body, hopId: req.params.id })),
  );
  app.post(
    '/api/hops/:id/forward',
    {
      config: user,
      schema: { tags, summary: '转报上一级', response: done, params: IdParams, body: ForwardBody },
    },
    async (req) =>
      inTransaction(req, (ctx) =>
        forwardHop(ctx, req.params.id, req.body.targetOrgId, req.body.comment ?? null),
      ),
  );
  app.post(
    '/api/hops/:id/adopt',
    {
      config: user,
      schema: {
        tags,
        summary: '采用到本单位刊物（单篇/综合）',
        response: done,
        params: IdParams,
        body: AdoptBody,
      },
    },
    async (req) => inTransaction(req, (ctx) => adoptHop(ctx, { ...req.body, hopId: req.params.id })),
  );
  app.post(
    '/api/hops/:id/withdraw',
    {
      config: user,
      schema: { tags, summary: '撤回尚未签收的报送', response: done, params: IdParams, body: CommentBody },
    },
    async (req) => inTransaction(req, (ctx) => withdrawHop(ctx, req.params.id, req.body.comment ?? null)),
  );
  app.post(
    '/api/hops/:id/resubmit',
    {
      config: user,
      schema: {
        tags,
        summary: '转报单位重新报送被退回的稿件',
        response: done,
        params: IdParams,
        body: CommentBody,
      },
    },
    async (req) => inTransaction(req, (ctx) => resubmitHop(ctx, req.params.id, req.body.comment ?? null)),
  );
  app.post(
    '/api/adoptions/:id/revoke',
    {
      config: user,
      schema: { tags, summary: '撤销采用', response: done, params: IdParams, body: ReasonBody },
    },
    async (req) => inTransaction(req, (ctx) => revokeAdoption(ctx, req.params.id, req.body.reason)),
  );

  app.get(
    '/api/hops/:id/forward-targets',
    {
      config: user,
      schema: { tags, summary: '可转报的上级单位', params: IdParams, response: { 200: TargetOrgs } },
    },
    async (req) => {
      const { hop } = await app.database.db.transaction((tx) =>
        loadVisibleHop({ ...readContext(req), tx }, req.params.id),
      );
      return allowedTargetHubs(app.database.db, hop.toOrgId);
    },
  );
}
