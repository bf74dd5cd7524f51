import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import {
  ancestorsOf,
  ORG_KIND_LABELS,
  ORG_KINDS,
  ORG_LEVEL_LABELS,
  ORG_LEVELS,
  type OrgKind,
  type OrgLevel,
} from './domain.js';
import { directReportPoints, orgs } from './schema.js';
import { DIVISION_CODE } from './schemas.js';
import type { NamedTreeOrg } from './use-cases/tree.js';

/**
 * Org-tree import (单位批量导入) from CSV or a spreadsheet's first sheet. Everything is validated first and
 * reported by row and column in Chinese; only a clean file is written, in the caller's transaction. Re-importing
 * the same file changes nothing: a unit with the same name under the same parent is updated, never duplicated.
 */

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; a leading BOM is dropped; CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endRecord();
      i++;
    } else if (c === '\n' || c === '\r') endRecord();
    else field += c;
  }
  if (quoted) throw new AppError('validation', 'CSV 格式错误：引号未闭合', { field: 'csv' });
  if (field !== '' || record.length > 0) endRecord();
  return records;
}

export const IMPORT_COLUMNS = {
  name: '单位名称',
  shortName: '简称',
  kind: '类型',
  level: '行政级别',
  divisionCode: '行政区划代码',
  parent: '上级单位',
  isHub: '是否信息汇总单位',
  directReportHubs: '直报单位',
} as const;
type Column = keyof typeof IMPORT_COLUMNS;
const REQUIRED: readonly Column[] = ['name', 'kind', 'level'];
const MAX_ROWS = 5000;
const IMPORT_LOCK = 762834;

export interface ImportError {
  row: number;
  column: string | null;
  message: string;
}

export interface ImportPlanRow {
  row: number;
  id: string;
  action: 'create' | 'update' | 'unchanged';
  name: string;
  parentId: string | null;
}

export interface ImportResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rows: ImportPlanRow[];
}

/** Accepts each label, its parts split at '/', and for levels the label without 级 (省级 → 省). */
function lookup<T extends string>(labels: Record<T, string>, value: string, stripSuffix?: string): T | null {
  for (const [key, label] of Object.entries(labels) as [T, string][]) {
    const variants = [label, ...label.split('/')];
    if (stripSuffix) variants.push(label.replace(new RegExp(`${stripSuffix}$`), ''));
    if (variants.includes(value)) return key;
  }
  return null;
}
const kindOf = (v: string): OrgKind | null =>
  lookup(ORG_KIND_LABELS, v) ?? (v === '政府办公室' || v === '政府办' ? 'general_office' : null);
const levelOf = (v: string): OrgLevel | null =>
  lookup(ORG_LEVEL_LABELS, v, '级') ?? (v === '国家' ? 'national' : null);
const HUB_YES = ['是', 'Y', 'y', '1', 'TRUE', 'true'];
const HUB_NO = ['否', 'N', 'n', '0', 'FALSE', 'false', ''];

interface ParsedRow {
  row: number;
  name: string;
  shortName: string;
  kind: OrgKind;
  level: OrgLevel;
  divisionCode: string | null;
  parentName: string | null;
  isHub: boolean;
  directReportHubNames: string[] | null;
}

