import { describe, expect, it } from 'vitest';
import {
  baseWords,
  isKeyboardWalk,
  keyOf,
  passwordWeakness,
  unleet,
} from '../../src/server/modules/auth/password-strength.js';
import { isCommonPassword, passwordPolicyViolation } from '../../src/server/modules/auth/passwords.js';

const ctx = { username: 'wangfang' };
const weakness = (p: string, c: Parameters<typeof passwordWeakness>[1] = ctx) =>
  passwordWeakness(p, c, isCommonPassword);

describe('SEC-02 common-password list', () => {
  it('holds the published top 100,000, most frequent first', () => {
    for (const p of ['123456', 'password', 'qwerty', 'welcome', 'p@ssw0rd', 'admin', '1qaz2wsx3edc'])
      expect(isCommonPassword(p), p).toBe(true);
    expect(isCommonPassword('Password')).toBe(true); // case-insensitive
    expect(isCommonPassword('zx-very-unlikely-7Hq!p')).toBe(false);
  });
  it.each(['123456789012', 'password1234', 'qwertyuiop12', '1qaz2wsx3edc'])('%s is common', (p) => {
    expect(weakness(p)).toBe('common');
  });
});

describe('SEC-02 decorated common words', () => {
  it.each([
    'Password@2024',
    'Welcome@2024',
    'Welcome2024!',
    'Admin@123456',
    'P@ssw0rd1234',
    'P@ssw0rd@2025',
    '2024@Welcome',
    '!!Sunshine1234',
    'Monkey#1111',
    'Dragon@654321',
    'Iloveyou@2023',
  ])('%s fails', (p) => {
    expect(weakness(p)).toBe('common_base');
  });
  it.each(['Tiger#9384756!', 'Welcome#83d7Kq', 'Mango%Lantern22'])('%s passes (strong decoration)', (p) => {
    expect(weakness(p)).toBeNull();
  });
  it('splits off leading and trailing digits and symbols, and undoes leetspeak', () => {
    expect(baseWords('P@ssw0rd1234')).toEqual([
      { base: 'p@ssw0rd', prefix: '', suffix: '1234' },
      { base: 'password', prefix: '', suffix: '1234' },
    ]);
    expect(baseWords('2024@Welcome')).toEqual([{ base: 'welcome', prefix: '2024@', suffix: '' }]);
    expect(unleet('p@$$w0rd!')).toBe('passwordi');
  });
});

describe('SEC-02 keyboard walks', () => {
  it.each([
    'Qwerty@123456',
    '1qaz@WSX3edc',
    '1qaz2wsx3edc4rfv',
    '!QAZ2wsx#EDC',
    'zaq1@WSXcde3',
    'Asdfghjkl;12',
    'qazwsxedc123',
    'Zxcvbnm,./12',
    '1234qwerASDF',
    '!@#$QWERasdf',
    'Abcd@1234efgh',
    'poiuytrewq!@',
    'Aa111111111!',
  ])('%s is a walk', (p) => {
    expect(isKeyboardWalk(p)).toBe(true);
    expect(weakness(p, { username: 'nobody' })).not.toBeNull();
  });
  it.each(['Tr0ub4dor&3x', 'kX7#pL2@vQ9m', 'Hv8$yN3!cB5w', 'correct-Horse-battery9'])('%s is not', (p) => {
    expect(isKeyboardWalk(p)).toBe(false);
  });
  it('reads shifted symbols as their keys', () => {
    expect(['!', '@', 'Q', '{', ':', '?'].map(keyOf)).toEqual(['1', '2', 'q', '[', ';', '/']);
  });
});

describe('SEC-02 own name, login name and unit code', () => {
  it('refuses the login name in any case, also in leetspeak', () => {
    expect(weakness('Wangfang#8Kq2')).toBe('contains_username');
    expect(weakness('W@ngf@ng#8Kq2')).toBe('contains_username');
  });
  it('refuses the name in pinyin or Latin letters, and the Chinese name itself', () => {
    const c = { username: 'u1001', displayName: '王芳', namePinyin: ['wangfang', 'fang'] };
    expect(weakness('Xq7!WangFang9', c)).toBe('contains_name');
    expect(weakness('Xq7!王芳2024k', c)).toBe('contains_name');
    expect(weakness('Xq7#Lu5!Yi8kz', { username: 'u1002', displayName: 'Lu Yi' })).toBeNull(); // parts < 3
    expect(weakness('Xq7#Li5!Ming8', { username: 'u1002', displayName: 'Li Ming' })).toBe('contains_name');
    expect(weakness('Xq7#Robert5!k', { username: 'u1003', displayName: 'Robert Li' })).toBe('contains_name');
  });
  it('derives the pinyin of a Chinese name when none is given: full name, given name, surname', () => {
    const zhang = { username: 'u1004', displayName: '张三丰' };
    expect(weakness('Zhangsanfeng@1', zhang)).toBe('contains_name');
    expect(weakness('Xq7!SanFeng#9k', zhang)).toBe('contains_name');
    expect(weakness('Zhang#Xq7!k9Lm', zhang)).toBe('contains_name');
    // A surname is read as a surname (单 is shan, not dan), and unrelated passwords pass.
    expect(weakness('Shan#Xq7!k9Lm2', { username: 'u1005', displayName: '单雄信' })).toBe('contains_name');
    expect(weakness('Dan#Xq7!k9Lm2w', { username: 'u1005', displayName: '单雄信' })).toBeNull();
    expect(weakness('Xq7#Lm9!kT2pw', zhang)).toBeNull();
  });
  it('refuses the unit code, whole or without trailing zeros', () => {
    const c = { username: 'u1001', unitCodes: ['330100'] };
    expect(weakness('Kq#330100mzT', c)).toBe('contains_unit');
    expect(weakness('Kq#3301!mzTx', c)).toBe('contains_unit');
    expect(weakness('Kq#8871!mzTx', c)).toBeNull();
  });
});

describe('SEC-02 policy as applied to every password a person chooses', () => {
  it.each(['Password@2024', 'Welcome@2024', 'Qwerty@123456', '1qaz@WSX3edc'])('%s is refused', (p) => {
    expect(passwordPolicyViolation(p, 'liwei')).not.toBeNull();
  });
  it('accepts a strong password and passes the name and unit context through', () => {
    expect(passwordPolicyViolation('Lantern#Mango82x', 'liwei')).toBeNull();
    expect(passwordPolicyViolation('Lantern#330100x', 'liwei', undefined, { unitCodes: ['330100'] })).toBe(
      '密码不能包含单位代码',
    );
  });
});
