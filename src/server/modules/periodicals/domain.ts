export const PERIODICAL_KINDS = ['daily', 'regular', 'special', 'express'] as const;
export type PeriodicalKind = (typeof PERIODICAL_KINDS)[number];
export const PERIODICAL_KIND_LABELS = {
  daily: '日刊',
  regular: '期刊',
  special: '专报',
  express: '快报',
} as const satisfies Record<PeriodicalKind, string>;

/** An issue is compiled (draft), reviewed (in_review), signed by a chief editor, issued, and may be recalled. */
export const ISSUE_STATES = ['draft', 'in_review', 'signed', 'issued', 'recalled'] as const;
export type IssueState = (typeof ISSUE_STATES)[number];
export const ISSUE_STATE_LABELS = {
  draft: '编辑中',
  in_review: '待审签',
  signed: '已签发',
  issued: '已印发',
  recalled: '已收回',
} as const satisfies Record<IssueState, string>;

export const REVIEW_DECISIONS = ['agree', 'disagree'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** initial: the issue's first distribution; additional: 增发 later; excerpt: 摘发 of some entries. */
export const RECIPIENT_KINDS = ['initial', 'additional', 'excerpt'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];
