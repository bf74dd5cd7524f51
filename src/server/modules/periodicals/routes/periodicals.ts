import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTransaction, readContext } from '../../../app.js';
import { presentPeriodical } from '../present.js';
import { loadPeriodicalFor } from '../repo.js';
import {
  CreateIssueBody,
  CreatePeriodicalBody,
  IdParams,
  IssueListQuery,
  PeriodicalListQuery,
  PoolQuery,
  UpdatePeriodicalBody,
  IssuePage,
  IssueSchema,
  PeriodicalList,
  PeriodicalSchema,
  PoolPage,
} from '../schemas.js';
import { createIssue } from '../use-cases/compile-issue.js';
import { createPeriodical } from '../use-cases/create-periodical.js';
import { listPeriodicals } from '../use-cases/list-periodicals.js';
import { listPool } from '../use-cases/pool.js';
import { listIssuesOfPeriodical } from '../use-cases/read-issue.js';
import { updatePeriodical } from '../use-cases/update-periodical.js';
import { issueView } from './issues.js';

const user = { access: 'user' } as const;
const tags = ['刊物'];

/** 刊物设置, the 采用稿件库 and the list of issues of one periodical. */
export async function periodicalSettingsRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const view = async (req: Parameters<typeof readContext>[0], id: string) => {
    const ctx = readContext(req);
    return presentPeriodical(ctx, await loadPeriodicalFor(ctx, id, 'view'));
  };

  app.get(
    '/api/periodicals',
    {
      config: user,
      schema: {
        tags,
        summary: '汇总单位的刊物',
        querystring: PeriodicalListQuery,
        response: { 200: PeriodicalList },
      },
    },
    async (req) => listPeriodicals(readContext(req), req.query.hubId),
  );

  app.post(
    '/api/periodicals',
    {
      config: user,
      schema: {
        tags,
        summary: '创办刊物（主编、单位管理员或系统管理员）',
        body: CreatePeriodicalBody,
        response: { 201: PeriodicalSchema },
      },
    },
    async (req, reply) => {
      const id = await inTransaction(req, (ctx) => createPeriodical(ctx, req.body));
      return reply.code(201).send(await view(req, id));
    },
  );

  app.get(
    '/api/periodicals/:id',
    {
      config: user,
      schema: {
        tags,
        summary: '刊物设置：编号起点、默认报送发、默认发送范围',
        params: IdParams,
        response: { 200: PeriodicalSchema },
      },
    },
    async (req) => view(req, req.params.id),
  );

  app.patch(
    '/api/periodicals/:id',
    {
      config: user,
      schema: {
        tags,
        summary: '修改刊物设置（主编、单位管理员或系统管理员；须带 rowVersion）',
        params: IdParams,
        body: UpdatePeriodicalBody,
        response: { 200: PeriodicalSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => updatePeriodical(ctx, req.params.id, req.body));
      return view(req, req.params.id);
    },
  );

  app.get(
    '/api/periodicals/:id/pool',
    {
      config: user,
      schema: {
        tags,
        summary: '采用稿件库：已采用、未撤销、尚未编入期刊的稿件',
        params: IdParams,
        querystring: PoolQuery,
        response: { 200: PoolPage },
      },
    },
    async (req) => listPool(readContext(req), req.params.id, req.query),
  );

  app.get(
    '/api/periodicals/:id/issues',
    {
      config: user,
      schema: {
        tags,
        summary: '本刊各期（按创建时间倒序）',
        params: IdParams,
        querystring: IssueListQuery,
        response: { 200: IssuePage },
      },
    },
    async (req) => listIssuesOfPeriodical(readContext(req), req.params.id, req.query),
  );

  app.post(
    '/api/periodicals/:id/issues',
    {
      config: user,
      schema: {
        tags,
        summary: '新建一期（编辑中）',
        params: IdParams,
        body: CreateIssueBody,
        response: { 201: IssueSchema },
      },
    },
    async (req, reply) => {
      const id = await inTransaction(req, (ctx) => createIssue(ctx, req.params.id, req.body));
      return reply.code(201).send(await issueView(req, id));
    },
  );
}
