import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction, readContext } from '../../app.js';
import { BODY_MAX_CHARS, TITLE_MAX } from '../items/domain/catalog.js';
import { clearAutosave, getAutosave, saveAutosave } from './autosave.js';
import { entityId } from '../../http/entity-id.js';

const user = { access: 'user' } as const;
const tags = ['自动保存'];
const TargetParams = z.strictObject({
  target: z.union([z.literal('new'), entityId()], { error: '应为 new 或稿件编号' }),
});
const AutosaveBody = z.strictObject({
  baseRowVersion: z.number().int().min(0).nullable(),
  title: z.string().max(TITLE_MAX * 4),
  bodyHtml: z.string().max(BODY_MAX_CHARS * 20),
  fields: z.record(z.string().max(40), z.unknown()).refine((f) => Object.keys(f).length <= 20, '字段过多'),
});
const AutosaveView = z.object({
  target: z.string(),
  baseRowVersion: z.number().int().nullable(),
  title: z.string(),
  bodyHtml: z.string(),
  fields: z.record(z.string(), z.unknown()),
  savedAt: z.iso.datetime(),
});

/** The editor's private autosave: one per user and target (`new` or an item id). */
export async function autosaveRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/autosaves/:target',
    {
      config: user,
      schema: {
        tags,
        summary: '读取本人自动保存的草稿',
        params: TargetParams,
        response: { 200: AutosaveView },
      },
    },
    async (req) => getAutosave(readContext(req), req.params.target),
  );

  app.put(
    '/api/autosaves/:target',
    {
      config: user,
      schema: {
        tags,
        summary: '自动保存草稿（幂等，覆盖本人此前的自动保存）',
        params: TargetParams,
        body: AutosaveBody,
        response: { 200: z.object({ target: z.string(), savedAt: z.iso.datetime() }) },
      },
    },
    async (req) => inTransaction(req, (ctx) => saveAutosave(ctx, req.params.target, req.body)),
  );

  app.delete(
    '/api/autosaves/:target',
    {
      config: user,
      schema: {
        tags,
        summary: '放弃自动保存的草稿',
        params: TargetParams,
        response: { 200: z.object({ deleted: z.boolean() }) },
      },
    },
    async (req) =>
      inTransaction(req, async (ctx) => ({ deleted: await clearAutosave(ctx, req.params.target) })),
  );
}
