/** Request schemas of the scoring routes: validation, handler types and the OpenAPI document. */
import { z } from 'zod';
import { ORG_KINDS, ORG_LEVELS } from '../orgs/domain.js';
import { PERIODICAL_KINDS } from '../periodicals/domain.js';
import { ENTRY_KINDS, PENALTY_TYPES, QUOTA_PERIODS, RANKING_PERIODS } from './domain.js';
import { resolvePeriod, type PeriodSpec } from './periods.js';
import { entityId } from '../../http/entity-id.js';

export const HubParams = z.strictObject({ id: entityId({ error: '编号格式不正确' }) });
export const HubQuotaParams = z.strictObject({ id: entityId(), quotaId: entityId() });

const points = z.number().min(-10_000).max(10_000);
const levelPoints = z
  .strictObject({
    national: points.optional(),
    province: points.optional(),
    city: points.optional(),
    county: points.optional(),
  })
  .default({});
const factor = z.number().min(0).max(100);

export const ScoringRulesBody = z.strictObject({
  periodicals: z
    .array(
      z.strictObject({
        periodicalId: entityId(),
        single: z.number().min(0).max(10_000),
        combined: z.number().min(0).max(10_000),
      }),
    )
    .max(50)
    .refine((a) => new Set(a.map((p) => p.periodicalId)).size === a.length, '同一刊物只能设置一次'),
  forwardMultipliers: z
    .strictObject({
      national: factor.optional(),
      province: factor.optional(),
      city: factor.optional(),
      county: factor.optional(),
    })
    .default({}),
  creditForwarders: z.boolean(),
  instructionBonus: levelPoints,
  missedSolicitationsZeroAt: z.number().int().min(0).max(100),
  penalties: z.strictObject({
    late: z.number().max(0, '扣分应为负数或0'),
    missed: z.number().max(0, '扣分应为负数或0'),
    concealed: z.number().max(0, '扣分应为负数或0'),
    wrong: z.number().max(0, '扣分应为负数或0'),
  }),
  rewards: z
    .strictObject({
      national: z.number().min(0).max(1_000_000).optional(),
      province: z.number().min(0).max(1_000_000).optional(),
      city: z.number().min(0).max(1_000_000).optional(),
      county: z.number().min(0).max(1_000_000).optional(),
    })
    .default({}),
});

/** PUT body of the rules: the rules plus the version read (0 while the defaults apply). */
export const ScoringRulesPutBody = ScoringRulesBody.extend({
  rowVersion: z.number({ error: '缺少版本号 rowVersion' }).int().min(0),
});

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const occurredOn = date.optional().describe('生效日期（北京时间），默认今天');
const reason = z.string().trim().min(1, '请填写理由').max(500);

/** Manual ledger rows: a bonus or deduction, a 迟报/漏报/瞒报/误报 penalty at the rule's points, a missed solicitation. */
export const ScoreEntryBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('manual_bonus'),
    orgId: entityId(),
    points: z.number().gt(0, '加分应为正数').max(10_000),
    reason,
    occurredOn,
  }),
  z.strictObject({
    kind: z.literal('manual_deduction'),
    orgId: entityId(),
    points: z.number().gt(0, '扣分请填写正数，系统按负分记账').max(10_000),
    reason,
    occurredOn,
  }),
  z.strictObject({
    kind: z.literal('penalty'),
    orgId: entityId(),
    penaltyType: z.enum(PENALTY_TYPES),
    reason,
    occurredOn,
  }),
  z.strictObject({ kind: z.literal('missed_solicitation'), orgId: entityId(), reason, occurredOn }),
]);

