/** Vocabulary and pure rules of leaders' instructions (批示), flags (呈阅) and follow-up tasks (落实反馈). */

export const FLAG_STATES = ['open', 'read', 'instructed'] as const;
export type FlagState = (typeof FLAG_STATES)[number];
export const FLAG_STATE_LABELS = {
  open: '待批示',
  read: '已阅',
  instructed: '已批示',
} as const satisfies Record<FlagState, string>;

export const FOLLOW_UP_STATES = ['open', 'answered'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

const DAY_MS = 86_400_000;

/**
 * The follow-up deadline: `days` after the instruction. Working days are counted as calendar days for now
 * (no holiday calendar yet), which only ever gives the unit less time than the rule, never more.
 */
export function followUpDue(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/** A task's status as people read it: 待反馈 / 已逾期 / 已反馈 / 逾期反馈. */
export function followUpStatus(
  t: { state: FollowUpState; dueAt: Date; answeredAt: Date | null },
  now: Date,
): { code: 'open' | 'overdue' | 'answered' | 'answered_late'; label: string; overdue: boolean } {
  if (t.state === 'answered') {
    const late = t.answeredAt !== null && t.answeredAt.getTime() > t.dueAt.getTime();
    return late
      ? { code: 'answered_late', label: '逾期反馈', overdue: true }
      : { code: 'answered', label: '已反馈', overdue: false };
  }
  return now.getTime() > t.dueAt.getTime()
    ? { code: 'overdue', label: '已逾期', overdue: true }
    : { code: 'open', label: '待反馈', overdue: false };
}
