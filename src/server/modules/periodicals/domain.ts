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

/** The arrows of an issue's life. `review` with 同意 keeps the state; 不同意 is `send_back`. */
export const ISSUE_ACTIONS = [
  'edit',
  'submit',
  'review',
  'send_back',
  'sign',
  'issue',
  'distribute',
  'recall',
] as const;
export type IssueAction = (typeof ISSUE_ACTIONS)[number];
export const ISSUE_ACTION_LABELS = {
  edit: '修改',
  submit: '提交审签',
  review: '审核',
  send_back: '退回修改',
  sign: '签发',
  issue: '印发',
  distribute: '增发或摘发',
  recall: '收回',
} as const satisfies Record<IssueAction, string>;

const ISSUE_TRANSITIONS: Record<IssueAction, Partial<Record<IssueState, IssueState>>> = {
  edit: { draft: 'draft' },
  submit: { draft: 'in_review' },
  review: { in_review: 'in_review' },
  send_back: { in_review: 'draft', signed: 'draft' },
  sign: { in_review: 'signed' },
  issue: { signed: 'issued' },
  distribute: { issued: 'issued' },
  recall: { issued: 'recalled' },
};

/** The state an action leads to from `from`, or null when the table has no such arrow. */
export function nextIssueState(action: IssueAction, from: IssueState): IssueState | null {
  return ISSUE_TRANSITIONS[action][from] ?? null;
}

export function issueActionsFrom(from: IssueState): IssueAction[] {
  return ISSUE_ACTIONS.filter((a) => nextIssueState(a, from) !== null);
}
