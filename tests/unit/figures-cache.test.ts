import { afterEach, describe, expect, it, vi } from 'vitest';
import { FiguresCache, type FiguresSource } from '../../src/server/modules/scoring/figures-cache.js';
import type { UnitFigures } from '../../src/server/modules/scoring/ranking.js';
import { unitFigures } from '../helpers/unit-figures.js';

/** A unit's figures: only `submitted` varies here (the "version" of its figures). */
const fig = (id: string, submitted: number) =>
  unitFigures({ org_id: id, submitted, submitted_county: submitted });

/** The answer derived from figures: `unit=submitted` pairs in id order. */
const describeFigures = (figures: Iterable<UnitFigures>) =>
  [...figures]
    .map((f) => `${f.org_id}=${f.submitted}`)
    .sort()
    .join(' ');

/**
 * The database as the cache sees it: each unit's current figures (`set` changes one), and every statement
 * run — held until the test releases it when `held`, so that changes can land while it runs.
 */
function database(units: string[]) {
  const current = new Map(units.map((u) => [u, 0]));
  const calls: string[][] = [];
  const pending: (() => void)[] = [];
  let held = false;
  let failNext = false;
  const answer = async (ids: string[]) => {
    calls.push(ids);
    if (failNext) {
      failNext = false;
      throw new Error('statement timeout');
    }
    // The statement's snapshot is taken when it starts.
    const snapshot = new Map(ids.map((id) => [id, fig(id, current.get(id)!)]));
    if (held) await new Promise<void>((r) => pending.push(r));
    return snapshot;
  };
  const source: FiguresSource<UnitFigures> = {
    all: () => answer([...current.keys()]),
    units: (ids) => answer(ids),
  };
  return {
    source,
    calls,
    set: (unit: string, submitted: number) => current.set(unit, submitted),
    hold: (on: boolean) => (held = on),
    failNext: () => (failNext = true),
    release: () => pending.splice(0).forEach((r) => r()),
    pending: () => pending.length,
  };
}

function cache(options: Partial<ConstructorParameters<typeof FiguresCache>[0]> = {}) {
  const c = new FiguresCache(
    { ttlMs: 10_000, maxEntries: 100, maxUnits: 1_000, ...options },
    describeFigures,
  );
  c.setListening(true);
  return c;
}

const tick = () => new Promise((r) => setImmediate(r));

/** Until `ready` holds (a statement has started), a turn of the event loop at a time. */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ready(); i++) await tick();
  expect(ready()).toBe(true);
}

afterEach(() => vi.useRealTimers());

