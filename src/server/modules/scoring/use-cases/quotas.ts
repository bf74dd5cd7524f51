import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { orgsWithRole, type UseCaseContext } from '../../../http/context.js';
import { invalid, notFound, staleVersion } from '../../../http/errors.js';
import { abilities } from '../../../policy/authorize.js';
import { BUSINESS_ROLES, ORG_KIND_LABELS } from '../../orgs/domain.js';
import { orgs } from '../../orgs/schema.js';
import { QUOTA_PERIOD_LABELS } from '../domain.js';
import { currentQuotaPeriod, quotaScale, type Period } from '../periods.js';
import { auditScoring, evaluatedUnitIds, hubFor, loadRules } from '../repo.js';
import { applicableQuotas, checkQuota, pct, TARGET_LEVELS } from '../rules.js';
import type { QuotaBody, QuotaPatchBody } from '../schemas.js';
import { quotaRules } from '../schema.js';
import { runNamed } from '../sql.js';
import { unitStats, type UnitStats } from './stats.js';

type QuotaRow = typeof quotaRules.$inferSelect;

const LEVEL_WORDS = { national: '国家', province: '省级', city: '市级', county: '县级' } as const;

/** “每月：向县级报送≥15篇，向市级报送≥10篇，采用率≥20%” */
export function describeQuota(
  q: Pick<QuotaRow, 'period' | 'minSubmitted' | 'minAdopted' | 'minAdoptionRate'>,
): string {
  const parts: string[] = [];
  for (const level of TARGET_LEVELS) {
    const n = q.minSubmitted[level];
    if (n) parts.push(`向${LEVEL_WORDS[level]}报送≥${n}篇`);
  }
  if (q.minAdopted) parts.push(`采用≥${q.minAdopted}篇`);
  if (q.minAdoptionRate) parts.push(`采用率≥${pct(q.minAdoptionRate)}`);
  return `${QUOTA_PERIOD_LABELS[q.period]}：${parts.join('，') || '（未设要求）'}`;
}

export function presentQuota(ctx: UseCaseContext, q: QuotaRow, orgName: string | null) {
  return {
    id: q.id,
    hubId: q.hubId,
    orgId: q.orgId,
    orgName,
    orgKind: q.orgKind,
    orgKindLabel: q.orgKind ? ORG_KIND_LABELS[q.orgKind] : null,
    scopeLabel: orgName ?? (q.orgKind ? `全部${ORG_KIND_LABELS[q.orgKind]}` : '全部考核单位'),
    period: q.period,
    periodLabel: QUOTA_PERIOD_LABELS[q.period],
    minSubmitted: q.minSubmitted,
    minAdopted: q.minAdopted,
    minAdoptionRate: q.minAdoptionRate === null ? null : Number(q.minAdoptionRate),
    active: q.active,
    rowVersion: q.rowVersion,
    description: describeQuota(q),
    abilities: abilities(ctx.actor, 'scoring', ['manage_quotas'], { hubId: q.hubId }),
  };
}

async function checkScope(ctx: UseCaseContext, hubId: string, orgId: string | null | undefined) {
  if (!orgId) return;
  const evaluated = await evaluatedUnitIds(ctx.tx, hubId);
  if (!evaluated.has(orgId)) throw invalid('orgId', '该单位不在本单位考核范围内');
}

export async function listQuotas(ctx: UseCaseContext, hubId: string) {
  await hubFor(ctx, hubId, 'view');
  return ctx.tx
    .select()
    .from(quotaRules)
    .where(eq(quotaRules.hubId, hubId))
    .orderBy(asc(quotaRules.createdAt));
}

export async function createQuota(ctx: UseCaseContext, hubId: string, body: z.infer<typeof QuotaBody>) {
  await hubFor(ctx, hubId, 'manage_quotas');
  await checkScope(ctx, hubId, body.orgId);
  const id = randomUUID();
  await ctx.tx.insert(quotaRules).values({
    id,
    hubId,
    orgId: body.orgId ?? null,
    orgKind: body.orgKind ?? null,
    period: body.period,
    minSubmitted: body.minSubmitted,
    minAdopted: body.minAdopted ?? null,
    minAdoptionRate: body.minAdoptionRate ?? null,
    createdBy: ctx.actor.userId,
    createdAt: ctx.now,
  });
  await auditScoring(ctx, 'quota_create', 'quota', id, { hubId });
  return id;
}

async function quotaOf(ctx: UseCaseContext, hubId: string, quotaId: string): Promise<QuotaRow> {
  const [q] = await ctx.tx
    .select()
    .from(quotaRules)
    .where(and(eq(quotaRules.id, quotaId), eq(quotaRules.hubId, hubId)))
    .for('update');
  if (!q) throw notFound('任务指标');
  return q;
}

