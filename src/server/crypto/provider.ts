import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sm4Decrypt, sm4Encrypt } from './sm4.js';

/**
 * Cryptography behind one interface (GB/T 39786): node's OpenSSL SM3/SM4 for development; a certified
 * HSM/KMS implements the same interface in production.
 */
export interface CryptoProvider {
  /** HMAC-SM3, hex. */
  mac(data: string): string;
  sm3(data: string): string;
  /**
   * Encryption at rest (secrets such as second-factor keys): SM4-CBC with a random IV, then HMAC-SM3 over
   * version, IV and ciphertext (encrypt-then-MAC; node's OpenSSL has no SM4-GCM). Text `v1.<iv>.<ct>.<tag>`.
   */
  encrypt(plain: Buffer): string;
  /** Throws when the box was altered or made with another key. */
  decrypt(box: string): Buffer;
}

export function nodeCryptoProvider(key: Buffer): CryptoProvider {
  // Separate keys for MAC-ing the audit chain, encrypting and authenticating ciphertexts, derived from one.
  const derive = (label: string) => createHmac('sm3', key).update(label).digest();
  const encKey = derive('zx-at-rest-enc').subarray(0, 16);
  const tagKey = derive('zx-at-rest-mac');
  const tag = (iv: Buffer, ct: Buffer) =>
    createHmac('sm3', tagKey).update('v1').update(iv).update(ct).digest();
  return {
    mac: (data) => createHmac('sm3', key).update(data, 'utf8').digest('hex'),
    sm3: (data) => createHash('sm3').update(data, 'utf8').digest('hex'),
    encrypt: (plain) => {
      const iv = randomBytes(16);
      const ct = sm4Encrypt(plain, encKey, iv);
      return ['v1', iv, ct, tag(iv, ct)]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    decrypt: (box) => {
      const [v, ivText, ctText, tagText] = box.split('.');
      if (v !== 'v1' || !ivText || !ctText || !tagText) throw new Error('unknown ciphertext format');
      const iv = Buffer.from(ivText, 'base64url');
      const ct = Buffer.from(ctText, 'base64url');
      const expected = tag(iv, ct);
      const given = Buffer.from(tagText, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new Error('ciphertext authentication failed');
      return sm4Decrypt(ct, encKey, iv);
    },
  };
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
