/** Fixed vocabularies of an information item (DESIGN.md §3). */

export const CATEGORIES = [
  'dynamic',
  'experience',
  'problem',
  'suggestion',
  'research',
  'leader_activity',
  'meeting',
  'emergency',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];
export const CATEGORY_LABELS = {
  dynamic: '动态',
  experience: '经验做法',
  problem: '问题反映',
  suggestion: '意见建议',
  research: '调研',
  leader_activity: '领导活动',
  meeting: '会议',
  emergency: '重大事件/紧急',
  other: '其他',
} as const satisfies Record<Category, string>;

export const URGENCIES = ['normal', 'urgent', 'very_urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const URGENCY_LABELS = { normal: '普通', urgent: '急', very_urgent: '特急' } as const satisfies Record<
  Urgency,
  string
>;

export const DISCLOSURES = ['public', 'internal'] as const;
export type Disclosure = (typeof DISCLOSURES)[number];
export const DISCLOSURE_LABELS = { public: '可公开', internal: '不予公开（内部）' } as const satisfies Record<
  Disclosure,
  string
>;

/** Emergencies are reported as a chain 首报 → 续报 → 终报. */
export const REPORT_STAGES = ['first', 'follow_up', 'final'] as const;
export type ReportStage = (typeof REPORT_STAGES)[number];
export const REPORT_STAGE_LABELS = {
  first: '首报',
  follow_up: '续报',
  final: '终报',
} as const satisfies Record<ReportStage, string>;

export const ADOPTION_TYPES = ['single', 'combined'] as const;
export type AdoptionType = (typeof ADOPTION_TYPES)[number];
export const ADOPTION_TYPE_LABELS = { single: '单篇采用', combined: '综合采用' } as const satisfies Record<
  AdoptionType,
  string
>;

export const TITLE_MAX = 60;
export const BODY_MAX_CHARS = 20000;
