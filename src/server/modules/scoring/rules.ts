/**
 * The scoring arithmetic, pure: given a hub's rules and the facts of one adoption or instruction, which
 * evaluated units are credited and with how many points. The use cases load facts and write the ledger;
 * every number in the ledger comes from here.
 */
import { ADOPTION_TYPE_LABELS, type AdoptionType } from '../items/domain/catalog.js';
import { ORG_LEVEL_LABELS, type OrgLevel } from '../orgs/domain.js';
import type { OrgKind } from '../orgs/domain.js';
import type { QuotaPeriod, ScoringRules, TargetLevel } from './domain.js';

export const TARGET_LEVELS = [
  'national',
  'province',
  'city',
  'county',
] as const satisfies readonly TargetLevel[];

export function isTargetLevel(level: OrgLevel): level is TargetLevel {
  return level !== 'township';
}

/** What the ledger needs to know about one adoption. */
export interface AdoptionFacts {
  adoptionId: string;
  itemId: string;
  periodicalId: string;
  periodicalName: string;
  type: AdoptionType;
  /** Level of the hub whose periodical adopted the item. */
  adoptingLevel: OrgLevel;
  adoptedAt: Date;
  /** 合报: the origin unit first, then the co-reporting units. */
  originOrgId: string;
  coReporterOrgIds: readonly string[];
  /** Senders of every hop on the chain from the unit's own hop up to the adopting hop. */
  chainFromOrgIds: readonly string[];
}

export interface InstructionFacts {
  instructionId: string;
  itemId: string;
  leaderLevel: OrgLevel;
  /** The leader's office is the evaluating hub itself or one above it: only those instructions count. */
  leaderCounted: boolean;
  createdAt: Date;
  originOrgId: string;
  coReporterOrgIds: readonly string[];
  /** Senders of every hop of the item (any chain). */
  chainFromOrgIds: readonly string[];
}

export type CreditRole = 'contributor' | 'forwarder';

export interface Credit {
  orgId: string;
  points: number;
  role: CreditRole;
  explanation: string;
  detail: Record<string, unknown>;
}

/** Points are kept to 4 decimals in the ledger (numeric(12,4)) and shown to 2. */
export function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** 4 → "4", 1.3333 → "1.33", -2.5 → "-2.5". */
export function fmtPoints(n: number): string {
  return String(round2(n));
}

function contributorsOf(originOrgId: string, coReporterOrgIds: readonly string[]): string[] {
  return [...new Set([originOrgId, ...coReporterOrgIds])];
}

/** Hubs that forwarded the item: every sender on the chain but the origin unit. */
function forwardersOf(f: { originOrgId: string; chainFromOrgIds: readonly string[] }): string[] {
  return [...new Set(f.chainFromOrgIds)].filter((o) => o !== f.originOrgId);
}

/**
 * Splits `base × multiplier` among the credited units. Contributors (origin + co-reporters) evaluated by
 * the hub each get `base × multiplier ÷ contributors`; with `creditForwarders`, each forwarding hub the hub
 * evaluates gets the undivided `base × multiplier` (it carried the whole item). A unit that is both is
 * credited once, as forwarder.
 */
function distribute(
  rules: ScoringRules,
  evaluated: ReadonlySet<string>,
  originOrgId: string,
  coReporterOrgIds: readonly string[],
  chainFromOrgIds: readonly string[],
  base: number,
  multiplier: number,
  head: string,
  multiplierNote: string,
  detail: Record<string, unknown>,
): Credit[] {
  const contributors = contributorsOf(originOrgId, coReporterOrgIds);
  const n = contributors.length;
  const forwarders = rules.creditForwarders ? forwardersOf({ originOrgId, chainFromOrgIds }) : [];
  const credits = new Map<string, Credit>();
  const mult = multiplier !== 1 ? ` ×${multiplier}${multiplierNote}` : '';
  for (const orgId of contributors) {
    if (!evaluated.has(orgId)) continue;
    const points = round4((base * multiplier) / n);
    const split = n > 1 ? ` ÷${n}（合报）` : '';
    credits.set(orgId, {
      orgId,
      points,
      role: 'contributor',
      explanation: `${head} ${fmtPoints(base)}分${mult}${split} = ${fmtPoints(points)}分`,
      detail: { ...detail, base, multiplier, split: n, role: 'contributor' },
    });
  }
  for (const orgId of forwarders) {
    if (!evaluated.has(orgId)) continue;
    const points = round4(base * multiplier);
    credits.set(orgId, {
      orgId,
      points,
      role: 'forwarder',
      explanation: `${head} ${fmtPoints(base)}分${mult}（转报单位） = ${fmtPoints(points)}分`,
      detail: { ...detail, base, multiplier, split: 1, role: 'forwarder' },
    });
  }
  return [...credits.values()];
}