export const LedgerQuery = z.strictObject({
  orgId: entityId().optional(),
  from: date.optional(),
  to: date.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const periodShape = {
  period: z.enum(['month', 'quarter', 'year', 'custom']),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/, '月份格式应为 YYYY-MM')
    .optional(),
  quarter: z
    .string()
    .regex(/^\d{4}-Q[1-4]$/, '季度格式应为 YYYY-Q1…Q4')
    .optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  from: date.optional(),
  to: date.optional(),
};

function periodRefine(
  q: {
    period: 'month' | 'quarter' | 'year' | 'custom';
    month?: string | undefined;
    quarter?: string | undefined;
    year?: number | undefined;
    from?: string | undefined;
    to?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const need = (field: 'month' | 'quarter' | 'year' | 'from' | 'to') => {
    if (q[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `请提供 ${field}` });
  };
  if (q.period === 'custom') {
    need('from');
    need('to');
  } else need(q.period);
  if (q.month && !resolvePeriod({ kind: 'month', year: 2000, month: Number(q.month.slice(5)) }))
    ctx.addIssue({ code: 'custom', path: ['month'], message: '月份应为01到12' });
  if (q.period !== 'custom' || !q.from || !q.to) return;
  if (!resolvePeriod({ kind: 'custom', from: q.from, to: q.to }))
    ctx.addIssue({ code: 'custom', path: ['to'], message: '结束日期不得早于开始日期，且须为有效日期' });
}

/** ?period=month&month=2026-10 | quarter&quarter=2026-Q4 | year&year=2026 | custom&from=…&to=… (北京时间) */
export const PeriodQuery = z.strictObject(periodShape).superRefine(periodRefine);
export type PeriodQueryT = z.infer<typeof PeriodQuery>;

/** The ranking's page: 100 units by default, at most 500 (the Excel export has every unit). */
const RANKING_PAGE_SIZE = 100;
export const RankingsQuery = z
  .strictObject({
    ...periodShape,
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(RANKING_PAGE_SIZE),
  })
  .superRefine(periodRefine);

export function periodSpecOf(
  q: Pick<PeriodQueryT, 'period' | 'month' | 'quarter' | 'year' | 'from' | 'to'>,
): PeriodSpec {
  switch (q.period) {
    case 'month': {
      const [y, m] = q.month!.split('-').map(Number);
      return { kind: 'month', year: y!, month: m! };
    }
    case 'quarter': {
      const [y, qq] = q.quarter!.split('-Q').map(Number);
      return { kind: 'quarter', year: y!, quarter: qq! };
    }
    case 'year':
      return { kind: 'year', year: q.year! };
    case 'custom':
      return { kind: 'custom', from: q.from!, to: q.to! };
  }
}

const minCount = z.number().int().min(0).max(10_000).optional();
const MinSubmitted = z.strictObject({
  national: minCount,
  province: minCount,
  city: minCount,
  county: minCount,
});

export const QuotaBody = z
  .strictObject({
    orgId: entityId().nullish(),
    orgKind: z.enum(ORG_KINDS).nullish(),
    period: z.enum(QUOTA_PERIODS),
    minSubmitted: MinSubmitted.default({}),
    minAdopted: z.number().int().min(0).max(10_000).nullish(),
    minAdoptionRate: z.number().min(0).max(1, '采用率请填写0到1之间的小数，如0.2表示20%').nullish(),
  })
  .refine((q) => !(q.orgId && q.orgKind), { path: ['orgKind'], message: '按单位或按单位类别设置，二者选一' });

export const QuotaPatchBody = z.strictObject({
  /** The version the client read; a stale one answers 409 (SECURITY.md §30). */
  rowVersion: z.number({ error: '缺少版本号 rowVersion' }).int().positive(),
  period: z.enum(QUOTA_PERIODS).optional(),
  minSubmitted: MinSubmitted.optional(),
  minAdopted: z.number().int().min(0).max(10_000).nullish(),
  minAdoptionRate: z.number().min(0).max(1).nullish(),
  active: z.boolean().optional(),
});

export const NoticeBody = z
  .strictObject({
    ...periodShape,
    title: z.string().trim().min(1, '请填写通报标题').max(100),
    remarks: z.string().max(5000).nullish(),
  })
  .superRefine(periodRefine);

export const IdParams = z.strictObject({ id: entityId({ error: '编号格式不正确' }) });
export const RewardsQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });
export const LaggingQuery = PeriodQuery;

/** 本单位积分与排名: one of my units, one of the hubs evaluating it (default: the first), a period. */
export const StandingQuery = z
  .strictObject({ ...periodShape, orgId: entityId().optional(), hubId: entityId().optional() })
  .superRefine(periodRefine);

const num = z.number();
const QuotaCheckSchema = z.object({
  quotaId: z.string(),
  description: z.string(),
  met: z.boolean(),
  required: z.array(z.object({ measure: z.string(), label: z.string(), required: num, actual: num })),
  shortfalls: z.array(z.object({ label: z.string() })),
});

