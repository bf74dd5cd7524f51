import { and, eq, inArray, ne } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, conflict, invalid } from '../../../http/errors.js';
import { auditAdminChange } from '../../orgs/use-cases/admin-audit.js';
import { orgs } from '../../orgs/schema.js';
import type { PeriodicalKind } from '../domain.js';
import { loadPeriodicalFor } from '../repo.js';
import { periodicals, type DistributionLines } from '../schema.js';

export interface PeriodicalSettings {
  rowVersion: number;
  name?: string | undefined;
  kind?: PeriodicalKind | undefined;
  publisherName?: string | null | undefined;
  totalNoBase?: number | undefined;
  yearNoBase?: number | undefined;
  yearNoBaseYear?: number | null | undefined;
  defaultLines?: DistributionLines | undefined;
  defaultRecipientOrgIds?: string[] | undefined;
  defaultCopies?: number | undefined;
  active?: boolean | undefined;
}

/** Every id must name an existing org; the field is named in the 400. */
export async function assertOrgsExist(ctx: UseCaseContext, ids: readonly string[], field: string) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = await ctx.tx
    .select({ id: orgs.id, name: orgs.name })
    .from(orgs)
    .where(inArray(orgs.id, unique));
  if (found.length !== unique.length) throw invalid(field, '包含不存在的单位');
  return found;
}

/**
 * 刊物设置: name, kind, 编印单位, numbering bases (to continue a paper run), default 报/送/发 lines, default
 * recipients and copies. Optimistic: a stale rowVersion answers 409.
 */
export async function updatePeriodical(ctx: UseCaseContext, id: string, input: PeriodicalSettings) {
  const p = await loadPeriodicalFor(ctx, id, 'configure');
  if (input.name !== undefined && input.name !== p.name) {
    const [clash] = await ctx.tx
      .select({ id: periodicals.id })
      .from(periodicals)
      .where(and(eq(periodicals.hubId, p.hubId), eq(periodicals.name, input.name), ne(periodicals.id, id)));
    if (clash) throw conflict(`本单位已有名为「${input.name}」的刊物`, { field: 'name' });
  }
  const recipients = input.defaultRecipientOrgIds
    ? [...new Set(input.defaultRecipientOrgIds.filter((o) => o !== p.hubId))]
    : undefined;
  if (recipients) await assertOrgsExist(ctx, recipients, 'defaultRecipientOrgIds');
  if (
    input.yearNoBase !== undefined &&
    input.yearNoBase > 0 &&
    (input.yearNoBaseYear ?? p.yearNoBaseYear) === null
  )
    throw invalid('yearNoBaseYear', '设置年度期号起点时须注明所属年度');
  const { rowVersion, ...fields } = input;
  const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (recipients) patch.defaultRecipientOrgIds = recipients;
  const updated = await ctx.tx
    .update(periodicals)
    .set({ ...patch, rowVersion: rowVersion + 1 })
    .where(and(eq(periodicals.id, id), eq(periodicals.rowVersion, rowVersion)))
    .returning({ id: periodicals.id });
  if (updated.length === 0)
    throw new AppError('stale_version', '刊物设置已被他人修改，请刷新后重试', { current: p.rowVersion });
  await auditAdminChange(
    ctx,
    'periodical.update',
    { type: 'periodical', id },
    { changed: Object.keys(patch) },
  );
}