/**
 * The ledger entries one adoption earns under a hub's rules. Nothing when the periodical is not counted.
 * The forward multiplier (by the adopting periodical's level) applies when the hub itself sent a hop of the
 * adoption's chain, i.e. the item reached the adopting level through this hub (经本级转报).
 */
export function creditAdoption(
  rules: ScoringRules,
  hubId: string,
  evaluated: ReadonlySet<string>,
  f: AdoptionFacts,
): Credit[] {
  const counted = rules.periodicals.find((p) => p.periodicalId === f.periodicalId);
  if (!counted) return [];
  const base = f.type === 'single' ? counted.single : counted.combined;
  const viaHub = f.chainFromOrgIds.includes(hubId);
  const multiplier =
    viaHub && isTargetLevel(f.adoptingLevel) ? (rules.forwardMultipliers[f.adoptingLevel] ?? 1) : 1;
  const head = `《${f.periodicalName}》${ADOPTION_TYPE_LABELS[f.type]}`;
  return distribute(
    rules,
    evaluated,
    f.originOrgId,
    f.coReporterOrgIds,
    f.chainFromOrgIds,
    base,
    multiplier,
    head,
    '（经本级转报）',
    {
      periodicalId: f.periodicalId,
      adoptionType: f.type,
      adoptingLevel: f.adoptingLevel,
    },
  );
}

/** The bonus a leader's instruction earns: by the leader's level, split like adoption points. */
export function creditInstruction(
  rules: ScoringRules,
  evaluated: ReadonlySet<string>,
  f: InstructionFacts,
): Credit[] {
  if (!f.leaderCounted || !isTargetLevel(f.leaderLevel)) return [];
  const base = rules.instructionBonus[f.leaderLevel] ?? 0;
  const head = `${ORG_LEVEL_LABELS[f.leaderLevel]}领导批示`;
  return distribute(
    rules,
    evaluated,
    f.originOrgId,
    f.coReporterOrgIds,
    f.chainFromOrgIds,
    base,
    1,
    head,
    '',
    {
      leaderLevel: f.leaderLevel,
    },
  );
}

/**
 * A unit's total over a period: the ledger sum, except that for a whole year missing at least
 * `missedSolicitationsZeroAt` solicitations zeroes it (0 turns the rule off).
 */
export function effectiveTotal(
  sum: number,
  missedSolicitations: number,
  zeroAt: number,
  isYear: boolean,
): { points: number; zeroed: boolean } {
  if (isYear && zeroAt > 0 && missedSolicitations >= zeroAt) return { points: 0, zeroed: true };
  return { points: round4(sum), zeroed: false };
}

/** 采用率: adopted items among the items submitted in the period, to 4 decimals; null when none submitted. */
export function adoptionRate(adoptedOfSubmitted: number, submitted: number): number | null {
  if (submitted <= 0) return null;
  return round4(adoptedOfSubmitted / submitted);
}

export interface QuotaRequirement {
  period: QuotaPeriod;
  minSubmitted: Partial<Record<TargetLevel, number>>;
  minAdopted: number | null;
  minAdoptionRate: number | null;
}

export interface UnitCounts {
  submittedByLevel: Partial<Record<TargetLevel, number>>;
  submitted: number;
  adopted: number;
  adoptionRate: number | null;
}

export interface Shortfall {
  measure: 'submitted' | 'adopted' | 'adoption_rate';
  level: TargetLevel | null;
  required: number;
  actual: number;
  label: string;
}