export const StandingResponse = z.object({
  units: z.array(z.object({ orgId: z.string(), orgName: z.string() })),
  unit: z.object({ orgId: z.string(), orgName: z.string() }).nullable(),
  hubs: z.array(z.object({ hubId: z.string(), hubName: z.string() })),
  hub: z.object({ hubId: z.string(), hubName: z.string() }).nullable(),
  period: z.object({ kind: z.string(), label: z.string(), start: z.string(), end: z.string() }).nullable(),
  standing: z
    .object({
      points: num,
      zeroed: z.boolean(),
      rank: num,
      tied: z.boolean(),
      unitCount: num,
      submitted: num,
      adopted: num,
      adoptions: num,
      adoptionRate: num.nullable(),
      instructions: num,
      adoptedByPeriodical: z.array(z.object({ periodicalName: z.string(), count: num })),
    })
    .nullable(),
  entries: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      kindLabel: z.string(),
      occurredAt: z.string(),
      points: num,
      explanation: z.string(),
      reason: z.string().nullable(),
      itemId: z.string().nullable(),
      manual: z.boolean(),
    }),
  ),
  entriesTruncated: z.boolean(),
  quotas: z.array(z.object({ periodLabel: z.string(), check: QuotaCheckSchema })),
});

// ---- responses of the hub's scoring pages ----

const str = z.string();
const levels = <T extends z.ZodType>(v: T) => z.object({ national: v, province: v, city: v, county: v });
const someLevels = levels(num.optional());
const measureCheck = z.object({
  measure: str,
  level: str.nullable(),
  required: num,
  actual: num,
  label: str,
});
/** One quota checked against a unit's figures: what was required, what was reached, what falls short. */
export const QuotaCheckFull = z.object({
  quotaId: str,
  description: str,
  met: z.boolean(),
  required: z.array(measureCheck),
  shortfalls: z.array(measureCheck),
});

export const RulesView = z.object({
  hubId: str,
  rules: z.object({
    periodicals: z.array(z.object({ periodicalId: str, single: num, combined: num })),
    forwardMultipliers: someLevels,
    creditForwarders: z.boolean(),
    instructionBonus: someLevels,
    missedSolicitationsZeroAt: num,
    penalties: z.object({ late: num, missed: num, concealed: num, wrong: num }),
    rewards: someLevels,
  }),
  version: num,
  /** The version an edit sends back (the same number as `version`; 0 while the defaults are in force). */
  rowVersion: num,
  isDefault: z.boolean(),
  updatedAt: str.nullable(),
  labels: z.object({
    entryKinds: z.record(z.enum(ENTRY_KINDS), str),
    penaltyTypes: z.record(z.enum(PENALTY_TYPES), str),
  }),
  abilities: z.object({ edit_rules: z.boolean(), add_entry: z.boolean() }),
});
const Recomputed = z.object({ inserted: num, updated: num, deleted: num });
export const RecomputeResult = Recomputed;
export const RulesSaved = RulesView.extend({ recomputed: Recomputed });

export const ScorablePeriodicals = z.array(
  z.object({
    id: str,
    name: str,
    kind: z.enum(PERIODICAL_KINDS),
    hubId: str,
    hubName: str,
    hubLevel: z.enum(ORG_LEVELS),
  }),
);
export const EvaluatedUnits = z.array(
  z.object({
    id: str,
    name: str,
    shortName: str,
    kind: z.enum(ORG_KINDS),
    level: z.enum(ORG_LEVELS),
    isHub: z.boolean(),
  }),
);

export const ScoreEntrySchema = z.object({
  id: str,
  orgId: str,
  kind: z.enum(ENTRY_KINDS),
  kindLabel: str,
  occurredAt: str,
  points: num,
  explanation: str,
  causeId: str.nullable(),
  itemId: str.nullable(),
  manual: z.boolean(),
  reason: str.nullable(),
  createdBy: str.nullable(),
  createdByName: str.nullable(),
  ruleVersion: num.nullable(),
});
export const ScoreEntryList = z.object({ rows: z.array(ScoreEntrySchema) });

const hubRef = z.object({ id: str, name: str });
const leader = z.object({ orgId: str, label: str, value: num });
export const Rankings = z.object({
  hub: hubRef,
  period: z.object({ kind: z.enum(RANKING_PERIODS), label: str, start: str, end: str }),
  periodicals: z.array(z.object({ periodicalId: str, periodicalName: str })),
  annualZeroingApplied: z.boolean(),
  rows: z.array(
    z.object({
      orgId: str,
      orgName: str,
      orgShortName: str,
      orgKind: z.enum(ORG_KINDS),
      orgKindLabel: str,
      isHub: z.boolean(),
      submittedByLevel: levels(num),
      submitted: num,
      adopted: num,
      adoptions: num,
      adoptedOfSubmitted: num,
      adoptionRate: num.nullable(),
      adoptedByPeriodical: z.array(z.object({ periodicalId: str, periodicalName: str, count: num })),
      instructions: num,
      missedSolicitations: num,
      ledgerPoints: num,
      points: num,
      zeroed: z.boolean(),
      rank: num,
      tied: z.boolean(),
    }),
  ),
  page: z.object({ page: num, pageSize: num, total: num }),
  summary: z.object({
    units: num,
    submittedByLevel: levels(num),
    submitted: num,
    adopted: num,
    adoptions: num,
    instructions: num,
  }),
  leaders: z.object({ points: z.array(leader), submitted: z.array(leader), adopted: z.array(leader) }),
  abilities: z.object({
    edit_rules: z.boolean(),
    add_entry: z.boolean(),
    manage_quotas: z.boolean(),
    compose_notice: z.boolean(),
  }),
});

