import { randomUUID } from 'node:crypto';
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { users } from '../../orgs/schema.js';
import { ENTRY_KIND_LABELS, PENALTY_TYPE_LABELS } from '../domain.js';
import { beijingDateString, resolvePeriod } from '../periods.js';
import { auditScoring, evaluatedUnitIds, hubFor, loadRules } from '../repo.js';
import { fmtPoints, round2 } from '../rules.js';
import type { LedgerQuery, ScoreEntryBody } from '../schemas.js';
import { scoreEntries } from '../schema.js';

/**
 * A manual ledger row: 加分/扣分 with a reason, a 迟报/漏报/瞒报/误报 penalty at the rule's points, or a
 * missed solicitation (约稿未报; enough of them zero the annual total). Who decided is recorded.
 */
export async function addScoreEntry(
  ctx: UseCaseContext,
  hubId: string,
  body: z.infer<typeof ScoreEntryBody>,
) {
  await hubFor(ctx, hubId, 'add_entry');
  const evaluated = await evaluatedUnitIds(ctx.tx, hubId);
  if (!evaluated.has(body.orgId)) throw invalid('orgId', '该单位不在本单位考核范围内');
  const day = body.occurredOn ?? beijingDateString(ctx.now);
  const period = resolvePeriod({ kind: 'custom', from: day, to: day });
  if (!period) throw invalid('occurredOn', '日期无效');
  const { rules, version } = await loadRules(ctx.tx, hubId);
  let points: number;
  let explanation: string;
  switch (body.kind) {
    case 'manual_bonus':
      points = body.points;
      explanation = `加分 ${fmtPoints(points)}分：${body.reason}`;
      break;
    case 'manual_deduction':
      points = -body.points;
      explanation = `扣分 ${fmtPoints(body.points)}分：${body.reason}`;
      break;
    case 'penalty':
      points = rules.penalties[body.penaltyType];
      explanation = `紧急信息${PENALTY_TYPE_LABELS[body.penaltyType]} ${fmtPoints(points)}分：${body.reason}`;
      break;
    case 'missed_solicitation':
      points = 0;
      explanation = `约稿未报：${body.reason}（全年累计${rules.missedSolicitationsZeroAt}次及以上年度积分为零）`;
      break;
  }
  const id = randomUUID();
  await ctx.tx.insert(scoreEntries).values({
    id,
    hubId,
    orgId: body.orgId,
    kind: body.kind,
    occurredAt: period.start,
    points,
    causeId: null,
    itemId: null,
    explanation,
    detail: body.kind === 'penalty' ? { penaltyType: body.penaltyType } : null,
    manual: true,
    reason: body.reason,
    createdBy: ctx.actor.userId,
    ruleVersion: version,
    createdAt: ctx.now,
  });
  await auditScoring(ctx, 'entry_add', 'score_entry', id, {
    hubId,
    orgId: body.orgId,
    kind: body.kind,
    points,
  });
  return id;
}

/**
 * The ledger of a hub, newest first, optionally for one unit and a date range (Beijing dates), or the one
 * entry with `id`.
 */
export async function listLedger(
  ctx: UseCaseContext,
  hubId: string,
  q: z.infer<typeof LedgerQuery> & { id?: string },
) {
  await hubFor(ctx, hubId, 'view');
  const where: SQL[] = [eq(scoreEntries.hubId, hubId)];
  if (q.id) where.push(eq(scoreEntries.id, q.id));
  if (q.orgId) where.push(eq(scoreEntries.orgId, q.orgId));
  if (q.from)
    where.push(
      gte(scoreEntries.occurredAt, resolvePeriod({ kind: 'custom', from: q.from, to: q.from })!.start),
    );
  if (q.to)
    where.push(lt(scoreEntries.occurredAt, resolvePeriod({ kind: 'custom', from: q.to, to: q.to })!.end));
  const rows = await ctx.tx
    .select({ e: scoreEntries, createdByName: users.displayName })
    .from(scoreEntries)
    .leftJoin(users, eq(users.id, scoreEntries.createdBy))
    .where(and(...where))
    .orderBy(desc(scoreEntries.occurredAt), desc(scoreEntries.id))
    .limit(q.limit);
  return rows.map(({ e, createdByName }) => ({
    id: e.id,
    orgId: e.orgId,
    kind: e.kind,
    kindLabel: ENTRY_KIND_LABELS[e.kind],
    occurredAt: e.occurredAt.toISOString(),
    points: round2(Number(e.points)),
    explanation: e.explanation,
    causeId: e.causeId,
    itemId: e.itemId,
    manual: e.manual,
    reason: e.reason,
    createdBy: e.createdBy,
    createdByName,
    ruleVersion: e.ruleVersion,
  }));
}
