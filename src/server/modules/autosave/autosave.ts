import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { UseCaseContext } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import { findClassificationMarking } from '../items/domain/classification.js';
import { htmlToText, sanitizeRichText } from '../items/domain/text.js';
import { loadVisibleItem } from '../items/repo.js';
import { autosaves } from './schema.js';

/** `new` (a draft not yet created) or an item id. */
export type AutosaveTarget = string;

/**
 * Autosaves are not audited per save: they are private scratch copies that change no shared state and
 * are written every few seconds while someone types; the audited event is the item save that follows
 * (and that deletes the autosave). An audit row per keystroke pause would drown the log.
 */
async function checkTarget(ctx: UseCaseContext, target: AutosaveTarget): Promise<void> {
  if (target !== 'new') await loadVisibleItem(ctx, target);
}

/** Replaces the actor's autosave for the target (idempotent: the same text twice is one row). */
export async function saveAutosave(
  ctx: UseCaseContext,
  target: AutosaveTarget,
  input: { baseRowVersion: number | null; title: string; bodyHtml: string; fields: Record<string, unknown> },
) {
  await checkTarget(ctx, target);
  const bodyHtml = sanitizeRichText(input.bodyHtml);
  const hit = findClassificationMarking(`${input.title}\n${htmlToText(bodyHtml)}`);
  if (hit)
    throw new AppError(
      'classified_content',
      `检测到密级标志「${hit.marking}」，草稿未自动保存。涉密信息不得在本系统处理，请删除后通过涉密渠道报送`,
      { field: 'bodyHtml', marking: hit.marking },
    );
  const values = {
    baseRowVersion: input.baseRowVersion,
    title: input.title,
    bodyHtml,
    fields: input.fields,
    savedAt: ctx.now,
  };
  await ctx.tx
    .insert(autosaves)
    .values({ id: randomUUID(), userId: ctx.actor.userId, target, ...values })
    .onConflictDoUpdate({ target: [autosaves.userId, autosaves.target], set: values });
  return { target, savedAt: ctx.now.toISOString() };
}

/** The actor's own autosave for the target; nobody else's is ever read. */
export async function getAutosave(ctx: UseCaseContext, target: AutosaveTarget) {
  await checkTarget(ctx, target);
  const [row] = await ctx.tx
    .select()
    .from(autosaves)
    .where(and(eq(autosaves.userId, ctx.actor.userId), eq(autosaves.target, target)));
  if (!row) throw new AppError('not_found', '没有自动保存的草稿');
  return {
    target: row.target,
    baseRowVersion: row.baseRowVersion,
    title: row.title,
    bodyHtml: row.bodyHtml,
    fields: row.fields,
    savedAt: row.savedAt.toISOString(),
  };
}

/** Called when the item itself is saved (or the writer discards the autosave). */
export async function clearAutosave(ctx: UseCaseContext, target: AutosaveTarget): Promise<boolean> {
  const gone = await ctx.tx
    .delete(autosaves)
    .where(and(eq(autosaves.userId, ctx.actor.userId), eq(autosaves.target, target)))
    .returning({ id: autosaves.id });
  return gone.length > 0;
}