export const Lagging = z.object({
  hub: hubRef,
  period: z.object({ label: str, start: str, end: str }),
  rows: z.array(
    z.object({
      orgId: str,
      orgName: str,
      submitted: num,
      adopted: num,
      adoptionRate: num.nullable(),
      missed: z.array(str),
      checks: z.array(QuotaCheckFull),
    }),
  ),
});

export const QuotaProgress = z.object({
  rows: z.array(
    z.object({
      orgId: str,
      orgName: str,
      hubId: str,
      hubName: str,
      period: str,
      periodLabelShort: str,
      periodLabel: str,
      start: str,
      end: str,
      check: QuotaCheckFull,
    }),
  ),
});

const tally = { count: num, amount: num, byLevel: z.record(str, num) };
export const Rewards = z.object({
  hub: hubRef,
  year: num,
  amounts: someLevels,
  officers: z.array(z.object({ ...tally, userId: str, name: str, orgName: str })),
  units: z.array(z.object({ ...tally, orgId: str, orgName: str })),
  adoptions: z.array(
    z.object({
      adoptionId: str,
      itemId: str,
      title: str,
      orgId: str,
      orgName: str,
      authorId: str,
      authorName: str,
      periodicalName: str,
      level: z.enum(ORG_LEVELS),
      levelLabel: str,
      adoptedAt: str,
      amount: num,
    }),
  ),
  total: num,
});

export const QuotaSchema = z.object({
  id: str,
  hubId: str,
  orgId: str.nullable(),
  orgName: str.nullable(),
  orgKind: z.enum(ORG_KINDS).nullable(),
  orgKindLabel: str.nullable(),
  scopeLabel: str,
  period: z.enum(QUOTA_PERIODS),
  periodLabel: str,
  minSubmitted: someLevels,
  minAdopted: num.nullable(),
  minAdoptionRate: num.nullable(),
  active: z.boolean(),
  rowVersion: num,
  description: str,
  abilities: z.object({ manage_quotas: z.boolean() }),
});
export const QuotaList = z.object({
  rows: z.array(QuotaSchema),
  abilities: z.object({ manage_quotas: z.boolean() }),
});

const noticeCore = {
  id: str,
  hubId: str,
  title: str,
  periodLabel: str,
  periodStart: str,
  periodEnd: str,
  remarks: str.nullable(),
  state: z.enum(['draft', 'issued']),
  stateLabel: str,
  createdAt: str,
  issuedAt: str.nullable(),
  abilities: z.object({ issue: z.boolean(), export: z.boolean() }),
};
/** A 通报 with the statistics it froze. */
export const NoticeSchema = z.object({
  ...noticeCore,
  snapshot: z.object({
    hub: hubRef,
    period: z.object({ label: str, start: str, end: str }),
    generatedAt: str,
    periodicals: z.array(z.object({ periodicalId: str, periodicalName: str })),
    rows: z.array(
      z.object({
        orgId: str,
        orgName: str,
        submitted: num,
        adopted: num,
        adoptions: num,
        adoptionRate: num.nullable(),
        adoptedByPeriodical: z.array(z.object({ periodicalId: str, count: num })),
        points: num,
        zeroed: z.boolean(),
        rank: num,
        tied: z.boolean(),
        lagging: z.boolean(),
        missed: z.array(str),
        adoptedTitles: z.array(z.object({ title: str, periodicalName: str, typeLabel: str, adoptedAt: str })),
      }),
    ),
    lagging: z.array(z.object({ orgId: str, orgName: str, missed: z.array(str) })),
  }),
});
/** A notice without its frozen statistics (what composing one answers; GET the notice for the table). */
export const NoticeSummary = z.object(noticeCore);
/** A hub's notices, without their frozen statistics. */
export const HubNoticeList = z.object({ rows: z.array(z.object(noticeCore)) });
export const ReceivedNoticeList = z.object({
  rows: z.array(
    z.object({
      id: str,
      title: str,
      hubId: str,
      hubName: str,
      periodLabel: str,
      issuedAt: str.nullable(),
      orgId: str,
      read: z.boolean(),
    }),
  ),
});
