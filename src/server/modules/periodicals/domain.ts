export const PERIODICAL_KINDS = ['daily', 'regular', 'special', 'express'] as const;
export type PeriodicalKind = (typeof PERIODICAL_KINDS)[number];
export const PERIODICAL_KIND_LABELS = {
  daily: '日刊',
  regular: '期刊',
  special: '专报',
  express: '快报',
} as const satisfies Record<PeriodicalKind, string>;
