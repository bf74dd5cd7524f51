import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTransaction, readContext } from '../../../app.js';
import { abilities } from '../../../policy/authorize.js';
import { ENTRY_KIND_LABELS, PENALTY_TYPE_LABELS } from '../domain.js';
import {
  EvaluatedUnits,
  HubParams,
  LedgerQuery,
  RecomputeResult,
  RulesSaved,
  RulesView,
  ScorablePeriodicals,
  ScoreEntryBody,
  ScoreEntryList,
  ScoreEntrySchema,
  ScoringRulesPutBody,
} from '../schemas.js';
import { recomputeHub } from '../use-cases/recompute.js';
import { getScoringRules, updateScoringRules } from '../use-cases/rules.js';
import { addScoreEntry, listLedger } from '../use-cases/score-entries.js';
import { evaluatedUnitIds, hubFor, selfAndAncestorIds } from '../repo.js';
import { orgs } from '../../orgs/schema.js';
import { periodicals } from '../../periodicals/schema.js';
import { asc, eq, inArray } from 'drizzle-orm';

const tags = ['积分'];
const user = { access: 'user' } as const;

/** A hub's scoring rules and its ledger (积分台账). */
export async function scoringRuleRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  const view = async (req: Parameters<typeof readContext>[0], hubId: string) => {
    const ctx = readContext(req);
    const r = await getScoringRules(ctx, hubId);
    return {
      hubId,
      rules: r.rules,
      version: r.version,
      rowVersion: r.version,
      isDefault: r.isDefault,
      updatedAt: r.updatedAt?.toISOString() ?? null,
      labels: { entryKinds: ENTRY_KIND_LABELS, penaltyTypes: PENALTY_TYPE_LABELS },
      abilities: abilities(ctx.actor, 'scoring', ['edit_rules', 'add_entry'], { hubId }),
    };
  };

  app.get(
    '/api/hubs/:id/scoring-rules',
    {
      config: user,
      schema: {
        tags,
        summary: '查看积分规则（未设置时为默认规则）',
        params: HubParams,
        response: { 200: RulesView },
      },
    },
    async (req) => view(req, req.params.id),
  );

  app.put(
    '/api/hubs/:id/scoring-rules',
    {
      config: user,
      schema: {
        tags,
        summary: '设置积分规则（主编、单位管理员），并重算积分台账',
        params: HubParams,
        body: ScoringRulesPutBody,
        response: { 200: RulesSaved },
      },
    },
    async (req) => {
      const { rowVersion, ...rules } = req.body;
      const r = await inTransaction(req, (ctx) => updateScoringRules(ctx, req.params.id, rules, rowVersion));
      return { ...(await view(req, req.params.id)), recomputed: r.recomputed };
    },
  );

  app.get(
    '/api/hubs/:id/scorable-periodicals',
    {
      config: user,
      schema: {
        tags,
        summary: '本单位可计分的刊物（本级及上级单位的刊物）',
        params: HubParams,
        response: { 200: ScorablePeriodicals },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      await hubFor(ctx, req.params.id, 'view');
      const hubIds = await selfAndAncestorIds(ctx.tx, req.params.id);
      const rows = await ctx.tx
        .select({
          id: periodicals.id,
          name: periodicals.name,
          kind: periodicals.kind,
          hubId: orgs.id,
          hubName: orgs.name,
          hubLevel: orgs.level,
        })
        .from(periodicals)
        .innerJoin(orgs, eq(orgs.id, periodicals.hubId))
        .where(inArray(periodicals.hubId, hubIds));
      // Own periodicals first, then upward level by level.
      return rows.sort(
        (a, b) => hubIds.indexOf(a.hubId) - hubIds.indexOf(b.hubId) || a.name.localeCompare(b.name, 'zh'),
      );
    },
  );

  app.get(
    '/api/hubs/:id/evaluated-units',
    {
      config: user,
      schema: {
        tags,
        summary: '本单位考核的单位（直属报送单位、下级汇总单位与直报点）',
        params: HubParams,
        response: { 200: EvaluatedUnits },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      await hubFor(ctx, req.params.id, 'view');
      const ids = [...(await evaluatedUnitIds(ctx.tx, req.params.id))];
      if (ids.length === 0) return [];
      return ctx.tx
        .select({
          id: orgs.id,
          name: orgs.name,
          shortName: orgs.shortName,
          kind: orgs.kind,
          level: orgs.level,
          isHub: orgs.isHub,
        })
        .from(orgs)
        .where(inArray(orgs.id, ids))
        .orderBy(asc(orgs.sortOrder), asc(orgs.name));
    },
  );

  app.post(
    '/api/hubs/:id/scoring/recompute',
    {
      config: user,
      schema: {
        tags,
        summary: '按现行规则重算积分台账（幂等）',
        params: HubParams,
        response: { 200: RecomputeResult },
      },
    },
    async (req) =>
      inTransaction(req, async (ctx) => {
        await hubFor(ctx, req.params.id, 'edit_rules');
        return recomputeHub(ctx, req.params.id);
      }),
  );

  app.get(
    '/api/hubs/:id/score-entries',
    {
      config: user,
      schema: {
        tags,
        summary: '积分台账（每条可追溯到采用或批示）',
        params: HubParams,
        querystring: LedgerQuery,
        response: { 200: ScoreEntryList },
      },
    },
    async (req) => ({ rows: await listLedger(readContext(req), req.params.id, req.query) }),
  );

  app.post(
    '/api/hubs/:id/score-entries',
    {
      config: user,
      schema: {
        tags,
        summary: '手工加分、扣分、紧急信息迟报/漏报/瞒报/误报扣分、约稿未报登记（须填写理由）',
        params: HubParams,
        body: ScoreEntryBody,
        response: { 201: ScoreEntrySchema },
      },
    },
    async (req, reply) => {
      const id = await inTransaction(req, (ctx) => addScoreEntry(ctx, req.params.id, req.body));
      const [entry] = await listLedger(readContext(req), req.params.id, { id, limit: 1 });
      return reply.code(201).send(entry!);
    },
  );
}