/** Header and cell checks that need no database. Row numbers are the spreadsheet's (header = 1). */
function parseTable(table: readonly (readonly string[])[], errors: ImportError[]): ParsedRow[] {
  const header = (table[0] ?? []).map((h) => h.trim());
  const index = new Map<Column, number>();
  header.forEach((h, i) => {
    const col = (Object.keys(IMPORT_COLUMNS) as Column[]).find((c) => IMPORT_COLUMNS[c] === h);
    if (col) {
      if (index.has(col)) errors.push({ row: 1, column: h, message: `列「${h}」重复` });
      index.set(col, i);
    } else if (h !== '')
      errors.push({
        row: 1,
        column: h,
        message: `无法识别的列「${h}」，可用的列：${Object.values(IMPORT_COLUMNS).join('、')}`,
      });
  });
  for (const col of REQUIRED)
    if (!index.has(col))
      errors.push({ row: 1, column: IMPORT_COLUMNS[col], message: `缺少必填列「${IMPORT_COLUMNS[col]}」` });
  if (errors.length > 0) return [];
  if (table.length - 1 > MAX_ROWS) {
    errors.push({ row: MAX_ROWS + 2, column: null, message: `一次最多导入${MAX_ROWS}个单位，请分批导入` });
    return [];
  }

  const out: ParsedRow[] = [];
  table.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const cell = (c: Column) => (index.has(c) ? (cells[index.get(c)!] ?? '').trim() : '');
    if (cells.every((c) => c.trim() === '')) return;
    const err = (c: Column, message: string) => errors.push({ row, column: IMPORT_COLUMNS[c], message });
    const before = errors.length;

    const name = cell('name');
    if (!name) err('name', '单位名称不能为空');
    else if (name.length > 100) err('name', '单位名称不能超过100字');
    const shortName = cell('shortName') || name;
    if (shortName.length > 50) err('shortName', '简称不能超过50字');
    const kind = kindOf(cell('kind'));
    if (!kind)
      err(
        'kind',
        cell('kind')
          ? `类型「${cell('kind')}」无效，应为：${ORG_KINDS.map((k) => ORG_KIND_LABELS[k]).join('、')}`
          : '类型不能为空',
      );
    const level = levelOf(cell('level'));
    if (!level)
      err(
        'level',
        cell('level')
          ? `行政级别「${cell('level')}」无效，应为：${ORG_LEVELS.map((l) => ORG_LEVEL_LABELS[l]).join('、')}`
          : '行政级别不能为空',
      );
    const divisionCode = cell('divisionCode') || null;
    if (divisionCode && !DIVISION_CODE.test(divisionCode))
      err('divisionCode', '行政区划代码应为6、9或12位数字');
    const hub = cell('isHub');
    if (!HUB_YES.includes(hub) && !HUB_NO.includes(hub)) err('isHub', `「${hub}」无效，请填写“是”或“否”`);
    const direct = index.has('directReportHubs')
      ? cell('directReportHubs')
          .split(/[；;]/)
          .map((s) => s.trim())
          .filter(Boolean)
      : null;

    if (errors.length === before)
      out.push({
        row,
        name,
        shortName,
        kind: kind!,
        level: level!,
        divisionCode,
        parentName: cell('parent') || null,
        isHub: HUB_YES.includes(hub),
        directReportHubNames: direct,
      });
  });
  if (out.length === 0 && errors.length === 0)
    errors.push({ row: 2, column: null, message: '文件中没有单位数据' });
  return out;
}

/**
 * Validates the whole table against the database, then (unless dryRun, or any error) writes it in `tx`.
 * Throws 400 with `details.rows` listing every error; nothing is written then.
 */
