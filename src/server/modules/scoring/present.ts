/** Formatting shared by the 通报 and reward exports. */
import { beijingDate } from './periods.js';
import { round2 } from './rules.js';
import type { NoticeSnapshot } from './use-cases/notices.js';

export const rateText = (rate: number | null): string => (rate === null ? '—' : `${round2(rate * 100)}%`);
export const pointsText = (p: number, zeroed = false): string =>
  zeroed ? '0（约稿未报清零）' : String(round2(p));
export const rankText = (rank: number, tied: boolean): string => (tied ? `${rank}（并列）` : String(rank));

export function chineseDate(at: Date): string {
  const d = beijingDate(at);
  return `${d.year}年${d.month}月${d.day}日`;
}

/** The rows of the 通报 table, as printed: 排名, 单位, 报送, 采用, 采用率, 积分, and the 滞后 mark. */
export function noticeTable(s: NoticeSnapshot): string[][] {
  return s.rows.map((r) => [
    rankText(r.rank, r.tied),
    r.orgName,
    String(r.submitted),
    String(r.adopted),
    rateText(r.adoptionRate),
    pointsText(r.points, r.zeroed),
    r.lagging ? '滞后' : '',
  ]);
}

export const NOTICE_HEADERS = ['排名', '单位', '报送', '采用', '采用率', '积分', '备注'] as const;
