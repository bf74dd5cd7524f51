import { abilities } from '../../../policy/authorize.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inArray } from 'drizzle-orm';
import { inTransaction, readContext } from '../../../app.js';
import type { UseCaseContext } from '../../../http/context.js';
import { notFound } from '../../../http/errors.js';
import { orgs } from '../../orgs/schema.js';
import { HubParams, HubQuotaParams, QuotaBody, QuotaList, QuotaPatchBody, QuotaSchema } from '../schemas.js';
import { createQuota, deactivateQuota, listQuotas, presentQuota, updateQuota } from '../use-cases/quotas.js';

const tags = ['任务指标'];
const user = { access: 'user' } as const;

async function presentAll(ctx: UseCaseContext, hubId: string) {
  const rows = await listQuotas(ctx, hubId);
  const ids = rows.map((r) => r.orgId).filter((x): x is string => x !== null);
  const names = ids.length
    ? await ctx.tx.select({ id: orgs.id, name: orgs.name }).from(orgs).where(inArray(orgs.id, ids))
    : [];
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  return rows.map((q) => presentQuota(ctx, q, q.orgId ? (nameOf.get(q.orgId) ?? null) : null));
}

/** 任务指标 of a hub: per unit or per unit category, per day/week/month/quarter. */
export async function quotaRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/hubs/:id/quotas',
    {
      config: user,
      schema: { tags, summary: '任务指标列表', params: HubParams, response: { 200: QuotaList } },
    },
    async (req) => {
      const ctx = readContext(req);
      const rows = await presentAll(ctx, req.params.id);
      return {
        rows,
        abilities: abilities(ctx.actor, 'scoring', ['manage_quotas'], { hubId: req.params.id }),
      };
    },
  );

  const one = async (req: Parameters<typeof readContext>[0], hubId: string, id: string) => {
    const found = (await presentAll(readContext(req), hubId)).find((q) => q.id === id);
    if (!found) throw notFound('任务指标');
    return found;
  };

  app.post(
    '/api/hubs/:id/quotas',
    {
      config: user,
      schema: {
        tags,
        summary: '新增任务指标（主编、单位管理员）',
        params: HubParams,
        body: QuotaBody,
        response: { 201: QuotaSchema },
      },
    },
    async (req, reply) => {
      const id = await inTransaction(req, (ctx) => createQuota(ctx, req.params.id, req.body));
      return reply.code(201).send(await one(req, req.params.id, id));
    },
  );

  app.patch(
    '/api/hubs/:id/quotas/:quotaId',
    {
      config: user,
      schema: {
        tags,
        summary: '修改任务指标',
        params: HubQuotaParams,
        body: QuotaPatchBody,
        response: { 200: QuotaSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => updateQuota(ctx, req.params.id, req.params.quotaId, req.body));
      return one(req, req.params.id, req.params.quotaId);
    },
  );

  app.delete(
    '/api/hubs/:id/quotas/:quotaId',
    {
      config: user,
      schema: {
        tags,
        summary: '停用任务指标（保留记录）',
        params: HubQuotaParams,
        response: { 200: QuotaSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => deactivateQuota(ctx, req.params.id, req.params.quotaId));
      return one(req, req.params.id, req.params.quotaId);
    },
  );
}
