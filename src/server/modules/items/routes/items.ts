import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTransaction, readContext } from '../../../app.js';
import { AppError, invalid, notFound } from '../../../http/errors.js';
import { diffText } from '../domain/text.js';
import { presentItemDetail } from '../present.js';
import { dashboardCounts, listInbox, listItems } from '../queries.js';
import { itemVersions } from '../schema.js';
import {
  CreateItemBody,
  DiffQuery,
  EditItemBody,
  IdParams,
  InboxQuery,
  ItemListQuery,
  OpinionBody,
  RequiredOpinionBody,
  SignBody,
  CommentBody,
  DashboardCounts,
  DiffResult,
  InboxPage,
  ItemDetail,
  ItemListPage,
  ItemTransitionResult,
  TargetOrgs,
  VersionContent,
} from '../schemas.js';
import { createItem } from '../use-cases/create-item.js';
import {
  approveItem,
  editItem,
  returnItem,
  signItem,
  submitForReview,
  withdrawItem,
} from '../use-cases/item-actions.js';
import { targetHubsIfUnit } from '../use-cases/targets.js';

const tags = ['稿件'];
const user = { access: 'user' } as const;
/** Item actions answer with what changed; the caller re-reads the detail when it needs it. */
const done = { 200: ItemTransitionResult };

export async function itemRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/dashboard',
    { config: user, schema: { tags: ['工作台'], summary: '待办计数', response: { 200: DashboardCounts } } },
    async (req) => dashboardCounts(req.server.database.db, readContext(req).actor),
  );

  app.get(
    '/api/items',
    {
      config: user,
      schema: {
        tags,
        summary: '稿件列表（我的稿件、本单位、待审核、待签发）',
        querystring: ItemListQuery,
        response: { 200: ItemListPage },
      },
    },
    async (req) => listItems(req.server.database.db, readContext(req).actor, req.query),
  );

  app.get(
    '/api/inbox',
    {
      config: user,
      schema: {
        tags: ['收件箱'],
        summary: '上级单位收件箱（按报送时间倒序，游标分页）',
        querystring: InboxQuery,
        response: { 200: InboxPage },
      },
    },
    async (req) => listInbox(req.server.database.db, readContext(req).actor, req.query),
  );

  app.post(
    '/api/items',
    {
      config: user,
      schema: { tags, summary: '新建稿件（草稿）', body: CreateItemBody, response: { 201: ItemDetail } },
    },
    async (req, reply) => {
      const id = await inTransaction(req, (ctx) => createItem(ctx, req.body));
      return reply.code(201).send(await presentItemDetail(readContext(req), id));
    },
  );

  app.get(
    '/api/items/:id',
    {
      config: user,
      schema: {
        tags,
        summary: '稿件详情：正文、版本、报送链、时间线、可用操作',
        params: IdParams,
        response: { 200: ItemDetail },
      },
    },
    async (req) => presentItemDetail(readContext(req), req.params.id),
  );

  app.put(
    '/api/items/:id',
    {
      config: user,
      schema: {
        tags,
        summary: '修改稿件（生成新版本）',
        response: done,
        params: IdParams,
        body: EditItemBody,
      },
    },
    async (req) => inTransaction(req, (ctx) => editItem(ctx, { ...req.body, itemId: req.params.id })),
  );

  app.post(
    '/api/items/:id/submit',
    { config: user, schema: { tags, summary: '提交审核', response: done, params: IdParams } },
    async (req) => inTransaction(req, (ctx) => submitForReview(ctx, req.params.id)),
  );
  app.post(
    '/api/items/:id/approve',
    {
      config: user,
      schema: {
        tags,
        summary: '审核通过（合并审签的单位同时签发报送）',
        response: done,
        params: IdParams,
        body: OpinionBody,
      },
    },
    async (req) => inTransaction(req, (ctx) => approveItem(ctx, req.params.id, req.body.opinion ?? null)),
  );
  app.post(
    '/api/items/:id/return',
    {
      config: user,
      schema: {
        tags,
        summary: '审核/签发退回（须填写意见）',
        response: done,
        params: IdParams,
        body: RequiredOpinionBody,
      },
    },
    async (req) => inTransaction(req, (ctx) => returnItem(ctx, req.params.id, req.body.opinion)),
  );
  app.post(
    '/api/items/:id/sign',
    {
      config: user,
      schema: { tags, summary: '签发并报送上级', response: done, params: IdParams, body: SignBody },
    },
    async (req) =>
      inTransaction(req, (ctx) =>
        signItem(ctx, req.params.id, req.body.opinion ?? null, req.body.targetOrgIds),
      ),
  );
  app.post(
    '/api/items/:id/withdraw',
    {
      config: user,
      schema: {
        tags,
        summary: '撤回（草稿，或尚未被签收的报送）',
        response: done,
        params: IdParams,
        body: CommentBody,
      },
    },
    async (req) => inTransaction(req, (ctx) => withdrawItem(ctx, req.params.id, req.body.comment ?? null)),
  );

  app.get(
    '/api/items/:id/versions/:no',
    {
      config: user,
      schema: {
        tags,
        summary: '某一版本的正文',
        params: IdParams.extend({ no: DiffQuery.shape.from }),
        response: { 200: VersionContent },
      },
    },
    async (req) => {
      const detail = await presentItemDetail(readContext(req), req.params.id);
      if (!detail.versions.some((v) => v.no === req.params.no))
        throw new AppError('not_found', '版本不存在或您无权查看');
      const [v] = await req.server.database.db
        .select()
        .from(itemVersions)
        .where(and(eq(itemVersions.itemId, req.params.id), eq(itemVersions.no, req.params.no)));
      if (!v) throw new AppError('not_found', '版本不存在或您无权查看');
      return v;
    },
  );

  app.get(
    '/api/items/:id/diff',
    {
      config: user,
      schema: {
        tags,
        summary: '两个版本的差异（按字比对）',
        params: IdParams,
        querystring: DiffQuery,
        response: { 200: DiffResult },
      },
    },
    async (req) => {
      const detail = await presentItemDetail(readContext(req), req.params.id);
      const seen = new Set(detail.versions.map((v) => v.no));
      for (const [field, no] of [
        ['from', req.query.from],
        ['to', req.query.to],
      ] as const)
        if (!seen.has(no)) throw invalid(field, `版本${no}不存在或您无权查看`);
      const rows = await req.server.database.db
        .select()
        .from(itemVersions)
        .where(
          and(
            eq(itemVersions.itemId, req.params.id),
            inArray(itemVersions.no, [req.query.from, req.query.to]),
          ),
        );
      const a = rows.find((r) => r.no === req.query.from)!;
      const b = rows.find((r) => r.no === req.query.to)!;
      return {
        from: req.query.from,
        to: req.query.to,
        title: diffText(a.title, b.title),
        body: diffText(a.bodyText, b.bodyText),
      };
    },
  );

  app.get(
    '/api/orgs/:id/targets',
    {
      config: user,
      schema: {
        tags: ['单位'],
        summary: '本单位可报送的上级单位（上一级汇总单位及直报单位）',
        params: IdParams,
        response: { 200: TargetOrgs },
      },
    },
    async (req) => {
      const hubs = await targetHubsIfUnit(req.server.database.db, req.params.id);
      if (!hubs) throw notFound('单位');
      return hubs;
    },
  );
}
