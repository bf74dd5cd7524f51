import { attachmentDisposition } from '../../../http/download.js';
import { fileResponse } from '../../../http/responses.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readContext } from '../../../app.js';
import { bulletinFileName, toBulletin, type Bulletin } from '../bulletin.js';
import { bulletinDocx, type BulletinImages } from '../docx.js';
import { loadBulletinImages } from '../../attachments/use-cases/bulletin-images.js';
import {} from '../format.js';
import { presentIssue } from '../present.js';
import { bulletinHtml } from '../print.js';
import { loadIssueFor } from '../repo.js';
import { IdParams } from '../schemas.js';

const user = { access: 'user' } as const;
const tags = ['期刊'];
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The issue as its reader may see it (a 摘发 reader gets the excerpt only); a GET records no receipt. */
async function bulletinFor(
  req: FastifyRequest,
  id: string,
): Promise<{ b: Bulletin; images: BulletinImages }> {
  const ctx = readContext(req);
  const loaded = await loadIssueFor(ctx, id, 'view');
  const b = toBulletin(await presentIssue(ctx, loaded));
  return { b, images: await loadBulletinImages(ctx, req.server.storage, b) };
}

/** DOCX and the printable page of an issue, in the layout of a government bulletin. */
export async function issueExportRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/issues/:id/docx',
    {
      config: user,
      schema: {
        tags,
        summary: '下载本期 Word 文档（红头、期号、版记）',
        params: IdParams,
        response: { 200: fileResponse([DOCX], '本期 Word 文档') },
      },
    },
    async (req, reply) => {
      const { b, images } = await bulletinFor(req, req.params.id);
      const buffer = await bulletinDocx(b, images);
      return reply
        .type(DOCX)
        .header('Content-Disposition', attachmentDisposition(bulletinFileName(b, 'docx'), 'issue.docx'))
        .send(buffer);
    },
  );

  app.get(
    '/api/issues/:id/print',
    {
      config: user,
      schema: {
        tags,
        summary: '本期打印页（A4 版式）',
        params: IdParams,
        response: { 200: fileResponse(['text/html'], '本期打印页 HTML') },
      },
    },
    async (req, reply) => {
      const { b } = await bulletinFor(req, req.params.id);
      return reply.type('text/html; charset=utf-8').send(bulletinHtml(b, req.cspNonce));
    },
  );
}
