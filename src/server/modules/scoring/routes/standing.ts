import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readContext } from '../../../app.js';
import { periodSpecOf, StandingQuery, StandingResponse } from '../schemas.js';
import { unitStanding } from '../use-cases/standing.js';

/** 本单位积分与排名: a unit reads its own standing (writers, reviewers, signers, unit administrators). */
export async function standingRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/standing',
    {
      config: { access: 'user' },
      schema: {
        tags: ['积分'],
        summary: '本单位积分、排名位次与任务指标完成情况（只含本单位）',
        querystring: StandingQuery,
        response: { 200: StandingResponse },
      },
    },
    async (req) => {
      const { orgId, hubId, ...period } = req.query;
      return unitStanding(readContext(req), { orgId, hubId, period: periodSpecOf(period) }, app.rankingCache);
    },
  );
}
