/**
 * Keeps the automatic part of the ledger equal to what the rules say about the adoptions and instructions
 * that exist. Idempotent by construction: the desired rows are computed (rules.ts), compared with the rows
 * present by (hub, unit, kind, cause), and only the difference is written — recomputing twice writes nothing.
 * Manual rows are never touched.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import type { UseCaseContext } from '../../../http/context.js';
import type { AdoptionType } from '../../items/domain/catalog.js';
import type { AlongsideWrite } from '../../items/repo.js';
import { adoptions } from '../../items/schema.js';
import type { OrgLevel } from '../../orgs/domain.js';
import { DEFAULT_RULES, type ScoringRules } from '../domain.js';
import { evaluatedAmong, evaluatedUnitIds, loadRules, selfAndAncestorIds } from '../repo.js';
import { creditAdoption, creditInstruction, type AdoptionFacts, type InstructionFacts } from '../rules.js';
import { scoreEntries } from '../schema.js';
import { namedFragment, runNamed, runPrepared } from '../sql.js';

type AutoKind = 'adoption' | 'instruction';
type LedgerInsert = typeof scoreEntries.$inferInsert;

interface Desired {
  hubId: string;
  orgId: string;
  kind: AutoKind;
  causeId: string;
  itemId: string;
  occurredAt: Date;
  points: number;
  explanation: string;
  detail: Record<string, unknown>;
  ruleVersion: number;
}

interface RuleSetRow {
  hub_id: string;
  rules: ScoringRules;
  version: number;
}

interface AdoptionRow {
  adoption_id: string;
  hop_id: string;
  item_id: string;
  periodical_id: string;
  periodical_name: string;
  type: AdoptionType;
  adopting_level: OrgLevel;
  adopted_at: string;
  origin_org_id: string;
  co_reporter_org_ids: string[];
}

interface InstructionFactsRow {
  instruction_id: string;
  item_id: string;
  leader_org_id: string;
  leader_level: OrgLevel;
  created_at: string;
  origin_org_id: string;
  co_reporter_org_ids: string[];
  chain_from_org_ids: string[];
}

const json = (ids: readonly string[]) => JSON.stringify(ids);

async function adoptionFacts(
  tx: Db,
  by: { adoptionIds: string[] } | { adoptionIds?: undefined; periodicalIds: string[] },
): Promise<AdoptionFacts[]> {
  const rows = by.adoptionIds
    ? await runNamed<AdoptionRow>(tx, 'adoption-rows-by-id', { adoptionIds: json(by.adoptionIds) })
    : await runNamed<AdoptionRow>(tx, 'adoption-rows-by-periodical', {
        periodicalIds: json(by.periodicalIds ?? []),
      });
  const senders = await chainSenders(
    tx,
    rows.map((r) => r.hop_id),
  );
  return rows.map((r) => ({
    adoptionId: r.adoption_id,
    itemId: r.item_id,
    periodicalId: r.periodical_id,
    periodicalName: r.periodical_name,
    type: r.type,
    adoptingLevel: r.adopting_level,
    adoptedAt: new Date(r.adopted_at),
    originOrgId: r.origin_org_id,
    coReporterOrgIds: r.co_reporter_org_ids,
    chainFromOrgIds: senders.get(r.hop_id) ?? [],
  }));
}

/**
 * For each hop, the senders along its chain from the unit's own hop up to it (origin first): one
 * primary-key lookup per chain level for all hops at once, so its cost follows the adoptions asked
 * about, never the size of the hops table.
 */
async function chainSenders(tx: Db, hopIds: readonly string[]): Promise<Map<string, string[]>> {
  const known = new Map<string, { parent: string | null; from: string }>();
  let wanted = [...new Set(hopIds)];
  for (let depth = 0; wanted.length > 0 && depth < 16; depth++) {
    const level = await runNamed<{ id: string; parent_hop_id: string | null; from_org_id: string }>(
      tx,
      'hop-parents',
      { hopIds: json(wanted) },
    );
    for (const h of level) known.set(h.id, { parent: h.parent_hop_id, from: h.from_org_id });
    wanted = [...new Set(level.map((h) => h.parent_hop_id).filter((p): p is string => !!p && !known.has(p)))];
  }
  const result = new Map<string, string[]>();
  for (const id of hopIds) {
    const chain: string[] = [];
    for (let h = known.get(id); h; h = h.parent ? known.get(h.parent) : undefined) chain.unshift(h.from);
    result.set(id, chain);
  }
  return result;
}

