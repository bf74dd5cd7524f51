import { describe, expect, it } from 'vitest';
import { nodeCryptoProvider } from '../../src/server/crypto/provider.js';
import {
  maskPersonal,
  maskSealed,
  normalizePersonal,
  openPersonal,
  personalIndex,
  sealPersonal,
  UNREADABLE_MASK,
  USER_PHONE,
  type PersonalField,
} from '../../src/server/crypto/personal-data.js';

/** SECURITY.md §22: personal data encrypted at rest (SM4 behind the provider), masked, blind-indexed. */
const provider = nodeCryptoProvider(Buffer.from('pii-test-key'));
const ID_NUMBER: PersonalField = { name: 'applicants.id_number', kind: 'idNumber' };
const ROW = '5f0c5b5e-0000-4000-8000-000000000001';
const OTHER_ROW = '5f0c5b5e-0000-4000-8000-000000000002';

/** Flips one bit of one base64url part of a `v2.<kid>.<iv>.<ct>.<tag>` box. */
function flip(box: string, part: number): string {
  const parts = box.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SEC-22 personal data module', () => {
  it('SEC-22 round trip: a phone and an ID number come back as entered; the box names version and key', () => {
    const phone = sealPersonal(USER_PHONE, ROW, '138 0013 8000', provider);
    expect(openPersonal(USER_PHONE, ROW, phone.enc, provider)).toBe('138 0013 8000');
    const [version, keyId, iv, ct, tag] = phone.enc.split('.');
    expect(version).toBe('v2');
    expect(keyId).toBe(provider.keyId);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ct!, 'base64url').length % 16).toBe(0); // SM4 blocks
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(32); // HMAC-SM3
    const id = sealPersonal(ID_NUMBER, ROW, '11010519491231002x', provider);
    expect(openPersonal(ID_NUMBER, ROW, id.enc, provider)).toBe('11010519491231002x');
  });

  it('SEC-22 the ciphertext hides the value: random IV, no digits of the number, same value twice differs', () => {
    const a = sealPersonal(USER_PHONE, ROW, '13800138000', provider).enc;
    const b = sealPersonal(USER_PHONE, ROW, '13800138000', provider).enc;
    expect(a).not.toBe(b);
    expect(a).not.toContain('13800138000');
    expect(a).not.toContain('38000');
    expect(a).not.toContain(Buffer.from('13800138000').toString('base64url'));
  });

  it('SEC-22 tamper detection fails closed: any altered part, another row, field or key does not open', () => {
    const { enc } = sealPersonal(USER_PHONE, ROW, '13800138000', provider);
    for (const part of [2, 3, 4])
      expect(() => openPersonal(USER_PHONE, ROW, flip(enc, part), provider)).toThrow();
    expect(() => openPersonal(USER_PHONE, ROW, enc.replace(/^v2/, 'v1'), provider)).toThrow(/format/);
    expect(() => openPersonal(USER_PHONE, ROW, enc.split('.').slice(0, 4).join('.'), provider)).toThrow();
    // A box copied to another account, or into another field, is refused.
    expect(() => openPersonal(USER_PHONE, OTHER_ROW, enc, provider)).toThrow(/authentication/);
    expect(() => openPersonal(ID_NUMBER, ROW, enc, provider)).toThrow(/authentication/);
    // Another key: refused by its key id before any decryption.
    expect(() => openPersonal(USER_PHONE, ROW, enc, nodeCryptoProvider(Buffer.from('other')))).toThrow(
      /another key/,
    );
    const forged = enc.split('.');
    forged[1] = nodeCryptoProvider(Buffer.from('other')).keyId;
    expect(() =>
      openPersonal(USER_PHONE, ROW, forged.join('.'), nodeCryptoProvider(Buffer.from('other'))),
    ).toThrow(/authentication/);
    // Presenters never show a broken value, plain or encrypted.
    expect(maskSealed(USER_PHONE, OTHER_ROW, enc, provider)).toBe(UNREADABLE_MASK);
    expect(maskSealed(USER_PHONE, ROW, null, provider)).toBeNull();
    expect(maskSealed(USER_PHONE, ROW, enc, provider)).toBe('138****8000');
  });

  it('SEC-22 the v1 at-rest boxes (second-factor secrets) are not confused with personal-data boxes', () => {
    const v1 = provider.encrypt(Buffer.from('13800138000'));
    expect(() => openPersonal(USER_PHONE, ROW, v1, provider)).toThrow();
    const { enc } = sealPersonal(USER_PHONE, ROW, '13800138000', provider);
    expect(() => provider.decrypt(enc)).toThrow();
  });

  it('SEC-22 mask formats: phone 138****1234, ID number 110***********1234, generic keeps the ends', () => {
    expect(maskPersonal('phone', '13812341234')).toBe('138****1234');
    expect(maskPersonal('phone', '138-1234-1234')).toBe('138****1234');
    expect(maskPersonal('phone', '+86 138 1234 1234')).toBe('+86*******1234');
    expect(maskPersonal('phone', '010-12345678')).toBe('010****5678');
    expect(maskPersonal('phone', '12345')).toBe('***45');
    expect(maskPersonal('idNumber', '110105194912310021')).toBe('110***********0021');
    expect(maskPersonal('idNumber', '11010519491231002x')).toBe('110***********002X');
    expect(maskPersonal('idNumber', '110105491231002')).toBe('110********1002');
    expect(maskPersonal('generic', '张三丰')).toBe('张*丰');
    expect(maskPersonal('generic', '张三')).toBe('张*');
    expect(maskPersonal('generic', '张')).toBe('*');
    expect(maskPersonal('generic', '北京市海淀区')).toBe('北****区');
    for (const [kind, v] of [
      ['phone', '13856781234'],
      ['idNumber', '110105194912310021'],
    ] as const) {
      const m = maskPersonal(kind, v);
      expect(m).toHaveLength(v.length);
      expect(m).not.toContain(v.slice(3, -4));
    }
  });

  it('SEC-22 blind index: stable per value and field, blind to formatting, separate from row and key', () => {
    const a = personalIndex(USER_PHONE, '13800138000', provider);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(personalIndex(USER_PHONE, '138-0013-8000', provider)).toBe(a);
    expect(personalIndex(USER_PHONE, ' 138 0013 8000 ', provider)).toBe(a);
    expect(sealPersonal(USER_PHONE, ROW, '13800138000', provider).index).toBe(a);
    expect(sealPersonal(USER_PHONE, OTHER_ROW, '13800138000', provider).index).toBe(a);
    expect(personalIndex(USER_PHONE, '13800138001', provider)).not.toBe(a);
    // Another field, another key: unrelated indexes; never the audit MAC or a plain hash of the value.
    expect(personalIndex({ name: 'applicants.phone', kind: 'phone' }, '13800138000', provider)).not.toBe(a);
    expect(personalIndex(USER_PHONE, '13800138000', nodeCryptoProvider(Buffer.from('other')))).not.toBe(a);
    expect(a).not.toBe(provider.mac('13800138000'));
    expect(a).not.toBe(provider.sm3('13800138000'));
    // Stable across provider instances with the same key (a restart finds the same rows).
    expect(personalIndex(USER_PHONE, '13800138000', nodeCryptoProvider(Buffer.from('pii-test-key')))).toBe(a);
    expect(normalizePersonal('idNumber', ' 11010519491231002x ')).toBe('11010519491231002X');
  });
});
