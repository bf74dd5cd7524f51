import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import { parseCsv } from '../server/modules/orgs/import.js';

/**
 * Reads an import file into rows of cell text, keeping spreadsheet row numbers (blank rows stay as blank
 * rows). CSV saved by Excel on Chinese Windows is often GBK: it is decoded as such when it is not UTF-8.
 */
export async function readTable(file: string): Promise<string[][]> {
  const ext = extname(file).toLowerCase();
  if (ext === '.xlsx') return readXlsx(file);
  if (ext === '.csv' || ext === '.txt') return parseCsv(decodeText(await readFile(file)));
  throw new Error(`不支持的文件类型「${ext || '无扩展名'}」：请使用 .csv 或 .xlsx`);
}

export function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

async function readXlsx(file: string): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const table: string[][] = [];
  const columns = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= columns; c++) cells.push(row.getCell(c).text ?? '');
    table.push(cells);
  }
  return table;
}
