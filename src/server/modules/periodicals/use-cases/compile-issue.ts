import { randomUUID } from 'node:crypto';
import { and, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { AppError, conflict, invalid, notFound, staleVersion } from '../../../http/errors.js';
import { prepareContent } from '../../items/use-cases/content.js';
import { linkAttachments } from '../../attachments/use-cases/link-attachments.js';
import { adoptions, itemVersions } from '../../items/schema.js';
import { sourceLine } from '../format.js';
import { assertIssueAction, auditIssue, loadIssueFor, loadPeriodicalFor, type LoadedIssue } from '../repo.js';
import {
  issueEntries,
  issueEntrySources,
  periodicalIssues,
  type DistributionLines,
  type IssueRow,
} from '../schema.js';
import { sourceUnitsOf } from './sources.js';

/** A new draft issue (编辑中) of the periodical, with its default 版记 lines and copies. */
export async function createIssue(
  ctx: UseCaseContext,
  periodicalId: string,
  input: {
    title?: string | null | undefined;
    lines?: DistributionLines | undefined;
    copies?: number | undefined;
  },
): Promise<string> {
  const p = await loadPeriodicalFor(ctx, periodicalId, 'compile');
  if (!p.active) throw conflict(`《${p.name}》已停刊，不能新建期刊`);
  const id = randomUUID();
  await ctx.tx.insert(periodicalIssues).values({
    id,
    periodicalId,
    state: 'draft',
    title: input.title?.trim() || null,
    lines: input.lines ?? p.defaultLines,
    copies: input.copies ?? p.defaultCopies,
    createdBy: ctx.actor.userId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
  await auditIssue(ctx, 'issue.create', id, { periodicalId });
  return id;
}

/** Loads a draft for editing with its row locked: anything but a draft answers 409 naming its state. */
async function loadDraft(ctx: UseCaseContext, issueId: string, rowVersion?: number): Promise<LoadedIssue> {
  const loaded = await loadIssueFor(ctx, issueId, 'edit', true);
  assertIssueAction(loaded.issue, 'edit');
  if (rowVersion !== undefined && rowVersion !== loaded.issue.rowVersion)
    throw new AppError('stale_version', '该期已被他人修改，请刷新后重试', {
      current: loaded.issue.rowVersion,
    });
  return loaded;
}

/** Every edit of a draft bumps its row version (the issue row is locked, so this cannot miss). */
async function touch(
  ctx: UseCaseContext,
  issue: IssueRow,
  event: string,
  detail: Record<string, unknown>,
  patch: Partial<typeof periodicalIssues.$inferInsert> = {},
) {
  await ctx.tx
    .update(periodicalIssues)
    .set({ ...patch, rowVersion: issue.rowVersion + 1, updatedAt: ctx.now })
    .where(eq(periodicalIssues.id, issue.id));
  await auditIssue(ctx, event, issue.id, detail);
}

/** The issue's header: headline, printed date, 报/送/发 lines, copies. */
export async function updateIssue(
  ctx: UseCaseContext,
  issueId: string,
  input: {
    rowVersion: number;
    title?: string | null | undefined;
    issueDate?: string | null | undefined;
    lines?: DistributionLines | undefined;
    copies?: number | undefined;
  },
): Promise<void> {
  const { issue } = await loadDraft(ctx, issueId, input.rowVersion);
  const patch: Partial<typeof periodicalIssues.$inferInsert> = {};
  if (input.title !== undefined) patch.title = input.title?.trim() || null;
  if (input.issueDate !== undefined) patch.issueDate = input.issueDate;
  if (input.lines !== undefined) patch.lines = input.lines;
  if (input.copies !== undefined) patch.copies = input.copies;
  await touch(ctx, issue, 'issue.update', { changed: Object.keys(patch) }, patch);
}

/**
 * Adds an entry: one adoption (单篇, the text starts from the adopted version) or several merged into one
 * text (综合, every source unit credited). Each adoption goes into one issue at most.
 */
export async function addEntry(
  ctx: UseCaseContext,
  issueId: string,
  input: {
    adoptionIds: string[];
    title?: string | undefined;
    bodyHtml?: string | undefined;
    editorNote?: string | null | undefined;
    position?: number | undefined;
  },
): Promise<string> {
  const { issue } = await loadDraft(ctx, issueId);
  const ids = [...new Set(input.adoptionIds)];
  if (ids.length !== input.adoptionIds.length) throw invalid('adoptionIds', '采用稿件重复');
  const rows = await ctx.tx
    .select({ a: adoptions, title: itemVersions.title, bodyHtml: itemVersions.bodyHtml })
    .from(adoptions)
    .innerJoin(itemVersions, eq(itemVersions.id, adoptions.versionId))
    .where(inArray(adoptions.id, ids))
    .for('update', { of: adoptions });
  if (rows.length !== ids.length || rows.some((r) => r.a.periodicalId !== issue.periodicalId))
    throw invalid('adoptionIds', '只能编入本刊的采用稿件');
  if (rows.some((r) => r.a.revokedAt !== null)) throw conflict('所选稿件的采用已被撤销，不能编入');
  const used = await ctx.tx
    .select({ adoptionId: issueEntrySources.adoptionId })
    .from(issueEntrySources)
    .where(inArray(issueEntrySources.adoptionId, ids));
  if (used.length > 0)
    throw conflict('所选稿件已编入期刊，不能重复编入', { adoptionIds: used.map((u) => u.adoptionId) });

  const ordered = ids.map((id) => rows.find((r) => r.a.id === id)!);
  const combined = ordered.length > 1;
  const first = ordered[0]!;
  const content = prepareContent(
    input.title ?? first.title,
    input.bodyHtml ?? ordered.map((r) => r.bodyHtml).join(''),
  );
  await linkAttachments(ctx, { issueId: issue.id }, content.bodyHtml);
  const units = await sourceUnitsOf(ctx.tx, ids);
  const line = sourceLine(ids.flatMap((id) => units.get(id) ?? []));

  const [max] = await ctx.tx
    .select({ n: sql<number>`coalesce(max(${issueEntries.position}), 0)::int` })
    .from(issueEntries)
    .where(eq(issueEntries.issueId, issue.id));
  const end = (max?.n ?? 0) + 1;
  const position = input.position && input.position < end ? input.position : end;
  if (position < end)
    await ctx.tx
      .update(issueEntries)
      .set({ position: sql`${issueEntries.position} + 1` })
      .where(and(eq(issueEntries.issueId, issue.id), gte(issueEntries.position, position)));
  const id = randomUUID();
  await ctx.tx.insert(issueEntries).values({
    id,
    issueId: issue.id,
    position,
    title: content.title,
    bodyHtml: content.bodyHtml,
    editorNote: input.editorNote?.trim() || null,
    sourceLine: line,
    combined,
    createdAt: ctx.now,
  });
  await ctx.tx.insert(issueEntrySources).values(ids.map((adoptionId) => ({ entryId: id, adoptionId })));
  await touch(ctx, issue, 'issue.entry_add', { entryId: id, adoptionIds: ids, combined });
  return id;
}

async function entryOf(ctx: UseCaseContext, issueId: string, entryId: string) {
  const [entry] = await ctx.tx
    .select()
    .from(issueEntries)
    .where(and(eq(issueEntries.id, entryId), eq(issueEntries.issueId, issueId)));
  if (!entry) throw notFound('文章');
  return entry;
}

/** Edits an entry's title and text (sanitised, 涉密 refused), 编者按 or source line. */
export async function editEntry(
  ctx: UseCaseContext,
  issueId: string,
  entryId: string,
  input: {
    rowVersion: number;
    title?: string | undefined;
    bodyHtml?: string | undefined;
    editorNote?: string | null | undefined;
    sourceLine?: string | undefined;
  },
): Promise<void> {
  const { issue } = await loadDraft(ctx, issueId);
  const entry = await entryOf(ctx, issueId, entryId);
  if (entry.rowVersion !== input.rowVersion) throw staleVersion('该文章', entry.rowVersion);
  const patch: Partial<typeof issueEntries.$inferInsert> = {};
  if (input.title !== undefined || input.bodyHtml !== undefined) {
    const content = prepareContent(input.title ?? entry.title, input.bodyHtml ?? entry.bodyHtml);
    await linkAttachments(ctx, { issueId }, content.bodyHtml);
    patch.title = content.title;
    patch.bodyHtml = content.bodyHtml;
  }
  if (input.editorNote !== undefined) patch.editorNote = input.editorNote?.trim() || null;
  if (input.sourceLine !== undefined) patch.sourceLine = input.sourceLine;
  if (Object.keys(patch).length === 0) return;
  const [done] = await ctx.tx
    .update(issueEntries)
    .set({ ...patch, rowVersion: input.rowVersion + 1 })
    .where(and(eq(issueEntries.id, entryId), eq(issueEntries.rowVersion, input.rowVersion)))
    .returning({ id: issueEntries.id });
  if (!done) throw staleVersion('该文章');
  await touch(ctx, issue, 'issue.entry_edit', { entryId, changed: Object.keys(patch) });
}

/** Takes an entry out of the draft; its adoptions return to the pool. */
export async function removeEntry(ctx: UseCaseContext, issueId: string, entryId: string): Promise<void> {
  const { issue } = await loadDraft(ctx, issueId);
  const entry = await entryOf(ctx, issueId, entryId);
  await ctx.tx.delete(issueEntrySources).where(eq(issueEntrySources.entryId, entryId));
  await ctx.tx.delete(issueEntries).where(eq(issueEntries.id, entryId));
  await ctx.tx
    .update(issueEntries)
    .set({ position: sql`${issueEntries.position} - 1` })
    .where(and(eq(issueEntries.issueId, issueId), gte(issueEntries.position, entry.position)));
  await touch(ctx, issue, 'issue.entry_remove', { entryId, title: entry.title });
}

/** Drag-to-order: the full list of the issue's entry ids in their new order. */
export async function reorderEntries(
  ctx: UseCaseContext,
  issueId: string,
  entryIds: string[],
  rowVersion: number,
): Promise<void> {
  const { issue } = await loadDraft(ctx, issueId, rowVersion);
  const current = await ctx.tx
    .select({ id: issueEntries.id })
    .from(issueEntries)
    .where(eq(issueEntries.issueId, issueId));
  const want = new Set(entryIds);
  if (want.size !== entryIds.length || want.size !== current.length || current.some((e) => !want.has(e.id)))
    throw invalid('entryIds', '须按新顺序列出本期全部文章，且不得重复');
  const cases: SQL[] = entryIds.map((id, i) => sql`when ${id}::uuid then ${i + 1}::int`);
  await ctx.tx
    .update(issueEntries)
    .set({ position: sql`case ${issueEntries.id} ${sql.join(cases, sql` `)} end` })
    .where(eq(issueEntries.issueId, issueId));
  await touch(ctx, issue, 'issue.reorder', { entryIds });
}
