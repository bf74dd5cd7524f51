import { describe, expect, it } from 'vitest';
import { retryHint } from '../../src/server/modules/auth/throttle.js';

describe('the retry hint of a lock or a throttle (Beijing time)', () => {
  it('gives the time alone on the same day, and the day in Chinese when the wait crosses midnight', () => {
    // 23:40 in Beijing (15:40 UTC).
    const now = new Date('2026-11-26T15:40:00Z');
    expect(retryHint(new Date('2026-11-26T15:55:00Z'), now)).toBe('请于 23:55 后再试（约 15 分钟）');
    expect(retryHint(new Date('2026-11-26T16:10:00Z'), now)).toBe('请于 11月27日 00:10 后再试（约 30 分钟）');
    expect(retryHint(new Date('2026-12-31T16:10:00Z'), new Date('2026-12-31T15:59:30Z'))).toBe(
      '请于 1月1日 00:10 后再试（约 11 分钟）',
    );
  });
});