async function instructionFacts(
  tx: Db,
  by: { instructionIds?: string[]; leaderOrgIds?: string[] },
): Promise<(Omit<InstructionFacts, 'leaderCounted'> & { leaderOrgId: string })[]> {
  const rows = await runNamed<InstructionFactsRow>(tx, 'instruction-facts', {
    instructionIds: json(by.instructionIds ?? []),
    leaderOrgIds: json(by.leaderOrgIds ?? []),
  });
  return rows.map((r) => ({
    instructionId: r.instruction_id,
    itemId: r.item_id,
    leaderOrgId: r.leader_org_id,
    leaderLevel: r.leader_level,
    createdAt: new Date(r.created_at),
    originOrgId: r.origin_org_id,
    coReporterOrgIds: r.co_reporter_org_ids,
    chainFromOrgIds: r.chain_from_org_ids,
  }));
}

function adoptionRows(
  hubId: string,
  rules: ScoringRules,
  version: number,
  evaluated: ReadonlySet<string>,
  facts: readonly AdoptionFacts[],
): Desired[] {
  return facts.flatMap((f) =>
    creditAdoption(rules, hubId, evaluated, f).map((c) => ({
      hubId,
      orgId: c.orgId,
      kind: 'adoption' as const,
      causeId: f.adoptionId,
      itemId: f.itemId,
      occurredAt: f.adoptedAt,
      points: c.points,
      explanation: c.explanation,
      detail: c.detail,
      ruleVersion: version,
    })),
  );
}

/**
 * One instruction on an issue can concern several items (a whole issue, or a 综合 entry): each item is
 * credited as if instructed on alone, and a unit's credits for the same instruction are summed into its one
 * ledger row (the ledger keeps one row per hub, unit, kind and cause).
 */
function mergeByKey(rows: readonly Desired[]): Desired[] {
  const out = new Map<string, Desired>();
  for (const r of rows) {
    const k = keyOf(r);
    const prev = out.get(k);
    if (!prev) {
      out.set(k, r);
      continue;
    }
    const itemIds = [...((prev.detail.itemIds as string[] | undefined) ?? [prev.itemId]), r.itemId];
    out.set(k, {
      ...prev,
      points: Math.round((prev.points + r.points) * 10_000) / 10_000,
      explanation: `${prev.explanation}；${r.explanation}`,
      detail: { ...prev.detail, itemIds },
    });
  }
  return [...out.values()];
}

function instructionRows(
  hubId: string,
  rules: ScoringRules,
  version: number,
  evaluated: ReadonlySet<string>,
  counted: ReadonlySet<string>,
  facts: readonly (Omit<InstructionFacts, 'leaderCounted'> & { leaderOrgId: string })[],
): Desired[] {
  return mergeByKey(instructionRowsEach(hubId, rules, version, evaluated, counted, facts));
}

function instructionRowsEach(
  hubId: string,
  rules: ScoringRules,
  version: number,
  evaluated: ReadonlySet<string>,
  counted: ReadonlySet<string>,
  facts: readonly (Omit<InstructionFacts, 'leaderCounted'> & { leaderOrgId: string })[],
): Desired[] {
  return facts.flatMap((f) =>
    creditInstruction(rules, evaluated, { ...f, leaderCounted: counted.has(f.leaderOrgId) }).map((c) => ({
      hubId,
      orgId: c.orgId,
      kind: 'instruction' as const,
      causeId: f.instructionId,
      itemId: f.itemId,
      occurredAt: f.createdAt,
      points: c.points,
      explanation: c.explanation,
      detail: { ...c.detail, instructionId: f.instructionId },
      ruleVersion: version,
    })),
  );
}

