import { describe, expect, it } from 'vitest';
import { groupRows, parseSnapshot } from '../../src/server/db/change-feed.js';

describe('change feed snapshots and rows', () => {
  it('reads pg_current_snapshot() text, 64-bit ids included', () => {
    expect(parseSnapshot('10:20:')).toEqual({ xmin: 10n, xmax: 20n, xip: [] });
    expect(parseSnapshot('10:20:10,13,17')).toEqual({ xmin: 10n, xmax: 20n, xip: [10n, 13n, 17n] });
    expect(parseSnapshot('4294967396:4294967400:4294967397')).toEqual({
      xmin: 4294967396n,
      xmax: 4294967400n,
      xip: [4294967397n],
    });
    for (const bad of ['', '1:2', '1:2:3:4', 'a:b:', '1:2:x'])
      expect(() => parseSnapshot(bad), bad).toThrow(/unexpected snapshot/);
  });

  it('hands each subject out once per channel per read', () => {
    const grouped = groupRows([
      ['zx_scoring', 'hub'],
      ['zx_notifications', 'a,b'],
      ['zx_scoring', 'hub'],
      ['zx_scoring', 'unit'],
    ]);
    expect([...grouped].map(([ch, s]) => [ch, [...s]])).toEqual([
      ['zx_scoring', ['hub', 'unit']],
      ['zx_notifications', ['a,b']],
    ]);
  });
});
