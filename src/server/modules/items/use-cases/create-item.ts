import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { UseCaseContext } from '../../../http/context.js';
import { invalid } from '../../../http/errors.js';
import { authorize } from '../../../policy/authorize.js';
import { orgs } from '../../orgs/schema.js';
import type { Category, Disclosure, ReportStage, Urgency } from '../domain/catalog.js';
import { recordEvent } from '../repo.js';
import { itemCoReporters, items, itemVersions } from '../schema.js';
import { prepareContent } from './content.js';
import { checkTargets } from './targets.js';
import { linkAttachments } from '../../attachments/use-cases/link-attachments.js';
import { clearAutosave } from '../../autosave/autosave.js';

export interface ItemMeta {
  category: Category;
  urgency: Urgency;
  disclosure: Disclosure;
  reportStage?: ReportStage | null | undefined;
  followsItemId?: string | null | undefined;
  coReporterOrgIds?: string[] | undefined;
  targetOrgIds?: string[] | undefined;
}

export interface CreateItemInput extends ItemMeta {
  orgId: string;
  title: string;
  bodyHtml: string;
}

/** A writer starts a draft (version 1) for their unit. */
export async function createItem(ctx: UseCaseContext, input: CreateItemInput): Promise<string> {
  authorize(ctx.actor, 'org', 'create_item', { orgId: input.orgId });
  const content = prepareContent(input.title, input.bodyHtml);
  const targets = await checkTargets(ctx.tx, input.orgId, input.targetOrgIds ?? []);
  await checkCoReporters(ctx, input.orgId, input.coReporterOrgIds ?? []);
  const id = randomUUID();
  await ctx.tx.insert(items).values({
    id,
    orgId: input.orgId,
    authorId: ctx.actor.userId,
    state: 'draft',
    currentVersionNo: 1,
    title: content.title,
    category: input.category,
    urgency: input.urgency,
    disclosure: input.disclosure,
    reportStage: input.reportStage ?? null,
    followsItemId: input.followsItemId ?? null,
    targetOrgIds: targets,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
  await ctx.tx.insert(itemVersions).values({
    id: randomUUID(),
    itemId: id,
    no: 1,
    ...content,
    orgId: input.orgId,
    createdBy: ctx.actor.userId,
    basedOnNo: null,
    createdAt: ctx.now,
  });
  await replaceCoReporters(ctx, id, input.coReporterOrgIds ?? []);
  await linkAttachments(ctx, { itemId: id }, content.bodyHtml);
  await clearAutosave(ctx, 'new');
  await recordEvent(ctx, { itemId: id, actorOrgId: input.orgId, action: 'create', toState: 'draft' });
  return id;
}

export async function checkCoReporters(
  ctx: UseCaseContext,
  orgId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.includes(orgId)) throw invalid('coReporterOrgIds', '合报单位不能包含本单位');
  if (ids.length === 0) return;
  const found = await ctx.tx
    .select({ id: orgs.id })
    .from(orgs)
    .where(inArray(orgs.id, [...ids]));
  if (found.length !== new Set(ids).size) throw invalid('coReporterOrgIds', '合报单位不存在');
}

export async function replaceCoReporters(
  ctx: UseCaseContext,
  itemId: string,
  ids: readonly string[],
): Promise<void> {
  await ctx.tx.delete(itemCoReporters).where(eq(itemCoReporters.itemId, itemId));
  if (ids.length > 0)
    await ctx.tx.insert(itemCoReporters).values([...new Set(ids)].map((orgId) => ({ itemId, orgId })));
}
