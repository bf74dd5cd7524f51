import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Cryptography behind one interface (GB/T 39786): node's OpenSSL SM3 for development; a certified
 * HSM/KMS implements the same interface in production.
 */
export interface CryptoProvider {
  /** HMAC-SM3, hex. */
  mac(data: string): string;
  sm3(data: string): string;
}

export function nodeCryptoProvider(key: Buffer): CryptoProvider {
  return {
    mac: (data) => createHmac('sm3', key).update(data, 'utf8').digest('hex'),
    sm3: (data) => createHash('sm3').update(data, 'utf8').digest('hex'),
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
