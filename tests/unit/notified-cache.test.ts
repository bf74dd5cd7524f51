import { describe, expect, it } from 'vitest';
import { NotifiedCache, type Computed } from '../../src/server/db/notified-cache.js';

const T0 = Date.UTC(2026, 10, 26, 2, 0, 0);

function listening(options = { ttlMs: 10_000, maxEntries: 100 }) {
  const c = new NotifiedCache<string>(options);
  c.setListening(true);
  return c;
}

const answer = (value: string, ...subjects: string[]): Computed<string> => ({ value, subjects });

/** A computation the test finishes when it wants, counting how often it ran. */
function gate() {
  let runs = 0;
  let release: (c: Computed<string>) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const compute = () => {
    runs++;
    return new Promise<Computed<string>>((res, rej) => {
      release = res;
      fail = rej;
    });
  };
  return {
    compute,
    runs: () => runs,
    release: (c: Computed<string>) => release(c),
    fail: (e: Error) => fail(e),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

/** A reader of key `k` with a computation of its own, which the test finishes (`reading`: its answer). */
function reader(c: NotifiedCache<string>) {
  const g = gate();
  return { ...g, reading: c.read('k', g.compute) };
}

/** The next reader of `k` computes `value` (from `subjects`), and it is kept. */
async function nextComputesAndKeeps(c: NotifiedCache<string>, value: string, ...subjects: string[]) {
  const next = reader(c);
  await tick();
  next.release(answer(value, ...subjects));
  expect(await next.reading).toBe(value);
  expect(c.get('k', Date.now())).toBe(value);
}

describe('notified cache (answers kept until the database notifies a change to their subjects)', () => {
  it('serves a stored answer until its time to live', () => {
    const c = listening();
    expect(c.store('k', answer('v', 'hub', 'u1'), c.begin(), T0)).toBe(true);
    expect(c.get('k', T0 + 9_999)).toBe('v');
    expect(c.get('k', T0 + 10_000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('drops exactly the answers of a notified subject; `*` and null drop everything', () => {
    const c = listening();
    c.store('province', answer('p', 'P', 'C1', 'C2'), c.begin(), T0);
    c.store('city1', answer('c1', 'C1', 'K1', 'K2'), c.begin(), T0);
    c.store('city2', answer('c2', 'C2', 'K3'), c.begin(), T0);
    c.invalidate('K1');
    expect([c.get('province', T0), c.get('city1', T0), c.get('city2', T0)]).toEqual(['p', undefined, 'c2']);
    c.invalidate('C2');
    expect([c.get('province', T0), c.get('city2', T0)]).toEqual([undefined, undefined]);
    c.invalidate('unrelated');
    c.store('city1', answer('c1', 'C1', 'K1'), c.begin(), T0);
    c.invalidate('*');
    expect(c.get('city1', T0)).toBeUndefined();
    c.store('city1', answer('c1', 'C1', 'K1'), c.begin(), T0);
    c.invalidate(null);
    expect(c.size).toBe(0);
  });

  it('refuses an answer computed while one of its subjects changed, keeps one whose subjects did not', () => {
    const c = listening();
    const g = c.begin();
    c.invalidate('K2');
    expect(c.store('a', answer('stale', 'C1', 'K1', 'K2'), g, T0)).toBe(false);
    expect(c.store('b', answer('fine', 'C2', 'K3'), g, T0)).toBe(true);
    expect([c.get('a', T0), c.get('b', T0)]).toEqual([undefined, 'fine']);
    const g2 = c.begin();
    c.invalidate('*');
    expect(c.store('b', answer('fine', 'C2', 'K3'), g2, T0)).toBe(false);
  });

  it('neither serves nor keeps while the channel is down, and forgets what it held when it drops', () => {
    const c = new NotifiedCache<string>({ ttlMs: 10_000, maxEntries: 10 });
    expect(c.store('k', answer('v', 's'), c.begin(), T0)).toBe(false);
    c.setListening(true);
    const g = c.begin();
    c.store('k', answer('v', 's'), g, T0);
    c.setListening(false);
    expect(c.get('k', T0)).toBeUndefined();
    c.setListening(true);
    expect(c.get('k', T0)).toBeUndefined();
    // Begun before the outage: what was notified meanwhile is lost, so it is not kept.
    expect(c.store('k', answer('v', 's'), g, T0)).toBe(false);
  });

  it('evicts the oldest answer beyond its capacity, with its subjects', () => {
    const c = listening({ ttlMs: 10_000, maxEntries: 2 });
    c.store('a', answer('1', 'x'), c.begin(), T0);
    c.store('b', answer('2', 'y'), c.begin(), T0);
    c.store('c', answer('3', 'x'), c.begin(), T0);
    expect([c.get('a', T0), c.get('b', T0), c.get('c', T0)]).toEqual([undefined, '2', '3']);
    c.invalidate('x');
    expect([c.get('b', T0), c.get('c', T0)]).toEqual(['2', undefined]);
  });

  it('keeps what its answers weigh together under a bound, the oldest going first', () => {
    const c = new NotifiedCache<string>({
      ttlMs: 10_000,
      maxEntries: 100,
      maxWeight: 10,
      weigh: (v) => v.length,
    });
    c.setListening(true);
    c.store('a', answer('xxxx', 's1'), c.begin(), T0);
    c.store('b', answer('yyyy', 's2'), c.begin(), T0);
    expect(c.totalWeight).toBe(8);
    c.store('c', answer('zzzz', 's3'), c.begin(), T0);
    expect([c.get('a', T0), c.get('b', T0), c.get('c', T0)]).toEqual([undefined, 'yyyy', 'zzzz']);
    expect(c.totalWeight).toBe(8);
    // Replacing an answer counts it once; one heavier than the bound is never kept.
    c.store('c', answer('zz', 's3'), c.begin(), T0);
    expect(c.totalWeight).toBe(6);
    expect(c.store('d', answer('x'.repeat(11), 's4'), c.begin(), T0)).toBe(false);
    c.invalidate('s2');
    expect(c.totalWeight).toBe(2);
    c.invalidate('*');
    expect(c.totalWeight).toBe(0);
  });

  it('remembers a bounded number of changed subjects, then treats every earlier computation as changed', () => {
    const c = listening();
    const g = c.begin();
    for (let i = 0; i < 100_001; i++) c.invalidate(`s${i}`);
    expect(c.unchangedSince(g, ['never-notified'])).toBe(false);
    const g2 = c.begin();
    c.invalidate('s1');
    expect(c.unchangedSince(g2, ['never-notified'])).toBe(true);
    expect(c.unchangedSince(g2, ['s1'])).toBe(false);
  });

  it('runs one computation for concurrent readers of a key, and keeps it', async () => {
    const c = listening();
    const g = gate();
    const first = c.read('k', g.compute);
    const second = c.read('k', g.compute);
    await tick();
    g.release(answer('v', 'hub', 'u1'));
    expect(await Promise.all([first, second])).toEqual(['v', 'v']);
    expect(g.runs()).toBe(1);
    expect(await c.read('k', g.compute)).toBe('v');
    expect({ hits: c.hits, misses: c.misses }).toEqual({ hits: 2, misses: 1 });
  });

  it('a reader takes a shared answer begun before a change that came after the reader; it is not kept', async () => {
    const c = listening();
    const first = reader(c);
    const second = reader(c);
    await tick();
    // Both readers arrived before the change: the answer reflects everything notified before them.
    c.invalidate('u1');
    first.release(answer('before', 'hub', 'u1'));
    expect(await first.reading).toBe('before');
    await tick();
    expect(second.runs()).toBe(0);
    expect(await second.reading).toBe('before');
    // Overtaken by the change, it is not kept: the next reader computes.
    expect(c.get('k', Date.now())).toBeUndefined();
    await nextComputesAndKeeps(c, 'after', 'hub', 'u1');
  });

  it('a reader arriving after a change does not take an answer begun before it: it computes its own', async () => {
    const c = listening();
    const first = reader(c);
    await tick();
    c.invalidate('u1');
    const second = reader(c);
    first.release(answer('before', 'hub', 'u1'));
    expect(await first.reading).toBe('before');
    await tick();
    expect(second.runs()).toBe(1);
    second.release(answer('after', 'hub', 'u1'));
    expect(await second.reading).toBe('after');
    expect(c.get('k', Date.now())).toBe('after');
  });

  it('a change unrelated to the shared answer’s subjects does not stop a later reader taking it', async () => {
    const c = listening();
    const first = reader(c);
    await tick();
    c.invalidate('another-hub');
    const second = reader(c);
    first.release(answer('v', 'hub', 'u1'));
    expect(await Promise.all([first.reading, second.reading])).toEqual(['v', 'v']);
    expect(second.runs()).toBe(0);
    expect(c.get('k', Date.now())).toBe('v');
  });

  it('after a change overtakes the shared computation, the readers who arrived since share one new one', async () => {
    const c = listening();
    const first = reader(c);
    await tick();
    c.invalidate('u1');
    const late = Array.from({ length: 6 }, () => reader(c));
    first.release(answer('before', 'hub', 'u1'));
    expect(await first.reading).toBe('before');
    await tick();
    await tick();
    // One of the six computes; the other five wait for it instead of each computing.
    expect(late.map((r) => r.runs()).reduce((x, y) => x + y)).toBe(1);
    late.find((r) => r.runs() === 1)!.release(answer('after', 'hub', 'u1'));
    expect(await Promise.all(late.map((r) => r.reading))).toEqual(Array(6).fill('after'));
    expect({ hits: c.hits, misses: c.misses }).toEqual({ hits: 5, misses: 2 });
    expect(c.get('k', Date.now())).toBe('after');
  });

  it('a failed computation fails its own reader only: one waiting for it computes its own', async () => {
    const c = listening();
    const first = reader(c);
    const second = reader(c);
    await tick();
    first.fail(new Error('statement timeout'));
    await expect(first.reading).rejects.toThrow('statement timeout');
    await tick();
    second.release(answer('v', 'hub'));
    expect(await second.reading).toBe('v');
    expect(c.get('k', Date.now())).toBe('v');
  });

  it('after a failure each waiting reader computes its own: one failure is never waited out twice', async () => {
    const c = listening();
    const first = reader(c);
    const waiting = Array.from({ length: 3 }, () => reader(c));
    await tick();
    first.fail(new Error('statement timeout'));
    await expect(first.reading).rejects.toThrow('statement timeout');
    await tick();
    await tick();
    expect(waiting.map((r) => r.runs())).toEqual([1, 1, 1]);
    waiting.forEach((r, i) => r.release(answer(`v${i}`, 'hub')));
    expect(await Promise.all(waiting.map((r) => r.reading))).toEqual(['v0', 'v1', 'v2']);
  });

  it('a reader whose channel went down while it waited computes its own, and nothing is kept', async () => {
    const c = listening();
    const first = reader(c);
    const second = reader(c);
    await tick();
    c.setListening(false);
    first.release(answer('v1', 'hub'));
    expect(await first.reading).toBe('v1');
    await tick();
    expect(second.runs()).toBe(1);
    second.release(answer('v2', 'hub'));
    expect(await second.reading).toBe('v2');
    expect(c.size).toBe(0);
    // Back up: everything before is forgotten, the next reader computes and keeps.
    c.setListening(true);
    await nextComputesAndKeeps(c, 'v3', 'hub');
  });

  it('a reader waiting when everything is notified (`*`) takes a computation begun before only if it arrived before', async () => {
    const c = listening();
    const first = reader(c);
    const before = reader(c);
    await tick();
    c.invalidate('*');
    const after = reader(c);
    first.release(answer('old', 'hub'));
    expect(await Promise.all([first.reading, before.reading])).toEqual(['old', 'old']);
    await tick();
    expect(after.runs()).toBe(1);
    after.release(answer('new', 'hub'));
    expect(await after.reading).toBe('new');
    expect(c.get('k', Date.now())).toBe('new');
  });

  it('computes every time, shares and keeps nothing, while not listening', async () => {
    const c = new NotifiedCache<string>({ ttlMs: 10_000, maxEntries: 10 });
    const first = gate();
    const second = gate();
    const a = c.read('k', first.compute);
    const b = c.read('k', second.compute);
    await tick();
    expect([first.runs(), second.runs()]).toEqual([1, 1]);
    first.release(answer('v1', 's'));
    second.release(answer('v2', 's'));
    expect(await Promise.all([a, b])).toEqual(['v1', 'v2']);
    expect(c.size).toBe(0);
  });
});

describe('catching up before a read (the change feed)', () => {
  it('applies what the catch-up hears before looking at what is kept', async () => {
    let heard: (() => void) | null = null;
    const c = new NotifiedCache<string>({
      ttlMs: 10_000,
      maxEntries: 100,
      // The feed's read hands out a change to `hub` before it resolves.
      catchUp: async () => {
        heard?.();
        heard = null;
      },
    });
    c.setListening(true);
    expect(await c.read('k', async () => answer('old', 'hub'))).toBe('old');
    expect(await c.read('k', async () => answer('never', 'hub'))).toBe('old');
    heard = () => c.invalidate('hub');
    expect(await c.read('k', async () => answer('new', 'hub'))).toBe('new');
    expect(c.misses).toBe(2);
  });

  it('serves nothing kept when the catch-up left the channel unheard (the feed failed)', async () => {
    let fail = false;
    const c = new NotifiedCache<string>({
      ttlMs: 10_000,
      maxEntries: 100,
      catchUp: async () => {
        if (fail) c.setListening(false);
      },
    });
    c.setListening(true);
    expect(await c.read('k', async () => answer('kept', 'hub'))).toBe('kept');
    fail = true;
    expect(await c.read('k', async () => answer('computed', 'hub'))).toBe('computed');
    expect(c.size).toBe(0);
  });
});
