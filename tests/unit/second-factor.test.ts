import { describe, expect, it } from 'vitest';
import { nodeCryptoProvider } from '../../src/server/crypto/provider.js';
import { sm4Decrypt, sm4Encrypt } from '../../src/server/crypto/sm4.js';
import {
  hashRecoveryCode,
  newRecoveryCodes,
  secondFactorProvider,
  totpProvider,
} from '../../src/server/modules/auth/second-factor.js';
import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  otpauthUri,
  timeStep,
  totp,
} from '../../src/server/modules/auth/totp.js';

// RFC 6238 Appendix B: the seeds are the ASCII strings below (20, 32 and 64 bytes), 8 digits.
const SEED_SHA1 = Buffer.from('12345678901234567890');
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012');
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');
const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it('SEC-06 matches the RFC 6238 test vectors (SHA-1, SHA-256, SHA-512)', () => {
    for (const [t, sha1, sha256, sha512] of VECTORS) {
      expect(totp(SEED_SHA1, t * 1000, 8, 'sha1')).toBe(sha1);
      expect(totp(SEED_SHA256, t * 1000, 8, 'sha256')).toBe(sha256);
      expect(totp(SEED_SHA512, t * 1000, 8, 'sha512')).toBe(sha512);
    }
  });

  it('SEC-06 matches the RFC 4226 HOTP vectors (6 digits)', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583'];
    expected.forEach((code, counter) => expect(hotp(SEED_SHA1, counter)).toBe(code));
  });

  it('SEC-06 accepts one step either side of now and nothing further', () => {
    const at = 1_700_000_000_000;
    const step = timeStep(at);
    expect(matchTotp(SEED_SHA1, hotp(SEED_SHA1, step), at, null)).toBe(step);
    expect(matchTotp(SEED_SHA1, hotp(SEED_SHA1, step - 1), at, null)).toBe(step - 1);
    expect(matchTotp(SEED_SHA1, hotp(SEED_SHA1, step + 1), at, null)).toBe(step + 1);
    expect(matchTotp(SEED_SHA1, hotp(SEED_SHA1, step - 2), at, null)).toBeNull();
    expect(matchTotp(SEED_SHA1, hotp(SEED_SHA1, step + 2), at, null)).toBeNull();
    expect(matchTotp(SEED_SHA1, 'abcdef', at, null)).toBeNull();
    expect(matchTotp(SEED_SHA1, '1234567', at, null)).toBeNull();
  });

  it('SEC-06 refuses a replayed code (same or earlier step than the last accepted)', () => {
    const at = 1_700_000_000_000;
    const step = timeStep(at);
    const code = hotp(SEED_SHA1, step);
    expect(matchTotp(SEED_SHA1, code, at, step)).toBeNull();
    expect(matchTotp(SEED_SHA1, hotp(SEED_SHA1, step - 1), at, step)).toBeNull();
    expect(matchTotp(SEED_SHA1, hotp(SEED_SHA1, step + 1), at, step)).toBe(step + 1);
  });

  it('SEC-06 base32 round-trips and the otpauth URI carries the secret and parameters', () => {
    expect(base32Encode(Buffer.from('12345678901234567890'))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString()).toBe('12345678901234567890');
    const text = otpauthUri(SEED_SHA1, 'zhang.san', '政讯');
    expect(decodeURIComponent(text.split('?')[0]!)).toBe('otpauth://totp/政讯:zhang.san');
    const uri = new URL(text);
    expect(uri.searchParams.get('secret')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('digits')).toBe('6');
  });

  it('SEC-06 the TOTP provider enrols with a fresh secret and verifies a current code', async () => {
    const started = await totpProvider.enrolStart({ username: 'li.si' });
    expect(started.material.length).toBe(20);
    const now = new Date();
    const code = totp(started.material, now.getTime());
    expect(await totpProvider.enrolConfirm(started.material, code, now)).toEqual({
      ok: true,
      step: timeStep(now.getTime()),
    });
    expect(await totpProvider.verify(started.material, code, now, timeStep(now.getTime()))).toEqual({
      ok: false,
    });
  });

  it('SEC-06 the SM2/UKey slot refuses with "not configured" until a provider is registered', async () => {
    const p = secondFactorProvider('sm2-ukey');
    await expect(p.enrolStart({ username: 'x' })).rejects.toThrow(/尚未配置/);
    await expect(p.verify(Buffer.alloc(0), '', new Date(), null)).rejects.toThrow(/尚未配置/);
  });

  it('SEC-06 recovery codes: ten, distinct, high-entropy, hashed independently of format', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect(hashRecoveryCode(codes[0]!)).toBe(
      hashRecoveryCode(` ${codes[0]!.toUpperCase().replace(/-/g, '')} `),
    );
  });
});

describe('SM4 and encryption at rest', () => {
  it('SEC-06 SM4 matches the GB/T 32907 example', () => {
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const ct = sm4Encrypt(key, key, Buffer.alloc(16), { padding: false });
    expect(ct.toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    expect(sm4Decrypt(ct, key, Buffer.alloc(16), { padding: false }).toString('hex')).toBe(
      key.toString('hex'),
    );
  });

  it('SEC-06 the crypto provider encrypts with a random IV and refuses altered or foreign boxes', () => {
    const p = nodeCryptoProvider(Buffer.from('test-key'));
    const secret = Buffer.from('12345678901234567890');
    const a = p.encrypt(secret);
    const b = p.encrypt(secret);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret.toString('base64url'));
    expect(p.decrypt(a).equals(secret)).toBe(true);
    const parts = a.split('.');
    const ct = Buffer.from(parts[2]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[2] = ct.toString('base64url');
    expect(() => p.decrypt(parts.join('.'))).toThrow(/authentication/);
    expect(() => nodeCryptoProvider(Buffer.from('other-key')).decrypt(a)).toThrow(/authentication/);
  });
});
