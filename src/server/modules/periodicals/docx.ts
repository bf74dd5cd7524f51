import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TabStopType,
  TextRun,
  VerticalAlign,
  WidthType,
  type IBorderOptions,
  type IRunOptions,
} from 'docx';
import type { RichBlock } from '../items/domain/text.js';
import { imprintRows, type Bulletin } from './bulletin.js';

/** An image's bytes and pixel size, by its /files/ path; missing when the reader may not see it. */
export type BulletinImages = ReadonlyMap<
  string,
  { data: Buffer; type: 'png' | 'jpg' | 'gif'; width: number; height: number }
>;

/**
 * An issue as a DOCX in the layout of a government bulletin (GB/T 9704-2012 conventions): A4 with the
 * standard margins, red masthead, 期号, 编印单位 and date over a red rule, articles in 仿宋 三号 at a fixed
 * 28-point line pitch, 编者按 in 楷体, and the 版记 (报/送/发, 共印N份) between rules at the foot.
 * Font names are the ones government machines have; elsewhere the reader's fallback applies.
 */
const mm = (v: number) => Math.round(v * 56.6929);
const RED = 'E60012';
const PT = (v: number) => v * 2; // docx sizes are half-points
const FONTS = {
  masthead: '方正小标宋简体',
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  kai: '楷体_GB2312',
  hei: '黑体',
  song: '宋体',
} as const;
const font = (eastAsia: string) => ({ ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia });
/** 三号 body: 16 pt, a fixed 28 pt line pitch, first line indented by two characters. */
const BODY_SIZE = 16;
const EXACT_LINE = { line: 560, lineRule: LineRuleType.EXACT };
const TEXT_WIDTH = mm(210 - 28 - 26);

const run = (text: string, face: string, size: number, extra: Partial<IRunOptions> = {}) =>
  new TextRun({ text, font: font(face), size: PT(size), ...extra });

const rule = (color: string, eighths: number): IBorderOptions => ({
  style: BorderStyle.SINGLE,
  size: eighths,
  color,
  space: 2,
});

function mastheadSize(name: string): number {
  // Fill the type area without wrapping: about 420 pt for the name.
  return Math.max(26, Math.min(48, Math.floor(420 / Math.max(1, name.length))));
}

function masthead(b: Bulletin): Paragraph[] {
  const out: Paragraph[] = [];
  out.push(
    new Paragraph({
      children: [run(b.draft ? '内部资料　注意保存　（样稿）' : '内部资料　注意保存', FONTS.hei, 12)],
      spacing: { after: 200 },
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 240, after: 240 },
      children: [
        run(b.periodicalName, FONTS.masthead, mastheadSize(b.periodicalName), {
          color: RED,
          bold: true,
          characterSpacing: 40,
        }),
      ],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [run(b.numberLabel, FONTS.body, BODY_SIZE)],
    }),
    new Paragraph({
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
      border: { bottom: rule(RED, 24) },
      spacing: { after: 360 },
      children: [
        run(`${b.publisherName}编`, FONTS.body, BODY_SIZE),
        run(`\t${b.dateLabel}`, FONTS.body, BODY_SIZE),
      ],
    }),
  );
  if (b.title)
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { after: 240 },
        children: [run(b.title, FONTS.title, 22, { bold: true })],
      }),
    );
  return out;
}

/** 表格: full type width, single rules, 仿宋 四号 cells, header cells bold; the caption above in 黑体. */
function table(b: Extract<RichBlock, { kind: 'table' }>): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  if (b.caption)
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { before: 120, after: 60 },
        children: [run(b.caption, FONTS.hei, 14)],
      }),
    );
  out.push(
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      rows: b.rows.map(
        (r) =>
          new TableRow({
            children: r.map(
              (c) =>
                new TableCell({
                  columnSpan: c.colspan,
                  rowSpan: c.rowspan,
                  verticalAlign: VerticalAlign.CENTER,
                  margins: { left: 80, right: 80 },
                  children: [
                    new Paragraph({
                      alignment: AlignmentType.CENTER,
                      children: [run(c.text, c.header ? FONTS.hei : FONTS.body, 14)],
                    }),
                  ],
                }),
            ),
          }),
      ),
    }),
    new Paragraph({ spacing: { after: 120 }, children: [] }),
  );
  return out;
}