export async function importOrgTable(
  tx: Db,
  table: readonly (readonly string[])[],
  opts: { dryRun: boolean; now: Date },
): Promise<ImportResult> {
  const errors: ImportError[] = [];
  const parsed = parseTable(table, errors);
  // Two imports at once would both plan to create the same units; the second waits and sees the first's.
  if (!opts.dryRun) await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`);
  const existing = await tx.select().from(orgs);
  const stored = new Map(existing.map((o) => [o.id, o]));

  // The tree as it will be after the import: the database plus the file's rows, in file order.
  const tree = new Map<string, NamedTreeOrg>();
  const named = new Map<string, NamedTreeOrg[]>();
  const add = (o: NamedTreeOrg) => {
    tree.set(o.id, o);
    named.set(o.name, [...(named.get(o.name) ?? []), o]);
  };
  for (const o of existing) add({ id: o.id, name: o.name, parentId: o.parentId, isHub: o.isHub });
  const byName = (name: string) => named.get(name) ?? [];
  const fileIds = new Map<string, number>(); // id → the row that defines it
  const plan: (ImportPlanRow & { data: ParsedRow })[] = [];

  for (const r of parsed) {
    let parentId: string | null = null;
    if (r.parentName) {
      const candidates = byName(r.parentName);
      if (candidates.length === 0) {
        errors.push({
          row: r.row,
          column: IMPORT_COLUMNS.parent,
          message: `上级单位「${r.parentName}」不存在：须在本文件前面的行或系统中已有`,
        });
        continue;
      }
      if (candidates.length > 1) {
        errors.push({
          row: r.row,
          column: IMPORT_COLUMNS.parent,
          message: `上级单位「${r.parentName}」有${candidates.length}个同名单位，无法确定，请先在系统中区分名称`,
        });
        continue;
      }
      parentId = candidates[0]!.id;
    }
    const match = byName(r.name).find((o) => o.parentId === parentId);
    if (match && fileIds.has(match.id)) {
      errors.push({
        row: r.row,
        column: IMPORT_COLUMNS.name,
        message: `与第${fileIds.get(match.id)}行重复：同一上级单位下已有「${r.name}」`,
      });
      continue;
    }
    const before = match ? stored.get(match.id) : undefined;
    const unchanged =
      before &&
      before.shortName === r.shortName &&
      before.kind === r.kind &&
      before.level === r.level &&
      before.divisionCode === r.divisionCode &&
      before.isHub === r.isHub;
    if (match) match.isHub = r.isHub;
    else add({ id: randomUUID(), name: r.name, parentId, isHub: r.isHub });
    const id = match?.id ?? byName(r.name).at(-1)!.id;
    fileIds.set(id, r.row);
    plan.push({
      row: r.row,
      id,
      action: !match ? 'create' : unchanged ? 'unchanged' : 'update',
      name: r.name,
      parentId,
      data: r,
    });
  }

  // 直报单位: hubs above the unit, named in the file or already in the system.
  const direct = new Map<string, string[]>();
  for (const p of plan) {
    if (!p.data.directReportHubNames) continue;
    const hubIds: string[] = [];
    for (const hubName of p.data.directReportHubNames) {
      const candidates = byName(hubName).filter((o) => o.isHub);
      const error = (message: string) =>
        errors.push({ row: p.row, column: IMPORT_COLUMNS.directReportHubs, message });
      if (candidates.length === 0) error(`直报单位「${hubName}」不存在或不是信息汇总单位`);
      else if (candidates.length > 1) error(`直报单位「${hubName}」有多个同名单位，无法确定`);
      else if (!ancestorsOf(p.id, tree).includes(candidates[0]!.id))
        error(`直报单位「${hubName}」不是本单位的上级单位`);
      else hubIds.push(candidates[0]!.id);
    }
    direct.set(p.id, [...new Set(hubIds)]);
  }

  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    throw new AppError('validation', `导入文件有${errors.length}处错误，未导入任何数据。请修改后重新导入`, {
      field: 'csv',
      rows: errors.slice(0, 500),
    });
  }
  const current = await tx.select().from(directReportPoints);
  const sameSet = (orgId: string, hubIds: readonly string[]) => {
    const have = current.filter((d) => d.orgId === orgId).map((d) => d.hubId);
    return have.length === hubIds.length && hubIds.every((h) => have.includes(h));
  };
  const changed = [...direct].filter(([orgId, hubIds]) => !sameSet(orgId, hubIds));
  const directChanged = new Set(changed.map(([orgId]) => orgId));
  for (const p of plan) if (p.action === 'unchanged' && directChanged.has(p.id)) p.action = 'update';
  const result: ImportResult = {
    dryRun: opts.dryRun,
    created: plan.filter((p) => p.action === 'create').length,
    updated: plan.filter((p) => p.action === 'update').length,
    unchanged: plan.filter((p) => p.action === 'unchanged').length,
    rows: plan.map((p) => ({ row: p.row, id: p.id, action: p.action, name: p.name, parentId: p.parentId })),
  };
  if (opts.dryRun) return result;

  for (const p of plan) {
    const values = {
      name: p.data.name,
      shortName: p.data.shortName,
      kind: p.data.kind,
      level: p.data.level,
      divisionCode: p.data.divisionCode,
      isHub: p.data.isHub,
    };
    if (p.action === 'create')
      await tx
        .insert(orgs)
        .values({ id: p.id, parentId: p.parentId, createdAt: opts.now, sortOrder: p.row, ...values });
    else if (p.action === 'update') await tx.update(orgs).set(values).where(eq(orgs.id, p.id));
  }
  if (changed.length > 0) {
    await tx.delete(directReportPoints).where(
      inArray(
        directReportPoints.orgId,
        changed.map(([orgId]) => orgId),
      ),
    );
    const rows = changed.flatMap(([orgId, hubIds]) =>
      hubIds.map((hubId) => ({ orgId, hubId, createdAt: opts.now })),
    );
    if (rows.length > 0) await tx.insert(directReportPoints).values(rows);
  }
  return result;
}