export async function updateQuota(
  ctx: UseCaseContext,
  hubId: string,
  quotaId: string,
  body: z.infer<typeof QuotaPatchBody>,
) {
  await hubFor(ctx, hubId, 'manage_quotas');
  const before = await quotaOf(ctx, hubId, quotaId);
  if (before.rowVersion !== body.rowVersion) throw staleVersion('任务指标', before.rowVersion);
  const patch: Partial<typeof quotaRules.$inferInsert> = {};
  if (body.period !== undefined) patch.period = body.period;
  if (body.minSubmitted !== undefined) patch.minSubmitted = body.minSubmitted;
  if (body.minAdopted !== undefined) patch.minAdopted = body.minAdopted;
  if (body.minAdoptionRate !== undefined) patch.minAdoptionRate = body.minAdoptionRate;
  if (body.active !== undefined) patch.active = body.active;
  const [done] = await ctx.tx
    .update(quotaRules)
    .set({ ...patch, rowVersion: body.rowVersion + 1 })
    .where(and(eq(quotaRules.id, quotaId), eq(quotaRules.rowVersion, body.rowVersion)))
    .returning({ id: quotaRules.id });
  if (!done) throw staleVersion('任务指标');
  await auditScoring(ctx, 'quota_update', 'quota', quotaId, { hubId, fields: Object.keys(patch) });
}

/** DELETE deactivates: the quota stays for the record and stops applying. */
export async function deactivateQuota(ctx: UseCaseContext, hubId: string, quotaId: string) {
  await hubFor(ctx, hubId, 'manage_quotas');
  const q = await quotaOf(ctx, hubId, quotaId);
  await ctx.tx
    .update(quotaRules)
    .set({ active: false, rowVersion: q.rowVersion + 1 })
    .where(eq(quotaRules.id, quotaId));
  await auditScoring(ctx, 'quota_deactivate', 'quota', quotaId, { hubId });
}

export interface QuotaCheck {
  quotaId: string;
  description: string;
  met: boolean;
  required: { measure: string; level: string | null; required: number; actual: number; label: string }[];
  shortfalls: { measure: string; level: string | null; required: number; actual: number; label: string }[];
}

function checkAll(quotas: readonly QuotaRow[], s: UnitStats, period: Period): QuotaCheck[] {
  return applicableQuotas(quotas, { id: s.orgId, kind: s.orgKind }).map((q) => {
    const r = checkQuota(
      {
        period: q.period,
        minSubmitted: q.minSubmitted,
        minAdopted: q.minAdopted,
        minAdoptionRate: q.minAdoptionRate === null ? null : Number(q.minAdoptionRate),
      },
      s,
      quotaScale(q.period, period),
    );
    return { quotaId: q.id, description: describeQuota(q), ...r };
  });
}

/**
 * 信息报送滞后单位 over a period: units that miss any applicable quota, each quota scaled to the period
 * (periods.quotaScale), with what they missed. Judged on the statistics of the ranking (`rows`, unitStats).
 */
export async function laggingUnits(ctx: UseCaseContext, hubId: string, period: Period, rows: UnitStats[]) {
  const quotas = await ctx.tx
    .select()
    .from(quotaRules)
    .where(and(eq(quotaRules.hubId, hubId), eq(quotaRules.active, true)));
  return rows
    .map((s) => ({ s, checks: checkAll(quotas, s, period) }))
    .filter((x) => x.checks.some((c) => !c.met))
    .map(({ s, checks }) => ({
      orgId: s.orgId,
      orgName: s.orgName,
      submitted: s.submitted,
      adopted: s.adopted,
      adoptionRate: s.adoptionRate,
      missed: checks.flatMap((c) => c.shortfalls.map((f) => f.label)),
      checks,
    }));
}

/**
 * 工作台: for each unit the actor works in, every quota its evaluating hubs apply to it, over the quota's
 * current period (today, this week from Monday, this month, this quarter — Beijing time), and how far it is.
 * One statistics query per (hub, quota period) involved: a handful at most.
 */
export async function quotaProgress(ctx: UseCaseContext) {
  const myOrgs = orgsWithRole(ctx.actor, BUSINESS_ROLES);
  if (myOrgs.length === 0) return [];
  const pairs = await runNamed<{ org_id: string; hub_id: string }>(ctx.tx, 'evaluators-of', {
    orgIds: JSON.stringify(myOrgs),
  });
  const out: {
    orgId: string;
    orgName: string;
    hubId: string;
    hubName: string;
    period: string;
    periodLabelShort: string;
    periodLabel: string;
    start: string;
    end: string;
    check: QuotaCheck;
  }[] = [];
  const hubs = [...new Set(pairs.map((p) => p.hub_id))];
  for (const hubId of hubs) {
    const quotas = await ctx.tx
      .select()
      .from(quotaRules)
      .where(and(eq(quotaRules.hubId, hubId), eq(quotaRules.active, true)));
    if (quotas.length === 0) continue;
    const units = new Set(pairs.filter((p) => p.hub_id === hubId).map((p) => p.org_id));
    const { rules } = await loadRules(ctx.tx, hubId);
    const [hub] = await ctx.tx.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, hubId));
    for (const qp of [...new Set(quotas.map((q) => q.period))]) {
      const period = currentQuotaPeriod(qp, ctx.now);
      const stats = (await unitStats(ctx.tx, hubId, rules, period)).filter((s) => units.has(s.orgId));
      for (const s of stats)
        for (const check of checkAll(quotas, s, period).filter(
          (c) => quotas.find((q) => q.id === c.quotaId)?.period === qp,
        ))
          out.push({
            orgId: s.orgId,
            orgName: s.orgName,
            hubId,
            hubName: hub?.name ?? '',
            period: qp,
            periodLabelShort: QUOTA_PERIOD_LABELS[qp],
            periodLabel: period.label,
            start: period.start.toISOString(),
            end: period.end.toISOString(),
            check,
          });
    }
  }
  return out;
}
