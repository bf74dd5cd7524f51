import { richBlocks, type RichBlock } from '../items/domain/text.js';
import { chineseDate } from './format.js';
import type { DistributionLines } from './schema.js';

/** What an issue prints as, whichever the output (DOCX or the printable page). */
export interface Bulletin {
  periodicalName: string;
  numberLabel: string;
  publisherName: string;
  /** “2026年5月1日”; empty before the issue has a date. */
  dateLabel: string;
  title: string | null;
  /** True while not issued: the output says 样稿. */
  draft: boolean;
  entries: {
    title: string;
    bodyHtml: string;
    /** Paragraphs, tables and figures, for the DOCX. */
    blocks: RichBlock[];
    editorNote: string | null;
    sourceLine: string;
  }[];
  lines: DistributionLines;
  copies: number;
}

export function toBulletin(issue: {
  periodical: { name: string };
  numberLabel: string;
  publisherName: string;
  issueDate: string | null;
  title: string | null;
  state: string;
  entries: { title: string; bodyHtml: string; editorNote: string | null; sourceLine: string }[];
  lines: DistributionLines;
  copies: number;
}): Bulletin {
  return {
    periodicalName: issue.periodical.name,
    numberLabel: issue.numberLabel,
    publisherName: issue.publisherName,
    dateLabel: issue.issueDate ? chineseDate(issue.issueDate) : '',
    title: issue.title,
    draft: issue.state !== 'issued' && issue.state !== 'recalled',
    entries: issue.entries.map((e) => ({
      title: e.title,
      bodyHtml: e.bodyHtml,
      blocks: richBlocks(e.bodyHtml).filter((b) => b.kind !== 'paragraph' || b.text !== ''),
      editorNote: e.editorNote,
      sourceLine: e.sourceLine,
    })),
    lines: issue.lines,
    copies: issue.copies,
  };
}

/** The 版记 rows as printed: only the lines that have recipients, names joined by 、 and closed by 。 */
export function imprintRows(lines: DistributionLines): { label: string; text: string }[] {
  const rows = [
    { label: '报', names: lines.bao },
    { label: '送', names: lines.song },
    { label: '发', names: lines.fa },
  ];
  return rows
    .filter((r) => r.names.length > 0)
    .map((r) => ({ label: r.label, text: `${r.names.join('，')}。` }));
}

/** Download name: “县政府办政务信息2026年第15期.docx”. */
export function bulletinFileName(b: Bulletin, ext: string): string {
  const safe = `${b.periodicalName}${b.numberLabel.replace(/（.*?）/g, '')}`.replace(
    /[\\/:*?"<>|\r\n]/g,
    '_',
  );
  return `${safe}.${ext}`;
}
