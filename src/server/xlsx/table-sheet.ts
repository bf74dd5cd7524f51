import type ExcelJS from 'exceljs';

/**
 * Every Excel export goes through here so they all read the same way when opened or printed in China:
 * times as Beijing wall-clock with a Chinese format, columns fitted to their content, the header frozen
 * and filterable, and the sheet printed landscape, one page wide, with the header repeated on each page.
 */

export type CellKind = 'text' | 'int' | 'decimal' | 'percent' | 'datetime' | 'date';

export interface SheetColumn {
  header: string;
  kind?: CellKind;
  /** Upper bound for the fitted width (in Excel character units); long titles wrap instead. */
  maxWidth?: number;
}

export type SheetValue = string | number | Date | null | undefined;

const FORMATS: Record<CellKind, string | undefined> = {
  text: undefined,
  int: '0',
  decimal: '0.00',
  percent: '0.00%',
  datetime: 'yyyy"年"m"月"d"日" hh:mm',
  date: 'yyyy"年"m"月"d"日"',
};

/** Characters as they show in the format above, for width fitting. */
const SHOWN_WIDTH: Partial<Record<CellKind, number>> = {
  datetime: 18,
  date: 12,
  percent: 7,
};

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // China has no daylight saving time since 1991.

/**
 * Excel stores times without a zone and exceljs writes a Date by its UTC fields, so a UTC instant would
 * show 8 hours early (23:20 → 15:20, early-morning times on the previous day). Shift it so its UTC
 * fields are the Asia/Shanghai wall clock.
 */
export function shanghaiWallClock(instant: Date | string): Date {
  return new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS);
}

/** Display width of text: CJK and full-width characters take two columns. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      cp >= 0x20000;
    w += wide ? 2 : 1;
  }
  return w;
}

const thin = { style: 'thin' as const };
const BORDER = { top: thin, bottom: thin, left: thin, right: thin };

export interface TableSheetOptions {
  name: string;
  /** A bold centred title above the table (merged over its columns). */
  title?: string;
  /** Plain lines between the title and the header (统计期间, remarks …). */
  notes?: string[];
  columns: SheetColumn[];
  rows: SheetValue[][];
  /** Extra rows after the data (合计), styled bold. */
  footer?: SheetValue[][];
}

/** Adds one table-shaped worksheet (title, notes, header, rows) with the house layout and print setup. */
export function addTableSheet(wb: ExcelJS.Workbook, o: TableSheetOptions): ExcelJS.Worksheet {
  const n = o.columns.length;
  const ws = wb.addWorksheet(o.name, {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  if (o.title) {
    ws.addRow([o.title]);
    if (n > 1) ws.mergeCells(ws.rowCount, 1, ws.rowCount, n);
    const c = ws.getCell(ws.rowCount, 1);
    c.font = { name: '宋体', size: 16, bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle' };
    ws.getRow(ws.rowCount).height = 28;
  }
  for (const line of o.notes ?? []) {
    ws.addRow([line]);
    if (n > 1) ws.mergeCells(ws.rowCount, 1, ws.rowCount, n);
  }
  const head = ws.addRow(o.columns.map((c) => c.header));
  const headerRow = head.number;
  head.font = { bold: true };
  head.eachCell((c) => {
    c.border = BORDER;
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F4F6' } };
  });

  const widths = o.columns.map((c) => displayWidth(c.header));
  const put = (values: SheetValue[], bold: boolean) => {
    const row = ws.addRow(
      values.map((v, i) => {
        const kind = o.columns[i]?.kind ?? 'text';
        if (v instanceof Date && (kind === 'datetime' || kind === 'date')) return shanghaiWallClock(v);
        return v ?? null;
      }),
    );
    if (bold) row.font = { bold: true };
    o.columns.forEach((col, i) => {
      const cell = row.getCell(i + 1);
      const fmt = FORMATS[col.kind ?? 'text'];
      if (fmt) cell.numFmt = fmt;
      cell.border = BORDER;
      cell.alignment = { vertical: 'middle', wrapText: col.kind === undefined || col.kind === 'text' };
      const v = values[i];
      if (v === null || v === undefined || v === '') return;
      const shown =
        SHOWN_WIDTH[col.kind ?? 'text'] ??
        displayWidth(typeof v === 'number' && col.kind === 'decimal' ? v.toFixed(2) : String(v));
      widths[i] = Math.max(widths[i]!, shown);
    });
  };
  for (const r of o.rows) put(r, false);
  const lastDataRow = ws.rowCount;
  for (const r of o.footer ?? []) put(r, true);

  o.columns.forEach((col, i) => {
    // Half-units keep a fitted width from ever equalling exceljs's default (9), which it would not write.
    ws.getColumn(i + 1).width = Math.min(Math.max(widths[i]! + 2.5, 6.5), col.maxWidth ?? 60.5);
  });
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}` }];
  ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: lastDataRow, column: n } };
  ws.pageSetup.printTitlesRow = `${headerRow}:${headerRow}`;
  return ws;
}

let exceljs: Promise<typeof ExcelJS> | undefined;

/**
 * exceljs and what it pulls in (unzipper, archiver, fast-csv) took 0.6 s of a 3 s start-up while no export
 * needs it before someone asks for one: it is loaded on the first workbook, once.
 */
function loadExcelJs(): Promise<typeof ExcelJS> {
  exceljs ??= import('exceljs').then((m) => m.default);
  return exceljs;
}

/** A workbook with the creator set; pass it to addTableSheet, then to workbookBuffer. */
export async function newWorkbook(creator: string): Promise<ExcelJS.Workbook> {
  const { Workbook } = await loadExcelJs();
  const wb = new Workbook();
  wb.creator = creator;
  wb.created = new Date();
  return wb;
}

export async function workbookBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