function stable(v: unknown): string {
  if (v && typeof v === 'object' && !Array.isArray(v))
    return JSON.stringify(
      Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))),
    );
  return JSON.stringify(v ?? null);
}

const keyOf = (r: { hubId: string; orgId: string; kind: string; causeId: string | null }) =>
  `${r.hubId}|${r.orgId}|${r.kind}|${r.causeId ?? ''}`;

/** Writes the difference between the automatic rows in `scope` and `desired`. Returns what changed. */
async function syncLedger(ctx: UseCaseContext, scope: SQL, desired: readonly Desired[]) {
  const existing = await ctx.tx
    .select({
      id: scoreEntries.id,
      hubId: scoreEntries.hubId,
      orgId: scoreEntries.orgId,
      kind: scoreEntries.kind,
      causeId: scoreEntries.causeId,
      itemId: scoreEntries.itemId,
      occurredAt: scoreEntries.occurredAt,
      points: scoreEntries.points,
      explanation: scoreEntries.explanation,
      detail: scoreEntries.detail,
    })
    .from(scoreEntries)
    .where(and(eq(scoreEntries.manual, false), scope));
  const byKey = new Map(existing.map((e) => [keyOf(e), e]));
  const wanted = new Map(desired.map((d) => [keyOf(d), d]));
  const inserts: LedgerInsert[] = [];
  const updates: Record<string, unknown>[] = [];
  for (const [key, d] of wanted) {
    const e = byKey.get(key);
    if (!e) {
      inserts.push({
        id: randomUUID(),
        ...d,
        manual: false,
        reason: null,
        createdBy: null,
        createdAt: ctx.now,
      });
      continue;
    }
    const same =
      Number(e.points) === d.points &&
      e.explanation === d.explanation &&
      e.itemId === d.itemId &&
      e.occurredAt.getTime() === d.occurredAt.getTime() &&
      stable(e.detail) === stable(d.detail);
    if (!same)
      updates.push({
        id: e.id,
        points: d.points,
        explanation: d.explanation,
        detail: d.detail,
        itemId: d.itemId,
        occurredAt: d.occurredAt.toISOString(),
        ruleVersion: d.ruleVersion,
      });
  }
  const deletes = existing.filter((e) => !wanted.has(keyOf(e))).map((e) => e.id);
  for (let i = 0; i < deletes.length; i += 1000)
    await ctx.tx.delete(scoreEntries).where(inArray(scoreEntries.id, deletes.slice(i, i + 1000)));
  await insertLedgerRows(ctx, inserts);
  for (let i = 0; i < updates.length; i += 1000)
    await runNamed(ctx.tx, 'ledger-update', { rows: JSON.stringify(updates.slice(i, i + 1000)) });
  return { inserted: inserts.length, updated: updates.length, deleted: deletes.length };
}

/**
 * Inserts automatic ledger rows. A concurrent recompute of the same cause may have inserted a row
 * meanwhile: the insert converges on it.
 */
async function insertLedgerRows(ctx: UseCaseContext, rows: readonly (Desired | LedgerInsert)[]) {
  const inserts: LedgerInsert[] = rows.map((r) =>
    'id' in r
      ? r
      : { id: randomUUID(), ...r, manual: false, reason: null, createdBy: null, createdAt: ctx.now },
  );
  for (let i = 0; i < inserts.length; i += 500)
    await ctx.tx
      .insert(scoreEntries)
      .values(inserts.slice(i, i + 500))
      .onConflictDoUpdate({
        target: [scoreEntries.hubId, scoreEntries.orgId, scoreEntries.kind, scoreEntries.causeId],
        targetWhere: sql`${scoreEntries.manual} = false`,
        set: {
          points: sql`excluded.points`,
          explanation: sql`excluded.explanation`,
          detail: sql`excluded.detail`,
          itemId: sql`excluded.item_id`,
          occurredAt: sql`excluded.occurred_at`,
          ruleVersion: sql`excluded.rule_version`,
        },
      });
  return { inserted: inserts.length, updated: 0, deleted: 0 };
}

