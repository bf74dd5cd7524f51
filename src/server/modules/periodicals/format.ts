/** Pure numbering and formatting rules of periodical issues: no I/O, exhaustively unit-tested. */

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in Asia/Shanghai as YYYY-MM-DD: issues are numbered and dated by Beijing time. */
export function shanghaiDate(at: Date): string {
  return SHANGHAI.format(at);
}

export function shanghaiYear(at: Date): number {
  return Number(shanghaiDate(at).slice(0, 4));
}

export interface NumberingState {
  year: number;
  /** Highest 年度期号 already issued in the system in `year`, null when none. */
  maxYearNo: number | null;
  /** Highest 总期号 already issued in the system, null when none. */
  maxTotalNo: number | null;
  totalNoBase: number;
  yearNoBase: number;
  /** The year `yearNoBase` counts in; a base of an earlier year does not carry into a new year. */
  yearNoBaseYear: number | null;
}

/**
 * The next 年度期号 and 总期号. Both continue from the paper run (the bases) and never go backwards: the
 * base only matters while it is ahead of what the system issued.
 */
export function nextIssueNumbers(s: NumberingState): { year: number; yearNo: number; totalNo: number } {
  const yearBase = s.yearNoBaseYear === s.year ? s.yearNoBase : 0;
  return {
    year: s.year,
    yearNo: Math.max(s.maxYearNo ?? 0, yearBase) + 1,
    totalNo: Math.max(s.maxTotalNo ?? 0, s.totalNoBase) + 1,
  };
}

/** “2026年第15期（总第315期）”; “（编辑中）” before numbers are assigned. */
export function issueNumberLabel(n: { year: number | null; yearNo: number | null; totalNo: number | null }) {
  if (n.year === null || n.yearNo === null) return '（未编号）';
  const total = n.totalNo === null ? '' : `（总第${n.totalNo}期）`;
  return `${n.year}年第${n.yearNo}期${total}`;
}

/** “2026年12月31日” from YYYY-MM-DD, without leading zeros as printed on documents. */
export function chineseDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** “（汾阳市人民政府办公室、孝义市人民政府办公室报送）”: every source unit once, in order. */
export function sourceLine(unitNames: readonly string[]): string {
  const names = [...new Set(unitNames.map((n) => n.trim()).filter(Boolean))];
  return names.length ? `（${names.join('、')}报送）` : '';
}

/** The notification a unit on an item's chain receives when an issue that adopted it is issued. */
export function adoptionNoticeTitle(periodicalName: string, numberLabel: string, itemTitle: string): string {
  return `《${periodicalName}》${numberLabel}采用了《${itemTitle}》`;
}

/** 阅读率 as a fraction with 4 decimals; 0 when the issue went to nobody. */
export function readRate(read: number, total: number): number {
  return total === 0 ? 0 : Math.round((read / total) * 10_000) / 10_000;
}
