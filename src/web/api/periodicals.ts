import { api } from './client';
import type { PeriodicalView } from './types';
import type { IssueState } from '../../server/modules/periodicals/domain';

export {
  ISSUE_STATE_LABELS,
  PERIODICAL_KINDS,
  PERIODICAL_KIND_LABELS,
} from '../../server/modules/periodicals/domain';
export type { IssueState };

export const ISSUE_STATE_COLORS: Record<IssueState, string> = {
  draft: 'default',
  in_review: 'processing',
  signed: 'gold',
  issued: 'green',
  recalled: 'red',
};

export function loadPeriodicals(hubId: string): Promise<PeriodicalView[]> {
  return api.get<PeriodicalView[]>('/api/periodicals', { hubId });
}

/** Where an issue opens: drafts and issues under review in the compiler, the rest in the reader. */
export function issuePath(id: string, state: IssueState): string {
  return state === 'issued' || state === 'recalled' ? `/issues/${id}` : `/issues/${id}/compile`;
}

/** A file download by navigation (GET with the session cookie; the server sends Content-Disposition). */
export function download(href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
