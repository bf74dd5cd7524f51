import { attachmentDisposition } from '../../../http/download.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readContext } from '../../../app.js';
import {
  HubParams,
  Lagging,
  LaggingQuery,
  PeriodQuery,
  RankingsQuery,
  periodSpecOf,
  QuotaProgress,
  Rankings,
  Rewards,
  RewardsQuery,
} from '../schemas.js';
import { fileResponse } from '../../../http/responses.js';
import { quotaProgress } from '../use-cases/quotas.js';
import { lagging, rankings } from '../use-cases/rankings.js';
import { rewards } from '../use-cases/rewards.js';
import { rankingsXlsx, rewardsXlsx } from '../xlsx.js';

const tags = ['积分'];
const user = { access: 'user' } as const;
import { XLSX_CONTENT_TYPE as XLSX } from '../../../xlsx/table-sheet.js';

/** Statistics of a hub: rankings, lagging units, rewards; and the current user's quota progress. */
export async function scoringStatsRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/hubs/:id/rankings',
    {
      config: user,
      schema: {
        tags,
        summary: '考核单位排名（月/季/年/自定义期间，北京时间）',
        params: HubParams,
        querystring: RankingsQuery,
        response: { 200: Rankings },
      },
    },
    async (req) => {
      const { page, pageSize } = req.query;
      return rankings(
        readContext(req),
        req.params.id,
        periodSpecOf(req.query),
        { page, pageSize },
        app.rankingCache,
      );
    },
  );

  app.get(
    '/api/hubs/:id/rankings.xlsx',
    {
      config: user,
      schema: {
        tags,
        summary: '导出排名表（Excel）',
        params: HubParams,
        querystring: PeriodQuery,
        response: { 200: fileResponse([XLSX], '排名 Excel 表格') },
      },
    },
    async (req, reply) => {
      const r = await rankings(
        readContext(req),
        req.params.id,
        periodSpecOf(req.query),
        undefined,
        app.rankingCache,
      );
      return reply
        .header('content-type', XLSX)
        .header(
          'content-disposition',
          attachmentDisposition(`${r.hub.name}排名（${r.period.label}）.xlsx`, 'rankings.xlsx'),
        )
        .send(await rankingsXlsx(r));
    },
  );

  app.get(
    '/api/hubs/:id/lagging',
    {
      config: user,
      schema: {
        tags,
        summary: '信息报送滞后单位',
        params: HubParams,
        querystring: LaggingQuery,
        response: { 200: Lagging },
      },
    },
    async (req) => lagging(readContext(req), req.params.id, periodSpecOf(req.query)),
  );

  app.get(
    '/api/quota-progress',
    {
      config: user,
      schema: { tags, summary: '本单位任务指标完成进度（工作台）', response: { 200: QuotaProgress } },
    },
    async (req) => ({ rows: await quotaProgress(readContext(req)) }),
  );

  app.get(
    '/api/hubs/:id/rewards',
    {
      config: user,
      schema: {
        tags,
        summary: '年度采用奖励（按信息员、按单位）',
        params: HubParams,
        querystring: RewardsQuery,
        response: { 200: Rewards },
      },
    },
    async (req) => rewards(readContext(req), req.params.id, req.query.year),
  );

  app.get(
    '/api/hubs/:id/rewards.xlsx',
    {
      config: user,
      schema: {
        tags,
        summary: '导出年度采用奖励（Excel）',
        params: HubParams,
        querystring: RewardsQuery,
        response: { 200: fileResponse([XLSX], '奖励 Excel 表格') },
      },
    },
    async (req, reply) => {
      const r = await rewards(readContext(req), req.params.id, req.query.year);
      return reply
        .header('content-type', XLSX)
        .header(
          'content-disposition',
          attachmentDisposition(`${r.year}年度政务信息采用奖励.xlsx`, `rewards-${r.year}.xlsx`),
        )
        .send(await rewardsXlsx(r));
    },
  );
}
