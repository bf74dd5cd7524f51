import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCryptoProvider } from '../../src/server/crypto/provider.js';
import { sm4Decrypt, sm4Encrypt } from '../../src/server/crypto/sm4.js';

/**
 * SECURITY.md §23: the cryptography behind the provider interface gives the standards' own answers.
 * SM3: GB/T 32905-2016 appendix A; SM4: GB/T 32907-2016 appendix A.
 */
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('SEC-23 known-answer tests', () => {
  const provider = nodeCryptoProvider(Buffer.from('kat-key'));

  it('SM3 of "abc" and of the 64-byte message', () => {
    expect(provider.sm3('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(provider.sm3('abcd'.repeat(16))).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  it('SM4 encrypts the standard’s block, once and a million times', () => {
    const key = hex('0123456789abcdeffedcba9876543210');
    // One block with a zero IV and no padding is the block cipher itself.
    const once = sm4Encrypt(key, key, Buffer.alloc(16), { padding: false });
    expect(once.toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    expect(sm4Decrypt(once, key, Buffer.alloc(16), { padding: false })).toEqual(key);
    const ecb = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    let block = key;
    for (let i = 0; i < 1_000_000; i++) block = ecb.update(block);
    expect(block.toString('hex')).toBe('595298c7c6fd271f0402f804c33d3f66');
  });

  it('the provider’s encryption at rest round-trips and refuses an altered box', () => {
    const box = provider.encrypt(Buffer.from('13800138000'));
    expect(provider.decrypt(box).toString()).toBe('13800138000');
    const parts = box.split('.');
    const ct = Buffer.from(parts[2]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[2] = ct.toString('base64url');
    expect(() => provider.decrypt(parts.join('.'))).toThrow(/authentication/);
    expect(() => nodeCryptoProvider(Buffer.from('other')).decrypt(box)).toThrow();
  });

  it('the MAC, the blind index and the sealed boxes of a key stay what they were (stored chains still verify)', () => {
    // Values written by the provider before its keys became KeyObjects made once: audit rows sealed, phone
    // numbers indexed and boxes sealed then must verify, match and open now.
    expect(provider.mac('abc')).toBe('353c85f0588b34f649b5a550069120c6fcb3a47ac56f3b544cc5072933e47692');
    expect(provider.blindIndex('users.phone', '13800138000')).toBe(
      '0b40e82682a39d874e7a13ff845d04d1fb97e7e3c45568d5b071d1c761d1b18a',
    );
    expect(provider.keyId).toBe('21a7159e39b1');
    const old =
      'v2.21a7159e39b1.mI6LzC-0FlTyLY9Yekvevg.JG3m74f5LXC59RZEkVCbmg.teCxzLTk0-NVD0NSfxc5zp31mihn0xy5NpjCgR19hDY';
    expect(provider.open(old, 'users.phone:1').toString()).toBe('13800138000');
    expect(() => provider.open(old, 'users.phone:2')).toThrow(/authentication/);
  });
});