describe('figures cache (rankings kept as units’ figures, refreshed unit by unit)', () => {
  it('computes a ranking once, then answers from memory', async () => {
    const c = cache();
    const db = database(['a', 'b', 'c']);
    expect(await c.read('H:year', 'H', db.source)).toBe('a=0 b=0 c=0');
    expect(await c.read('H:year', 'H', db.source)).toBe('a=0 b=0 c=0');
    expect(db.calls).toEqual([['a', 'b', 'c']]);
    expect([c.hits, c.misses, c.totalUnits]).toEqual([1, 1, 3]);
  });

  it('recomputes only the units a change names, in every ranking holding them', async () => {
    const c = cache();
    const db = database(['a', 'b', 'c']);
    await c.read('H:year', 'H', db.source);
    await c.read('H:month', 'H', db.source);
    await c.read('G:year', 'G', db.source);
    db.calls.length = 0;
    db.set('b', 5);
    c.invalidate('b');
    expect(await c.read('H:year', 'H', db.source)).toBe('a=0 b=5 c=0');
    expect(await c.read('G:year', 'G', db.source)).toBe('a=0 b=5 c=0');
    expect(db.calls).toEqual([['b'], ['b']]);
    expect(await c.read('H:year', 'H', db.source)).toBe('a=0 b=5 c=0');
    expect(db.calls).toHaveLength(2);
    expect([c.refreshes, c.refreshedUnits]).toEqual([2, 2]);
  });

  it('a hub’s ledger change marks the unit in that hub’s rankings only', async () => {
    const c = cache();
    const db = database(['a', 'b']);
    await c.read('H:year', 'H', db.source);
    await c.read('G:year', 'G', db.source);
    db.calls.length = 0;
    c.invalidate('H/a');
    await c.read('G:year', 'G', db.source);
    expect(db.calls).toEqual([]);
    await c.read('H:year', 'H', db.source);
    expect(db.calls).toEqual([['a']]);
  });

  it('drops a hub’s rankings on `hub:<id>`, every ranking on `*`, an empty payload or null', async () => {
    const c = cache();
    const db = database(['a']);
    await c.read('H:year', 'H', db.source);
    await c.read('G:year', 'G', db.source);
    c.invalidate('hub:H');
    expect(c.size).toBe(1);
    for (const subject of ['*', '', null]) {
      await c.read('H:year', 'H', db.source);
      c.invalidate(subject);
      expect(c.size).toBe(0);
      expect(c.totalUnits).toBe(0);
    }
  });

  it('readers arriving during a refresh share it; a change landing during it is refreshed before answering', async () => {
    const c = cache();
    const db = database(['a', 'b', 'c']);
    await c.read('H:year', 'H', db.source);
    db.calls.length = 0;
    db.hold(true);
    db.set('a', 1);
    c.invalidate('a');
    const first = c.read('H:year', 'H', db.source);
    const second = c.read('H:year', 'H', db.source);
    await tick();
    expect(db.calls).toEqual([['a']]);
    // Committed (and heard) while the refresh's statement runs: a later reader must see it.
    db.set('c', 7);
    c.invalidate('c');
    const third = c.read('H:year', 'H', db.source);
    db.hold(false);
    db.release();
    // Nobody is answered a state missing the change heard before they read: every answer includes c=7.
    expect(await Promise.all([first, second, third])).toEqual(Array(3).fill('a=1 b=0 c=7'));
    expect(db.calls).toEqual([['a'], ['c']]);
  });

  it('a refresh that saw a transaction not yet heard answers none of it or all of it, never half', async () => {
    // Committed but not yet read from the feed: the catch-up delivers them.
    const unheard: string[] = [];
    const c = cache({ catchUp: async () => unheard.splice(0).forEach((s) => c.invalidate(s)) });
    const db = database(['a', 'b', 'c']);
    await c.read('H:year', 'H', db.source);
    db.calls.length = 0;
    db.set('a', 1);
    c.invalidate('a');
    let raced = false;
    const racing: FiguresSource<UnitFigures> = {
      all: db.source.all,
      units: (ids) => {
        if (!raced) {
          // One transaction moves a and b, and commits before the refresh's statement takes its snapshot.
          raced = true;
          db.set('a', 2);
          db.set('b', 2);
          unheard.push('H/a', 'H/b');
        }
        return db.source.units(ids);
      },
    };
    expect(await c.read('H:year', 'H', racing)).toBe('a=2 b=2 c=0');
    expect(db.calls).toEqual([['a'], ['a', 'b']]);
  });

  it('a unit marked again while its refresh runs stays marked', async () => {
    const c = cache();
    const db = database(['a', 'b']);
    await c.read('H:year', 'H', db.source);
    db.calls.length = 0;
    db.hold(true);
    db.set('a', 1);
    c.invalidate('a');
    const reading = c.read('H:year', 'H', db.source);
    await tick();
    db.set('a', 2);
    c.invalidate('a');
    db.hold(false);
    db.release();
    expect(await reading).toBe('a=2 b=0');
    expect(db.calls).toEqual([['a'], ['a']]);
  });

  it('keeps a full computation that overlapped a unit’s change with that unit marked; not one that overlapped a hub-wide change', async () => {
    const c = cache();
    const db = database(['a', 'b']);
    db.hold(true);
    const reading = c.read('H:year', 'H', db.source);
    await tick();
    db.set('b', 3);
    c.invalidate('H/b');
    db.release();
    // Its reader arrived before the change: the computation (begun after it arrived) answers it.
    expect(await reading).toBe('a=0 b=0');
    db.hold(false);
    expect(await c.read('H:year', 'H', db.source)).toBe('a=0 b=3');
    expect(db.calls).toEqual([['a', 'b'], ['b']]);

    db.calls.length = 0;
    c.invalidate('*');
    db.hold(true);
    const again = c.read('H:year', 'H', db.source);
    await tick();
    c.invalidate('hub:H');
    db.release();
    await again;
    expect(c.size).toBe(0);
  });

  it('a reader arriving after a change does not take a computation begun before it', async () => {
    const c = cache();
    const db = database(['a', 'b']);
    db.hold(true);
    const early = c.read('H:year', 'H', db.source);
    await tick();
    db.set('a', 9);
    c.invalidate('a');
    const late = c.read('H:year', 'H', db.source);
    await tick();
    db.release();
    expect(await early).toBe('a=0 b=0');
    await until(() => db.pending() > 0);
    db.release();
    expect(await late).toBe('a=9 b=0');
    // The late reader refreshed the kept ranking's marked unit rather than computing the whole hub again.
    expect(db.calls).toEqual([['a', 'b'], ['a']]);
  });

  it('computes in full when changes keep marking units faster than refreshes clear them', async () => {
    const c = cache({ maxRounds: 3 });
    const db = database(['a', 'b']);
    await c.read('H:year', 'H', db.source);
    db.calls.length = 0;
    let n = 0;
    const busy: FiguresSource<UnitFigures> = {
      all: db.source.all,
      units: async (ids) => {
        const answer = await db.source.units(ids);
        // Another change to a heard before each refresh ends.
        db.set('a', ++n);
        c.invalidate('a');
        return answer;
      },
    };
    c.invalidate('a');
    expect(await c.read('H:year', 'H', busy)).toBe('a=3 b=0');
    expect(db.calls).toEqual([['a'], ['a'], ['a'], ['a', 'b']]);
  });

  it('a failed refresh drops the ranking and the reader computes it; a failed computation fails its reader', async () => {
    const c = cache();
    const db = database(['a', 'b']);
    await c.read('H:year', 'H', db.source);
    c.invalidate('a');
    db.failNext();
    expect(await c.read('H:year', 'H', db.source)).toBe('a=0 b=0');
    expect(db.calls.slice(1)).toEqual([['a'], ['a', 'b']]);
    c.invalidate('*');
    db.failNext();
    await expect(c.read('H:year', 'H', db.source)).rejects.toThrow('statement timeout');
    expect(c.size).toBe(0);
  });

  it('neither serves nor keeps while the feed is down, and forgets everything when it goes down', async () => {
    const c = cache();
    const db = database(['a']);
    await c.read('H:year', 'H', db.source);
    c.setListening(false);
    expect(c.size).toBe(0);
    await c.read('H:year', 'H', db.source);
    await c.read('H:year', 'H', db.source);
    expect(db.calls).toHaveLength(3);
    expect(c.size).toBe(0);

    // Readers asking at once while it is down share computations, each begun after its reader asked.
    db.hold(true);
    const first = c.read('H:year', 'H', db.source);
    db.set('a', 5);
    const crowd = [1, 2, 3].map(() => c.read('H:year', 'H', db.source));
    await new Promise((r) => setImmediate(r));
    expect(db.pending()).toBe(1);
    db.release();
    expect(await first).toBe('a=0');
    await new Promise((r) => setImmediate(r));
    db.release();
    expect(await Promise.all(crowd)).toEqual(['a=5', 'a=5', 'a=5']);
    expect(db.calls).toHaveLength(5);
    expect(c.size).toBe(0);
  });

  it('catches up with the feed before looking', async () => {
    const db = database(['a']);
    let heardLate: (() => void) | null = null;
    const c = cache({ catchUp: async () => heardLate?.() });
    await c.read('H:year', 'H', db.source);
    db.set('a', 4);
    heardLate = () => c.invalidate('a');
    expect(await c.read('H:year', 'H', db.source)).toBe('a=4');
  });

  it('bounds life by the time to live, and the units kept by evicting the oldest rankings', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const c = cache({ maxUnits: 5 });
    const db = database(['a', 'b', 'c']);
    await c.read('H:year', 'H', db.source);
    vi.setSystemTime(Date.now() + 10_000);
    await c.read('H:year', 'H', db.source);
    expect(db.calls).toHaveLength(2);
    await c.read('G:year', 'G', db.source);
    expect([c.size, c.totalUnits]).toEqual([1, 3]);
    // A ranking larger than the whole budget is not kept.
    const big = database(['a', 'b', 'c', 'd', 'e', 'f']);
    await c.read('B:year', 'B', big.source);
    expect([c.size, c.totalUnits]).toEqual([1, 3]);
  });
});
