import type { UseCaseContext } from '../../../http/context.js';
import type { Bulletin } from '../../periodicals/bulletin.js';
import type { BulletinImages } from '../../periodicals/docx.js';
import { FILE_SRC_RE, imageSize, sniffImage } from '../domain.js';
import { visibleAttachments } from '../policy.js';
import type { AttachmentStorage } from '../storage.js';

const DOCX_TYPE = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif' } as const;

/** The bytes of every image an issue prints that its reader may see, for the DOCX. */
export async function loadBulletinImages(
  ctx: UseCaseContext,
  storage: AttachmentStorage,
  b: Bulletin,
): Promise<BulletinImages> {
  const srcs = new Set<string>();
  for (const e of b.entries) for (const k of e.blocks) if (k.kind === 'figure' && k.src) srcs.add(k.src);
  const ids = [...srcs].map((s) => FILE_SRC_RE.exec(s)?.[1]).filter((x): x is string => Boolean(x));
  const out = new Map<string, { data: Buffer; type: 'png' | 'jpg' | 'gif'; width: number; height: number }>();
  for (const a of await visibleAttachments(ctx, ids)) {
    const data = await storage.get(a.storageKey);
    const mime = data ? sniffImage(data) : null;
    const size = data && mime ? imageSize(data, mime) : null;
    if (data && mime && size) out.set(`/files/${a.id}`, { data, type: DOCX_TYPE[mime], ...size });
  }
  return out;
}
