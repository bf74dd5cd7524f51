import { and, eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import { visibleItemsWhere } from '../items/queries.js';
import { items } from '../items/schema.js';
import { loadIssueFor } from '../periodicals/repo.js';
import { attachmentIssueUses, attachmentItemUses, attachments } from './schema.js';

type Attachment = typeof attachments.$inferSelect;

/**
 * Who may see an image: its uploader, anyone who may see an item whose text uses it (the same
 * visibility rule as every item list), and the readers of an issue that prints it. Everyone else gets
 * the 404 of a missing file.
 */
export async function canSeeAttachment(ctx: UseCaseContext, a: Attachment): Promise<boolean> {
  if (a.uploadedBy === ctx.actor.userId) return true;
  const [seen] = await ctx.tx
    .select({ id: items.id })
    .from(attachmentItemUses)
    .innerJoin(items, eq(items.id, attachmentItemUses.itemId))
    .where(and(eq(attachmentItemUses.attachmentId, a.id), visibleItemsWhere(ctx.actor)))
    .limit(1);
  if (seen) return true;
  const issues = await ctx.tx
    .select({ issueId: attachmentIssueUses.issueId })
    .from(attachmentIssueUses)
    .where(eq(attachmentIssueUses.attachmentId, a.id))
    .limit(20);
  for (const { issueId } of issues) {
    try {
      await loadIssueFor(ctx, issueId, 'view');
      return true;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
    }
  }
  return false;
}

/** The attachments with these ids that the actor may see (the rest are treated as missing). */
export async function visibleAttachments(ctx: UseCaseContext, ids: readonly string[]): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.tx
    .select()
    .from(attachments)
    .where(inArray(attachments.id, [...ids]));
  const out: Attachment[] = [];
  for (const r of rows) if (await canSeeAttachment(ctx, r)) out.push(r);
  return out;
}
