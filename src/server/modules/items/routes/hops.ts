import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq, inArray } from 'drizzle-orm';
import { inTransaction, readContext } from '../../../app.js';
import { notFound } from '../../../http/errors.js';
import { orgs } from '../../orgs/schema.js';
import { presentItemDetail } from '../present.js';
import { loadVisibleHop } from '../repo.js';
import { hops } from '../schema.js';
import {
  AdoptBody,
  CommentBody,
  ForwardBody,
  HubEditBody,
  IdParams,
  OpinionBody,
  ReasonBody,
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
import { allowedTargetsOf } from '../use-cases/targets.js';
import { adoptions } from '../schema.js';

const tags = ['报送处理'];
const user = { access: 'user' } as const;

/** Every hop action answers with the item's detail as the actor now sees it. */
export async function hopRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const itemOfHop = async (hopId: string) => {
    const [h] = await app.database.db.select({ itemId: hops.itemId }).from(hops).where(eq(hops.id, hopId));
    if (!h) throw notFound('报送记录');
    return h.itemId;
  };

  app.post(
    '/api/hops/:id/receive',
    { config: user, schema: { tags, summary: '签收', params: IdParams } },
    async (req) => {
      await inTransaction(req, (ctx) => receiveHop(ctx, req.params.id));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/hops/:id/advance',
    {
      config: user,
      schema: { tags, summary: '本环节审核通过，进入下一环节', params: IdParams, body: OpinionBody },
    },
    async (req) => {
      await inTransaction(req, (ctx) => advanceHop(ctx, req.params.id, req.body.opinion ?? null));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/hops/:id/return',
    { config: user, schema: { tags, summary: '退回修改（须填写理由）', params: IdParams, body: ReasonBody } },
    async (req) => {
      await inTransaction(req, (ctx) => returnHop(ctx, req.params.id, req.body.reason));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/hops/:id/reject',
    {
      config: user,
      schema: { tags, summary: '退稿（须填写理由，本级处理结束）', params: IdParams, body: ReasonBody },
    },
    async (req) => {
      await inTransaction(req, (ctx) => rejectHop(ctx, req.params.id, req.body.reason));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/hops/:id/archive',
    { config: user, schema: { tags, summary: '不采用，存档', params: IdParams, body: CommentBody } },
    async (req) => {
      await inTransaction(req, (ctx) => archiveHop(ctx, req.params.id, req.body.comment ?? null));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.put(
    '/api/hops/:id/content',
    {
      config: user,
      schema: { tags, summary: '上级编辑修改稿件（生成新版本）', params: IdParams, body: HubEditBody },
    },
    async (req) => {
      await inTransaction(req, (ctx) => editAtHub(ctx, { ...req.body, hopId: req.params.id }));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/hops/:id/forward',
    { config: user, schema: { tags, summary: '转报上一级', params: IdParams, body: ForwardBody } },
    async (req) => {
      await inTransaction(req, (ctx) =>
        forwardHop(ctx, req.params.id, req.body.targetOrgId, req.body.comment ?? null),
      );
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/hops/:id/adopt',
    {
      config: user,
      schema: { tags, summary: '采用到本单位刊物（单篇/综合）', params: IdParams, body: AdoptBody },
    },
    async (req) => {
      await inTransaction(req, (ctx) => adoptHop(ctx, { ...req.body, hopId: req.params.id }));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/hops/:id/withdraw',
    { config: user, schema: { tags, summary: '撤回尚未签收的报送', params: IdParams, body: CommentBody } },
    async (req) => {
      await inTransaction(req, (ctx) => withdrawHop(ctx, req.params.id, req.body.comment ?? null));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/hops/:id/resubmit',
    {
      config: user,
      schema: { tags, summary: '转报单位重新报送被退回的稿件', params: IdParams, body: CommentBody },
    },
    async (req) => {
      await inTransaction(req, (ctx) => resubmitHop(ctx, req.params.id, req.body.comment ?? null));
      return presentItemDetail(readContext(req), await itemOfHop(req.params.id));
    },
  );
  app.post(
    '/api/adoptions/:id/revoke',
    { config: user, schema: { tags, summary: '撤销采用', params: IdParams, body: ReasonBody } },
    async (req) => {
      const [a] = await app.database.db
        .select({ itemId: adoptions.itemId })
        .from(adoptions)
        .where(eq(adoptions.id, req.params.id));
      await inTransaction(req, (ctx) => revokeAdoption(ctx, req.params.id, req.body.reason));
      return presentItemDetail(readContext(req), a!.itemId);
    },
  );

  app.get(
    '/api/hops/:id/forward-targets',
    { config: user, schema: { tags, summary: '可转报的上级单位', params: IdParams } },
    async (req) => {
      const { hop } = await app.database.db.transaction((tx) =>
        loadVisibleHop({ ...readContext(req), tx }, req.params.id),
      );
      const ids = await allowedTargetsOf(app.database.db, hop.toOrgId);
      if (ids.length === 0) return [];
      return app.database.db
        .select({ id: orgs.id, name: orgs.name, level: orgs.level })
        .from(orgs)
        .where(inArray(orgs.id, ids));
    },
  );
}
