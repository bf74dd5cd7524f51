import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../../../http/errors.js';
import type { UseCaseContext } from '../../../http/context.js';
import { auditAction } from '../../audit/audit.js';
import { imageSize, MAX_IMAGE_BYTES, sniffImage, tooLargeMessage } from '../domain.js';
import { attachments } from '../schema.js';
import type { AttachmentStorage } from '../storage.js';

/**
 * Stores an uploaded image: the type is sniffed from the bytes (a PNG renamed .jpg is a PNG; HTML named
 * .png is refused), the size is capped, the bytes go to the store under their SHA-256, and the row and
 * its audit entry are written in the request's transaction.
 */
export async function uploadAttachment(
  ctx: UseCaseContext,
  storage: AttachmentStorage,
  input: { bytes: Buffer; fileName: string },
) {
  if (input.bytes.length === 0)
    throw new AppError('validation', '文件为空，请重新选择图片', { field: 'file' });
  if (input.bytes.length > MAX_IMAGE_BYTES)
    throw new AppError('too_large', tooLargeMessage(input.bytes.length), { field: 'file' });
  const mime = sniffImage(input.bytes);
  if (!mime)
    throw new AppError('validation', '只能插入 JPG、PNG 或 GIF 格式的图片，该文件不是有效的图片', {
      field: 'file',
    });
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  if (!(await storage.exists(sha256))) await storage.put(sha256, input.bytes);
  const size = imageSize(input.bytes, mime);
  // eslint-disable-next-line no-control-regex -- control characters never belong in a displayed file name
  const fileName = input.fileName.replace(/[\u0000-\u001f\\/]/g, '_').slice(0, 200) || 'image';
  const [row] = await ctx.tx
    .insert(attachments)
    .values({
      id: randomUUID(),
      sha256,
      mime,
      byteSize: input.bytes.length,
      width: size?.width ?? null,
      height: size?.height ?? null,
      fileName,
      storageKey: sha256,
      uploadedBy: ctx.actor.userId,
      createdAt: ctx.now,
    })
    .returning();
  await auditAction(
    ctx,
    'attachment.upload',
    { type: 'attachment', id: row!.id },
    {
      mime,
      bytes: input.bytes.length,
      sha256,
    },
  );
  return row!;
}
