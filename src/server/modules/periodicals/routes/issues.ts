import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTransaction, readContext } from '../../../app.js';
import { presentIssue } from '../present.js';
import { loadIssueFor } from '../repo.js';
import {
  AddEntryBody,
  DistributeBody,
  EditEntryBody,
  EntryParams,
  ExcerptBody,
  IdParams,
  IssueBody,
  ReceivedQuery,
  RecallBody,
  ReorderBody,
  ReviewBody,
  SignBody,
  TransitionBody,
  UpdateIssueBody,
  IssueSchema,
  ReceivedPage,
} from '../schemas.js';
import { addEntry, editEntry, removeEntry, reorderEntries, updateIssue } from '../use-cases/compile-issue.js';
import {
  distributeIssue,
  issueIssue,
  recallIssue,
  reviewIssue,
  signIssue,
  submitIssue,
} from '../use-cases/issue-actions.js';
import { listReceived, recordRead } from '../use-cases/read-issue.js';

const user = { access: 'user' } as const;
const tags = ['期刊'];

/** The issue as the actor now sees it (after a change: no read receipt is written). */
export async function issueView(req: FastifyRequest, id: string) {
  const ctx = readContext(req);
  return presentIssue(ctx, await loadIssueFor(ctx, id, 'view'));
}

/** Compiling, reviewing, signing, issuing, distributing and reading an issue. */
export async function issueRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/issues/received',
    {
      config: user,
      schema: {
        tags,
        summary: '收到的刊物（发给本人所在单位的各期，未读在前）',
        querystring: ReceivedQuery,
        response: { 200: ReceivedPage },
      },
    },
    async (req) => listReceived(readContext(req), req.query),
  );

  app.get(
    '/api/issues/:id',
    {
      config: user,
      schema: {
        tags,
        summary: '期刊详情（摘发单位只见摘发的文章；阅读不改变状态，回执另行登记）',
        params: IdParams,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      return presentIssue(ctx, await loadIssueFor(ctx, req.params.id, 'view'));
    },
  );

  // GET never changes state (SECURITY.md §26): the reader page records its receipt with this POST.
  app.post(
    '/api/issues/:id/read',
    {
      config: user,
      schema: {
        tags,
        summary: '登记阅读回执（阅读页打开时调用，重复调用不重复登记）',
        params: IdParams,
        response: { 200: IssueSchema },
      },
    },
    async (req) =>
      inTransaction(req, async (ctx) => {
        const loaded = await loadIssueFor(ctx, req.params.id, 'view');
        await recordRead(ctx, loaded);
        return presentIssue(ctx, loaded);
      }),
  );

  app.patch(
    '/api/issues/:id',
    {
      config: user,
      schema: {
        tags,
        summary: '修改本期刊头信息（标题、日期、报送发、印数）',
        params: IdParams,
        body: UpdateIssueBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => updateIssue(ctx, req.params.id, req.body));
      return issueView(req, req.params.id);
    },
  );

  app.post(
    '/api/issues/:id/entries',
    {
      config: user,
      schema: {
        tags,
        summary: '编入文章（单篇或多篇综合）',
        params: IdParams,
        body: AddEntryBody,
        response: { 201: IssueSchema },
      },
    },
    async (req, reply) => {
      await inTransaction(req, (ctx) => addEntry(ctx, req.params.id, req.body));
      return reply.code(201).send(await issueView(req, req.params.id));
    },
  );

  app.put(
    '/api/issues/:id/entries/order',
    {
      config: user,
      schema: {
        tags,
        summary: '调整文章顺序（按新顺序列出全部文章）',
        params: IdParams,
        body: ReorderBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) =>
        reorderEntries(ctx, req.params.id, req.body.entryIds, req.body.rowVersion),
      );
      return issueView(req, req.params.id);
    },
  );

  app.patch(
    '/api/issues/:id/entries/:entryId',
    {
      config: user,
      schema: {
        tags,
        summary: '修改文章标题、正文、编者按或来源',
        params: EntryParams,
        body: EditEntryBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => editEntry(ctx, req.params.id, req.params.entryId, req.body));
      return issueView(req, req.params.id);
    },
  );

  app.delete(
    '/api/issues/:id/entries/:entryId',
    {
      config: user,
      schema: {
        tags,
        summary: '移出文章（稿件退回采用稿件库）',
        params: EntryParams,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => removeEntry(ctx, req.params.id, req.params.entryId));
      return issueView(req, req.params.id);
    },
  );

  app.post(
    '/api/issues/:id/submit',
    {
      config: user,
      schema: {
        tags,
        summary: '提交审签',
        params: IdParams,
        body: TransitionBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => submitIssue(ctx, req.params.id, req.body.rowVersion));
      return issueView(req, req.params.id);
    },
  );

  app.post(
    '/api/issues/:id/review',
    {
      config: user,
      schema: {
        tags,
        summary: '审核（同意／不同意并填写意见；不同意退回编辑）',
        params: IdParams,
        body: ReviewBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => reviewIssue(ctx, req.params.id, req.body));
      return issueView(req, req.params.id);
    },
  );

  app.post(
    '/api/issues/:id/sign',
    {
      config: user,
      schema: {
        tags,
        summary: '主编签发（不得签发本人编辑的一期）',
        params: IdParams,
        body: SignBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => signIssue(ctx, req.params.id, req.body));
      return issueView(req, req.params.id);
    },
  );

  app.post(
    '/api/issues/:id/issue',
    {
      config: user,
      schema: {
        tags,
        summary: '印发：编定年度期号和总期号，锁定本期，发送并通知稿件报送链上各单位',
        params: IdParams,
        body: IssueBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => issueIssue(ctx, req.params.id, req.body));
      return issueView(req, req.params.id);
    },
  );

  app.post(
    '/api/issues/:id/distribute',
    {
      config: user,
      schema: {
        tags,
        summary: '增发给更多单位',
        params: IdParams,
        body: DistributeBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => distributeIssue(ctx, req.params.id, { orgIds: req.body.orgIds }));
      return issueView(req, req.params.id);
    },
  );

  app.post(
    '/api/issues/:id/excerpt',
    {
      config: user,
      schema: {
        tags,
        summary: '摘发部分文章给指定单位',
        params: IdParams,
        body: ExcerptBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => distributeIssue(ctx, req.params.id, req.body));
      return issueView(req, req.params.id);
    },
  );

  app.post(
    '/api/issues/:id/recall',
    {
      config: user,
      schema: {
        tags,
        summary: '收回（须填写理由，收文单位不再可见）',
        params: IdParams,
        body: RecallBody,
        response: { 200: IssueSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => recallIssue(ctx, req.params.id, req.body.reason));
      return issueView(req, req.params.id);
    },
  );
}
