import type { FastifyInstance } from 'fastify';
import { instructionRoutes } from '../../instructions/routes.js';
import { noticeRoutes } from './notices.js';
import { quotaRoutes } from './quotas.js';
import { scoringRuleRoutes } from './rules.js';
import { scoringStatsRoutes } from './stats.js';
import { standingRoutes } from './standing.js';

/** Scoring, rankings, quotas, notices, rewards — and the leader instructions that earn bonus points. */
export async function scoringRoutes(app: FastifyInstance): Promise<void> {
  await app.register(scoringRuleRoutes);
  await app.register(scoringStatsRoutes);
  await app.register(quotaRoutes);
  await app.register(noticeRoutes);
  await app.register(instructionRoutes);
  await app.register(standingRoutes);
}
