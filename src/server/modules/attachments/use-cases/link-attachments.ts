import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { referencedAttachmentIds } from '../domain.js';
import { visibleAttachments } from '../policy.js';
import { attachmentIssueUses, attachmentItemUses } from '../schema.js';

/**
 * Records which images a newly written text uses, so their visibility follows the item or issue. A text
 * may only use images its writer may see (their own uploads, or images of items and issues they read):
 * an id copied from elsewhere is refused rather than silently becoming visible to new readers.
 */
export async function linkAttachments(
  ctx: UseCaseContext,
  owner: { itemId: string } | { issueId: string },
  sanitisedHtml: string,
): Promise<void> {
  const ids = referencedAttachmentIds(sanitisedHtml);
  if (ids.length === 0) return;
  const seen = await visibleAttachments(ctx, ids);
  if (seen.length !== ids.length) throw invalid('bodyHtml', '正文中有图片不存在或无权使用，请删除后重新插入');
  if ('itemId' in owner)
    await ctx.tx
      .insert(attachmentItemUses)
      .values(ids.map((attachmentId) => ({ attachmentId, itemId: owner.itemId })))
      .onConflictDoNothing();
  else
    await ctx.tx
      .insert(attachmentIssueUses)
      .values(ids.map((attachmentId) => ({ attachmentId, issueId: owner.issueId })))
      .onConflictDoNothing();
}
