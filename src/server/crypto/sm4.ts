import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * SM4 (GB/T 32907-2016) through node's OpenSSL, in CBC mode with PKCS#7 padding. A 16-byte key and a
 * 16-byte IV; the IV must be random for each message (callers store it beside the ciphertext). Node's
 * OpenSSL has no SM4-GCM, so callers needing integrity add an HMAC-SM3 (see CryptoProvider.encrypt).
 */
export function sm4Encrypt(plain: Buffer, key: Buffer, iv: Buffer, opts: { padding?: boolean } = {}): Buffer {
  const c = createCipheriv('sm4-cbc', key, iv);
  c.setAutoPadding(opts.padding ?? true);
  return Buffer.concat([c.update(plain), c.final()]);
}

export function sm4Decrypt(
  cipher: Buffer,
  key: Buffer,
  iv: Buffer,
  opts: { padding?: boolean } = {},
): Buffer {
  const d = createDecipheriv('sm4-cbc', key, iv);
  d.setAutoPadding(opts.padding ?? true);
  return Buffer.concat([d.update(cipher), d.final()]);
}