const QUOTA_LEVEL_WORDS = {
  national: '国家',
  province: '省级',
  city: '市级',
  county: '县级',
} as const satisfies Record<TargetLevel, string>;

const QUOTA_PERIOD_WORDS = {
  day: '每日',
  week: '每周',
  month: '每月',
  quarter: '每季度',
} as const satisfies Record<QuotaPeriod, string>;

/** Which quota a figure is measured against, so 「4/5」 under a weekly quota is not read as a monthly one. */
function quotaBasis(period: QuotaPeriod, min: number, unit: string, scale: number): string {
  return scale === 1
    ? `（${QUOTA_PERIOD_WORDS[period]}指标）`
    : `（${QUOTA_PERIOD_WORDS[period]}≥${min}${unit}，按本期折算）`;
}

/**
 * Checks a quota over a period holding `scale` quota periods (periods.quotaScale): counts are required
 * `ceil(min × scale)` times, the rate as is. A unit with nothing submitted has rate 0 against a rate quota.
 */
export function checkQuota(
  q: QuotaRequirement,
  c: UnitCounts,
  scale: number,
): { met: boolean; shortfalls: Shortfall[]; required: Shortfall[] } {
  const required: Shortfall[] = [];
  for (const level of TARGET_LEVELS) {
    const min = q.minSubmitted[level];
    if (min === undefined || min <= 0) continue;
    const need = Math.ceil(round4(min * scale));
    const actual = c.submittedByLevel[level] ?? 0;
    required.push({
      measure: 'submitted',
      level,
      required: need,
      actual,
      label: `向${QUOTA_LEVEL_WORDS[level]}报送 ${actual}/${need} 篇${quotaBasis(q.period, min, '篇', scale)}`,
    });
  }
  if (q.minAdopted !== null && q.minAdopted > 0) {
    const need = Math.ceil(round4(q.minAdopted * scale));
    required.push({
      measure: 'adopted',
      level: null,
      required: need,
      actual: c.adopted,
      label: `采用 ${c.adopted}/${need} 篇${quotaBasis(q.period, q.minAdopted, '篇', scale)}`,
    });
  }
  if (q.minAdoptionRate !== null && q.minAdoptionRate > 0) {
    const actual = c.adoptionRate ?? 0;
    required.push({
      measure: 'adoption_rate',
      level: null,
      required: q.minAdoptionRate,
      actual,
      label: `采用率 ${pct(actual)}/${pct(q.minAdoptionRate)}`,
    });
  }
  const shortfalls = required.filter((r) => r.actual < r.required);
  return { met: shortfalls.length === 0, shortfalls, required };
}

export function pct(rate: number): string {
  return `${round2(rate * 100)}%`;
}

/** 奖励: yuan for one adoption by the level of the adopting periodical's hub (0 when the rules name none). */
export function rewardFor(rules: ScoringRules, adoptingLevel: OrgLevel): number {
  return isTargetLevel(adoptingLevel) ? (rules.rewards[adoptingLevel] ?? 0) : 0;
}

/** Who a quota is for: one unit, a category of units (orgs.kind), or (both null) every evaluated unit. */
export interface QuotaScope {
  orgId: string | null;
  orgKind: OrgKind | null;
  period: QuotaPeriod;
  active: boolean;
}

/**
 * The quotas that apply to a unit, one per quota period: a quota naming the unit beats one for its
 * category, which beats one for all units. Inactive quotas never apply.
 */
export function applicableQuotas<Q extends QuotaScope>(
  quotas: readonly Q[],
  unit: { id: string; kind: OrgKind },
): Q[] {
  const best = new Map<QuotaPeriod, { q: Q; rank: number }>();
  for (const q of quotas) {
    if (!q.active) continue;
    const rank =
      q.orgId === unit.id ? 3 : !q.orgId && q.orgKind === unit.kind ? 2 : !q.orgId && !q.orgKind ? 1 : 0;
    if (rank === 0) continue;
    const cur = best.get(q.period);
    if (!cur || rank > cur.rank) best.set(q.period, { q, rank });
  }
  return [...best.values()].map((b) => b.q);
}
