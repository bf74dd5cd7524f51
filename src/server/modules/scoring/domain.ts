/** Scoring vocabularies and the shape of a hub's rule set. The arithmetic lives in rules.ts (pure). */
import type { OrgLevel } from '../orgs/domain.js';

export const ENTRY_KINDS = [
  'adoption',
  'instruction',
  'manual_bonus',
  'manual_deduction',
  'penalty',
  'missed_solicitation',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const ENTRY_KIND_LABELS = {
  adoption: '采用计分',
  instruction: '领导批示加分',
  manual_bonus: '加分',
  manual_deduction: '扣分',
  penalty: '紧急信息报送扣分',
  missed_solicitation: '约稿未报',
} as const satisfies Record<EntryKind, string>;

/** 迟报/漏报/瞒报/误报 of urgent information. */
export const PENALTY_TYPES = ['late', 'missed', 'concealed', 'wrong'] as const;
export type PenaltyType = (typeof PENALTY_TYPES)[number];
export const PENALTY_TYPE_LABELS = {
  late: '迟报',
  missed: '漏报',
  concealed: '瞒报',
  wrong: '误报',
} as const satisfies Record<PenaltyType, string>;

export const QUOTA_PERIODS = ['day', 'week', 'month', 'quarter'] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];
export const QUOTA_PERIOD_LABELS = {
  day: '每日',
  week: '每周',
  month: '每月',
  quarter: '每季度',
} as const satisfies Record<QuotaPeriod, string>;

export const RANKING_PERIODS = ['month', 'quarter', 'year', 'custom'] as const;
export type RankingPeriod = (typeof RANKING_PERIODS)[number];

/** Levels a submission target or an adopting periodical can have. */
export type TargetLevel = Exclude<OrgLevel, 'township'>;

/**
 * A hub's scoring rules for the units it evaluates (DESIGN.md §4). Stored as one JSON document per hub and
 * validated by the zod schema in schemas.ts; every change recomputes the hub's ledger.
 */
export interface ScoringRules {
  /** Points per periodical the hub counts (its own and higher ones): 单篇 full points, 综合 each unit's share. */
  periodicals: { periodicalId: string; single: number; combined: number }[];
  /** Adoption at these levels of an item this hub forwarded scores × factor (e.g. province 2, national 5). */
  forwardMultipliers: Partial<Record<TargetLevel, number>>;
  /** Also credit the hubs that forwarded an item (they are the units a higher hub evaluates). */
  creditForwarders: boolean;
  /** Bonus per leader instruction by the leader's level. */
  instructionBonus: Partial<Record<TargetLevel, number>>;
  /** Missing this many solicitations in a year zeroes the unit's annual score (0: rule off). */
  missedSolicitationsZeroAt: number;
  /** Points (negative) for 迟报/漏报/瞒报/误报 of urgent information. */
  penalties: Record<PenaltyType, number>;
  /** Reward amounts in yuan per adoption by the adopting periodical's level (省级200元, 市级100元 …). */
  rewards: Partial<Record<TargetLevel, number>>;
}

export const DEFAULT_RULES: ScoringRules = {
  periodicals: [],
  forwardMultipliers: { province: 2, national: 5 },
  creditForwarders: true,
  instructionBonus: { national: 20, province: 10, city: 5, county: 2 },
  missedSolicitationsZeroAt: 2,
  penalties: { late: -2, missed: -5, concealed: -10, wrong: -3 },
  rewards: { province: 200, city: 100, county: 50 },
};
