import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import { chineseDate, NOTICE_HEADERS, noticeTable } from './present.js';
import type { NoticeSnapshot } from './use-cases/notices.js';

/**
 * A 通报 as DOCX in the usual layout: 小标宋 title, the period under it, the editor's remarks in 仿宋 三号,
 * 黑体 section heads (一、二、三), the ranking table, the adopted titles per unit, the lagging units, and the
 * issuing office and date at the foot.
 */
const PT = (v: number) => v * 2;
const font = (eastAsia: string) => ({ ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia });
const run = (text: string, face: string, size: number, extra: Partial<IRunOptions> = {}) =>
  new TextRun({ text, font: font(face), size: PT(size), ...extra });
const body = (text: string) =>
  new Paragraph({
    indent: { firstLine: PT(16) * 10 },
    spacing: { line: 560 },
    children: [run(text, '仿宋_GB2312', 16)],
  });
const heading = (text: string) =>
  new Paragraph({ spacing: { before: 240, after: 120, line: 560 }, children: [run(text, '黑体', 16)] });
const line = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const cell = (text: string, bold = false) =>
  new TableCell({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [run(text, bold ? '黑体' : '仿宋_GB2312', 12)],
      }),
    ],
    borders: { top: line, bottom: line, left: line, right: line },
  });

export async function noticeDocx(n: {
  title: string;
  periodLabel: string;
  remarks: string | null;
  issuedAt: Date | null;
  createdAt: Date;
  snapshot: NoticeSnapshot;
}): Promise<Buffer> {
  const s = n.snapshot;
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [run(n.title, '方正小标宋简体', 22)],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 360 },
      children: [run(`（${n.periodLabel}）`, '楷体_GB2312', 16)],
    }),
  ];
  for (const para of (n.remarks ?? '').split(/\n+/).filter((p) => p.trim())) children.push(body(para.trim()));
  children.push(heading('一、报送采用情况'));
  children.push(
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: NOTICE_HEADERS.map((h) => cell(h, true)) }),
        ...noticeTable(s).map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
      ],
    }),
  );
  children.push(heading('二、采用信息目录'));
  const adopted = s.rows.filter((r) => r.adoptedTitles.length > 0);
  if (adopted.length === 0) children.push(body('本期无采用信息。'));
  for (const r of adopted) {
    children.push(
      new Paragraph({
        spacing: { before: 120, line: 560 },
        children: [run(`${r.orgName}（${r.adoptedTitles.length}篇）`, '楷体_GB2312', 16)],
      }),
    );
    r.adoptedTitles.forEach((t, i) =>
      children.push(body(`${i + 1}. ${t.title}（《${t.periodicalName}》${t.typeLabel}）`)),
    );
  }
  children.push(heading('三、信息报送滞后单位'));
  if (s.lagging.length === 0) children.push(body('本期各单位均完成报送任务。'));
  for (const l of s.lagging) children.push(body(`${l.orgName}：${l.missed.join('；')}。`));
  children.push(
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: { before: 720, line: 560 },
      children: [run(s.hub.name, '仿宋_GB2312', 16)],
    }),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      spacing: { line: 560 },
      children: [run(chineseDate(n.issuedAt ?? n.createdAt), '仿宋_GB2312', 16)],
    }),
  );
  const doc = new Document({
    creator: s.hub.name,
    title: n.title,
    sections: [
      {
        properties: { page: { margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 } } },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