/** 图片 centred within the type width, its caption (图注) below in 楷体. */
function figure(b: Extract<RichBlock, { kind: 'figure' }>, images: BulletinImages): Paragraph[] {
  const img = b.src ? images.get(b.src) : undefined;
  const maxPx = Math.floor((TEXT_WIDTH / 1440) * 96);
  const out: Paragraph[] = [];
  if (img) {
    const scale = Math.min(1, maxPx / Math.max(1, img.width));
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { before: 120 },
        children: [
          new ImageRun({
            type: img.type,
            data: img.data,
            transformation: {
              width: Math.round(img.width * scale),
              height: Math.round(img.height * scale),
            },
          }),
        ],
      }),
    );
  } else
    out.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [run('［图片］', FONTS.body, 14)] }));
  if (b.caption)
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { after: 120 },
        children: [run(b.caption, FONTS.kai, 14)],
      }),
    );
  return out;
}

function entry(
  e: Bulletin['entries'][number],
  first: boolean,
  images: BulletinImages,
): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  if (e.editorNote)
    out.push(
      new Paragraph({
        spacing: { ...EXACT_LINE, before: first ? 0 : 240 },
        indent: { firstLine: 640 },
        children: [
          run('【编者按】', FONTS.kai, BODY_SIZE, { bold: true }),
          run(e.editorNote, FONTS.kai, BODY_SIZE),
        ],
      }),
    );
  out.push(
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: {
        before: first && !e.editorNote ? 0 : 360,
        after: 240,
        line: 680,
        lineRule: LineRuleType.AT_LEAST,
      },
      children: [run(e.title, FONTS.title, 22, { bold: true })],
    }),
  );
  for (const b of e.blocks) {
    if (b.kind === 'table') out.push(...table(b));
    else if (b.kind === 'figure') out.push(...figure(b, images));
    else
      out.push(
        new Paragraph({
          alignment: AlignmentType.JUSTIFIED,
          spacing: EXACT_LINE,
          indent: { firstLine: 640 },
          children: [run(b.text, b.heading ? FONTS.hei : FONTS.body, BODY_SIZE)],
        }),
      );
  }
  if (e.sourceLine)
    out.push(
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        spacing: EXACT_LINE,
        children: [run(e.sourceLine, FONTS.kai, BODY_SIZE)],
      }),
    );
  return out;
}

/**
 * 版记: 报/送/发 and the 印发 line as one bordered group — thick rules above and below, thin rules between
 * (OOXML's `between` border, which Word and LibreOffice draw alike) — then 共印N份 (4号 仿宋, GB/T 9704).
 */
function imprint(b: Bulletin): Paragraph[] {
  const size = 14;
  const group = {
    spacing: { line: 480, lineRule: LineRuleType.EXACT },
    indent: { left: 280, right: 280 },
    border: { top: rule('000000', 8), bottom: rule('000000', 8), between: rule('000000', 4) },
  };
  return [
    new Paragraph({ spacing: { before: 720 }, children: [] }),
    ...imprintRows(b.lines).map(
      (r) =>
        new Paragraph({
          ...group,
          children: [run(`${r.label}：`, FONTS.body, size), run(r.text, FONTS.body, size)],
        }),
    ),
    new Paragraph({
      ...group,
      tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - 280 }],
      children: [
        run(b.publisherName, FONTS.body, size),
        run(`\t${b.dateLabel ? `${b.dateLabel}印发` : ''}`, FONTS.body, size),
      ],
    }),
    new Paragraph({
      spacing: { line: 480, lineRule: LineRuleType.EXACT },
      indent: { right: 280 },
      alignment: AlignmentType.RIGHT,
      children: [run(`（共印${b.copies}份）`, FONTS.body, size)],
    }),
  ];
}

export async function bulletinDocx(b: Bulletin, images: BulletinImages = new Map()): Promise<Buffer> {
  const doc = new Document({
    creator: b.publisherName,
    title: `${b.periodicalName}${b.numberLabel}`,
    styles: { default: { document: { run: { font: font(FONTS.body), size: PT(BODY_SIZE) } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), footer: mm(20) },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({
                    children: ['— ', PageNumber.CURRENT, ' —'],
                    font: font(FONTS.song),
                    size: PT(14),
                  }),
                ],
              }),
            ],
          }),
        },
        children: [...masthead(b), ...b.entries.flatMap((e, i) => entry(e, i === 0, images)), ...imprint(b)],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