const ADOPTION_INSERT = { name: 'adoption-insert', ctes: namedFragment('adoption-insert') } as const;

/**
 * A new adoption's row and its ledger rows (new, like their cause), as CTEs of the adopting transition's
 * statement (sql/adoption-insert.sql).
 */
function adoptionWrite(
  ctx: UseCaseContext,
  adoption: typeof adoptions.$inferInsert,
  rows: readonly Desired[],
): AlongsideWrite {
  return {
    ...ADOPTION_INSERT,
    values: {
      adoption: JSON.stringify({
        id: adoption.id,
        hop_id: adoption.hopId,
        item_id: adoption.itemId,
        hub_id: adoption.hubId,
        periodical_id: adoption.periodicalId,
        version_id: adoption.versionId,
        title: adoption.title,
        type: adoption.type,
        adopted_by: adoption.adoptedBy,
        adopted_at: adoption.adoptedAt.toISOString(),
      }),
      entries: JSON.stringify(
        rows.map((r) => ({
          id: randomUUID(),
          hub_id: r.hubId,
          org_id: r.orgId,
          kind: r.kind,
          occurred_at: r.occurredAt.toISOString(),
          points: r.points,
          cause_id: r.causeId,
          item_id: r.itemId,
          explanation: r.explanation,
          detail: r.detail,
          rule_version: r.ruleVersion,
          created_at: ctx.now.toISOString(),
        })),
      ),
    },
  };
}

/** Every unit a fact could credit: the ledger's rules ask whether these, and only these, are evaluated. */
function factUnits(
  facts: readonly Pick<AdoptionFacts, 'originOrgId' | 'coReporterOrgIds' | 'chainFromOrgIds'>[],
): string[] {
  return facts.flatMap((f) => [f.originOrgId, ...f.coReporterOrgIds, ...f.chainFromOrgIds]);
}

/**
 * The hook for the adoption use cases (adopt, revoke): recomputes the rows this adoption causes in every
 * hub's ledger that counts its periodical, in the caller's transaction.
 */
export async function recomputeForAdoption(ctx: UseCaseContext, adoptionId: string) {
  const [a] = await ctx.tx
    .select({ periodicalId: adoptions.periodicalId })
    .from(adoptions)
    .where(eq(adoptions.id, adoptionId));
  if (!a) return { inserted: 0, updated: 0, deleted: 0 };
  const ruleSets = await runNamed<RuleSetRow>(ctx.tx, 'counting-rule-sets', { periodicalId: a.periodicalId });
  const facts = await adoptionFacts(ctx.tx, { adoptionIds: [adoptionId] });
  // One statement for every counting hub, about the facts' own units (none for a revoked adoption).
  const evaluatedBy = await evaluatedAmong(ctx.tx, factUnits(facts));
  const desired = ruleSets.flatMap((rs) =>
    adoptionRows(
      rs.hub_id,
      { ...DEFAULT_RULES, ...rs.rules },
      rs.version,
      evaluatedBy.get(rs.hub_id) ?? new Set(),
      facts,
    ),
  );
  return syncLedger(
    ctx,
    and(eq(scoreEntries.kind, 'adoption'), eq(scoreEntries.causeId, adoptionId))!,
    desired,
  );
}

interface AdoptFactsRow {
  periodical_id: string;
  periodical_hub_id: string;
  periodical_name: string;
  adopted: boolean;
  version_title: string;
  adopting_level: OrgLevel;
  origin_org_id: string;
  co_reporter_org_ids: string[];
  chain_from_org_ids: string[];
  rule_sets: (RuleSetRow & { evaluated: string[] })[];
}

/**
 * What a new adoption needs before it is written (adopt-facts.sql, one statement): the periodical, whether
 * the hop already has a live adoption into it, and the ledger's facts with each counting hub's verdict on
 * the candidate units. `writes` then gives the adoption row and its ledger rows to the adopting transition.
 */
/** The adoption row to write: its id and type are also the ledger facts' (the cause of every row). */
export type NewAdoptionRow = typeof adoptions.$inferInsert & { id: string; type: AdoptionType };

