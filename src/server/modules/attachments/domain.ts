/** Images only, jpg/png/gif, decided from the bytes (never from the name or the declared type). */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** 5 MB: a photo from a phone compressed once; larger pictures are refused with a message saying so. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** Rich text refers to an attachment by this path (outside /api/, so no API call hides in a document). */
export const FILE_PATH_PREFIX = '/files/';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const FILE_SRC_RE = new RegExp(`^${FILE_PATH_PREFIX}(${UUID})$`);

/** The image type from the first bytes, or null for anything else (HTML named .png, PDFs, …). */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b(i) === v)) return 'image/png';
  const head = String.fromCharCode(...bytes.subarray(0, 6));
  if (head === 'GIF87a' || head === 'GIF89a') return 'image/gif';
  return null;
}

/** Pixel size from the header (PNG IHDR, GIF screen descriptor, JPEG SOFn); null when unreadable. */
export function imageSize(bytes: Uint8Array, type: ImageType): { width: number; height: number } | null {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (type === 'image/png') return { width: dv.getUint32(16), height: dv.getUint32(20) };
    if (type === 'image/gif') return { width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1]!;
      const len = dv.getUint16(i + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
      if (isSof) return { height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
      i += 2 + len;
    }
  } catch {
    return null;
  }
  return null;
}

/** “图片过大（8.2 MB），请压缩到 5 MB 以内后重新插入” */
export function tooLargeMessage(bytes: number): string {
  return `图片过大（${(bytes / 1024 / 1024).toFixed(1)} MB），请压缩到 ${MAX_IMAGE_BYTES / 1024 / 1024} MB 以内后重新插入`;
}

/** Attachment ids referenced by sanitised rich text (img src="/files/<id>"). */
export function referencedAttachmentIds(html: string): string[] {
  const ids = new Set<string>();
  for (const m of html.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/gi)) {
    const hit = FILE_SRC_RE.exec(m[1] ?? '');
    if (hit) ids.add(hit[1]!);
  }
  return [...ids];
}
