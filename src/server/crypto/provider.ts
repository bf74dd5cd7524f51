import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
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
  /**
   * Names the key `seal` uses (a MAC of the key, not the key): stored in each sealed box so a provider
   * holding several keys (rotation, an HSM) can tell which one opens it.
   */
  readonly keyId: string;
  /**
   * Encryption at rest bound to a context (personal data, SECURITY.md §22): SM4-CBC with a random IV, then
   * HMAC-SM3 over version, key id, context, IV and ciphertext. Text `v2.<keyId>.<iv>.<ct>.<tag>`. The
   * context (e.g. `users.phone:<user id>`) is not stored: a box copied to another field or row fails to open.
   */
  seal(plain: Buffer, context: string): string;
  /** Throws (fails closed) when the box was altered, made with another key or for another context. */
  open(box: string, context: string): Buffer;
  /**
   * Blind index for exact-match lookups of encrypted values: HMAC-SM3 under a key of its own (neither the
   * encryption, tag nor audit key), separated by context, hex.
   */
  blindIndex(context: string, value: string): string;
}

export function nodeCryptoProvider(keyBytes: Buffer): CryptoProvider {
  // The MAC keys are KeyObjects made once: createHmac with a Buffer imports the key anew on every call,
  // which cost 18 µs an HMAC against 4 (node 24), most of the audit sealer's CPU.
  const key = createSecretKey(keyBytes);
  // Separate keys for MAC-ing the audit chain, encrypting and authenticating ciphertexts, derived from one.
  const derive = (label: string) => createHmac('sm3', key).update(label).digest();
  const encKey = derive('zx-at-rest-enc').subarray(0, 16);
  const tagKey = createSecretKey(derive('zx-at-rest-mac'));
  const tag = (iv: Buffer, ct: Buffer) =>
    createHmac('sm3', tagKey).update('v1').update(iv).update(ct).digest();
  const sealKey = derive('zx-personal-enc').subarray(0, 16);
  const sealTagKey = createSecretKey(derive('zx-personal-mac'));
  const indexKey = createSecretKey(derive('zx-blind-index'));
  const keyId = derive('zx-key-id').subarray(0, 6).toString('hex');
  // Length-prefixed fields, so no two (context, iv, ct) splits authenticate the same bytes.
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const sealTag = (kid: string, context: string, iv: Buffer, ct: Buffer) =>
    createHmac('sm3', sealTagKey)
      .update('v2')
      .update(field(Buffer.from(kid)))
      .update(field(Buffer.from(context, 'utf8')))
      .update(field(iv))
      .update(field(ct))
      .digest();
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
    keyId,
    seal: (plain, context) => {
      const iv = randomBytes(16);
      const ct = sm4Encrypt(plain, sealKey, iv);
      const t = sealTag(keyId, context, iv, ct);
      return ['v2', keyId, ...[iv, ct, t].map((b) => b.toString('base64url'))].join('.');
    },
    open: (box, context) => {
      const parts = box.split('.');
      const [v, kid, ivText, ctText, tagText] = parts;
      if (parts.length !== 5 || v !== 'v2' || !kid || !ivText || !ctText || !tagText)
        throw new Error('unknown ciphertext format');
      if (kid !== keyId) throw new Error(`ciphertext made with another key (${kid})`);
      const iv = Buffer.from(ivText, 'base64url');
      const ct = Buffer.from(ctText, 'base64url');
      const expected = sealTag(kid, context, iv, ct);
      const given = Buffer.from(tagText, 'base64url');
      if (iv.length !== 16 || given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new Error('ciphertext authentication failed');
      return sm4Decrypt(ct, sealKey, iv);
    },
    blindIndex: (context, value) =>
      createHmac('sm3', indexKey)
        .update(field(Buffer.from(context, 'utf8')))
        .update(value, 'utf8')
        .digest('hex'),
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