export interface NewAdoption {
  periodical: { id: string; hubId: string; name: string; adopted: boolean };
  /** The adopted version's title, for the adoption row. */
  versionTitle: string;
  /**
   * The adoption row and its ledger rows, as writes of the adopting transition's own statement (computed
   * from the facts read; nothing is written unless the transition succeeds).
   */
  writes: (ctx: UseCaseContext, adoption: NewAdoptionRow) => AlongsideWrite;
}

export async function prepareNewAdoption(
  ctx: UseCaseContext,
  input: { hopId: string; itemId: string; hubId: string; periodicalId: string; versionId: string },
): Promise<NewAdoption | null> {
  const [row] = await runPrepared<AdoptFactsRow>(ctx.tx, 'adopt-facts', input);
  if (!row) return null;
  return {
    periodical: {
      id: row.periodical_id,
      hubId: row.periodical_hub_id,
      name: row.periodical_name,
      adopted: row.adopted,
    },
    versionTitle: row.version_title,
    writes: (c, adoption) => {
      const facts: AdoptionFacts = {
        adoptionId: adoption.id,
        itemId: input.itemId,
        periodicalId: row.periodical_id,
        periodicalName: row.periodical_name,
        type: adoption.type,
        adoptingLevel: row.adopting_level,
        adoptedAt: c.now,
        originOrgId: row.origin_org_id,
        coReporterOrgIds: row.co_reporter_org_ids,
        chainFromOrgIds: row.chain_from_org_ids,
      };
      // `evaluated` holds only the candidates each hub evaluates: all the rules ever ask about.
      const desired = row.rule_sets.flatMap((rs) =>
        adoptionRows(rs.hub_id, { ...DEFAULT_RULES, ...rs.rules }, rs.version, new Set(rs.evaluated), [
          facts,
        ]),
      );
      return adoptionWrite(c, adoption, desired);
    },
  };
}

/** Recomputes the bonus rows of one leader instruction in every ledger it can count for. */
export async function recomputeForInstruction(ctx: UseCaseContext, instructionId: string) {
  const facts = await instructionFacts(ctx.tx, { instructionIds: [instructionId] });
  const desired: Desired[] = [];
  const leaderOrgId = facts[0]?.leaderOrgId;
  if (leaderOrgId) {
    const ruleSets = await runNamed<RuleSetRow>(ctx.tx, 'counting-rule-sets-for-instruction', {
      leaderOrgId,
    });
    const evaluatedBy = await evaluatedAmong(ctx.tx, factUnits(facts));
    for (const rs of ruleSets) {
      const rules = { ...DEFAULT_RULES, ...rs.rules };
      const evaluated = evaluatedBy.get(rs.hub_id) ?? new Set<string>();
      desired.push(
        ...instructionRows(rs.hub_id, rules, rs.version, evaluated, new Set([leaderOrgId]), facts),
      );
    }
  }
  return syncLedger(
    ctx,
    and(eq(scoreEntries.kind, 'instruction'), eq(scoreEntries.causeId, instructionId))!,
    desired,
  );
}

/** Recomputes a hub's whole automatic ledger: after a rule change, or on request. */
export async function recomputeHub(ctx: UseCaseContext, hubId: string) {
  const { rules, version } = await loadRules(ctx.tx, hubId);
  const evaluated = await evaluatedUnitIds(ctx.tx, hubId);
  const counted = await selfAndAncestorIds(ctx.tx, hubId);
  const aFacts = await adoptionFacts(ctx.tx, { periodicalIds: rules.periodicals.map((p) => p.periodicalId) });
  const iFacts = await instructionFacts(ctx.tx, { leaderOrgIds: counted });
  const desired = [
    ...adoptionRows(hubId, rules, version, evaluated, aFacts),
    ...instructionRows(hubId, rules, version, evaluated, new Set(counted), iFacts),
  ];
  return syncLedger(
    ctx,
    and(eq(scoreEntries.hubId, hubId), inArray(scoreEntries.kind, ['adoption', 'instruction']))!,
    desired,
  );
}
