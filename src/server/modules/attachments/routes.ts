import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction } from '../../app.js';
import type { UseCaseContext } from '../../http/context.js';
import { attachmentDisposition } from '../../http/download.js';
import { AppError, notFound } from '../../http/errors.js';
import { fileResponse } from '../../http/responses.js';
import { cookieName } from '../auth/routes.js';
import { resolveSession } from '../auth/sessions.js';
import { FILE_PATH_PREFIX, IMAGE_TYPES, MAX_IMAGE_BYTES, tooLargeMessage } from './domain.js';
import { canSeeAttachment } from './policy.js';
import { attachments } from './schema.js';
import type { AttachmentStorage } from './storage.js';
import { uploadAttachment } from './use-cases/upload-attachment.js';
import { entityId } from '../../http/entity-id.js';

const tags = ['附件'];
const IdParams = z.strictObject({ id: entityId({ error: '编号格式不正确' }) });
const UploadHeaders = z.looseObject({
  'content-type': z.string().max(200).optional(),
  /** The file's own name, percent-encoded (UTF-8), shown to people only. */
  'x-file-name': z.string().max(1000).optional(),
});
const AttachmentView = z.object({
  id: z.uuid(),
  url: z.string(),
  mime: z.string(),
  byteSize: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  fileName: z.string(),
});

function decodeName(raw: string | undefined): string {
  if (!raw) return 'image';
  try {
    return decodeURIComponent(raw);
  } catch {
    return 'image';
  }
}

/**
 * Images for rich text. Upload: the raw bytes as the request body (any content type; the type is sniffed
 * from the bytes), at most 5 MB. Read: GET /files/<id>, outside /api/ so that rich text never points at
 * an API path; only for people who may see an item or issue that uses the image (404 otherwise).
 */
export async function attachmentRoutes(
  appBase: FastifyInstance,
  opts: { storage?: AttachmentStorage } = {},
): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const storage = opts.storage ?? app.storage;
  // Scoped to this plugin: any non-JSON body arrives as bytes; a little over the limit so that the use
  // case, not the parser, says how large the picture was.
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES + 1024 * 1024 },
    (_r, body, done) => done(null, body),
  );

  app.post(
    '/api/attachments',
    {
      config: { access: 'user' },
      bodyLimit: MAX_IMAGE_BYTES + 1024 * 1024,
      onRequest: async (req) => {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > MAX_IMAGE_BYTES)
          throw new AppError('too_large', tooLargeMessage(declared), { field: 'file' });
      },
      schema: {
        tags,
        summary: '上传图片（JPG/PNG/GIF，不超过 5 MB；请求体为图片原始字节）',
        headers: UploadHeaders,
        response: { 200: AttachmentView },
      },
    },
    async (req) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const row = await inTransaction(req, (ctx) =>
        uploadAttachment(ctx, storage, { bytes, fileName: decodeName(req.headers['x-file-name']) }),
      );
      return {
        id: row.id,
        url: `${FILE_PATH_PREFIX}${row.id}`,
        mime: row.mime,
        byteSize: row.byteSize,
        width: row.width,
        height: row.height,
        fileName: row.fileName,
      };
    },
  );

  app.get(
    '/files/:id',
    {
      config: { access: 'user' },
      schema: {
        hide: true,
        params: IdParams,
        response: { 200: fileResponse(IMAGE_TYPES, '图片文件（内联显示）') },
      },
    },
    async (req, reply) => {
      const ctx = await fileContext(req);
      const [row] = await ctx.tx.select().from(attachments).where(eq(attachments.id, req.params.id));
      if (!row || !(await canSeeAttachment(ctx, row))) throw notFound('图片');
      const bytes = await storage.get(row.storageKey);
      if (!bytes) throw notFound('图片');
      const ext = row.mime.split('/')[1] ?? 'bin';
      return reply
        .type(row.mime)
        .header('Cache-Control', 'private, max-age=300')
        .header(
          'Content-Disposition',
          attachmentDisposition(row.fileName, `image.${ext}`).replace(/^attachment/, 'inline'),
        )
        .send(bytes);
    },
  );
}

/** /files/ lies outside /api/, where the auth plugin resolves sessions, so the session is resolved here. */
async function fileContext(req: FastifyRequest): Promise<UseCaseContext> {
  const app = req.server;
  const token = req.cookies[cookieName(app.config.secureCookies)];
  const now = new Date();
  const session = token
    ? await resolveSession(app.database.db, token, now, {
        idleMinutes: app.config.sessionIdleMinutes,
        absoluteMinutes: app.config.sessionAbsoluteMinutes,
      })
    : null;
  if (!session) throw new AppError('unauthenticated', '请先登录');
  return { actor: session.actor, tx: app.database.db, now, ip: req.ip ?? null, requestId: String(req.id) };
}
