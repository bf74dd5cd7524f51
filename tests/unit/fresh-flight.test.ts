import { describe, expect, it } from 'vitest';
import { FreshFlight } from '../../src/server/http/fresh-flight.js';

/**
 * A stand-in for the data and a computation over it: `value` is the committed state; a computation reads it
 * when it begins (a statement's snapshot) and ends when told to.
 */
function world() {
  let value = 0;
  const pending: { end: () => void; fail: (e: Error) => void }[] = [];
  const compute = () =>
    new Promise<number>((resolve, reject) => {
      const seen = value;
      pending.push({ end: () => resolve(seen), fail: reject });
    });
  return {
    compute,
    commit: () => ++value,
    get begun() {
      return pending.length;
    },
    end: (i: number) => pending[i]!.end(),
    fail: (i: number, e: Error) => pending[i]!.fail(e),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FreshFlight', () => {
  it('answers each reader from a computation begun after it asked, at most two per key at a time', async () => {
    const w = world();
    const flight = new FreshFlight<number>();
    w.commit(); // 1
    const a = flight.run('k', w.compute); // begins now, sees 1
    w.commit(); // 2: after a's computation began
    const b = flight.run('k', w.compute); // must see 2: waits for the next
    const c = flight.run('k', w.compute); // shares b's
    w.commit(); // 3
    const d = flight.run('k', w.compute); // shares b's too: it has not begun yet, and will see 3
    await tick();
    expect(w.begun).toBe(1);
    w.end(0);
    expect(await a).toBe(1);
    await tick();
    expect(w.begun).toBe(2); // the next began once the first ended
    w.commit(); // 4: after the second began
    const e = flight.run('k', w.compute); // arrived while the second runs: waits for a third, must see 4
    w.end(1);
    expect([await b, await c, await d]).toEqual([3, 3, 3]);
    await tick();
    expect(w.begun).toBe(3);
    w.end(2);
    expect(await e).toBe(4);
    expect({ computations: flight.computations, shared: flight.shared }).toEqual({
      computations: 3,
      shared: 2,
    });
    await tick();
    expect(flight.running).toBe(0);
  });

  it('never shares between keys', async () => {
    const w = world();
    const flight = new FreshFlight<number>();
    const a = flight.run('a', w.compute);
    const b = flight.run('b', w.compute);
    await tick();
    expect(w.begun).toBe(2);
    w.end(0);
    w.end(1);
    expect([await a, await b]).toEqual([0, 0]);
  });

  it('fails the readers of a failed computation only; the waiting ones get the next, and nothing is kept', async () => {
    const w = world();
    const flight = new FreshFlight<number>();
    const a = flight.run('k', w.compute);
    const b = flight.run('k', w.compute);
    w.fail(0, new Error('statement timeout'));
    await expect(a).rejects.toThrow('statement timeout');
    await tick();
    expect(w.begun).toBe(2);
    w.commit();
    w.end(1);
    expect(await b).toBe(0); // its computation began before the commit
    await tick();
    expect(flight.running).toBe(0);
    const c = flight.run('k', w.compute);
    await tick();
    expect(w.begun).toBe(3);
    w.end(2);
    expect(await c).toBe(1);
  });

  it('turns a computation that throws before returning a promise into a failed answer', async () => {
    const flight = new FreshFlight<number>();
    await expect(
      flight.run('k', () => {
        throw new Error('bad key');
      }),
    ).rejects.toThrow('bad key');
    expect(flight.running).toBe(0);
    await expect(flight.run('k', () => Promise.resolve(7))).resolves.toBe(7);
  });

  it('serves a crowd with two computations: sixteen readers arriving while one runs', async () => {
    const w = world();
    const flight = new FreshFlight<number>();
    const first = flight.run('k', w.compute);
    const crowd = Array.from({ length: 16 }, () => flight.run('k', w.compute));
    w.end(0);
    await first;
    await tick();
    w.end(1);
    expect(new Set(await Promise.all(crowd)).size).toBe(1);
    expect(w.begun).toBe(2);
    expect(flight.shared).toBe(15);
  });
});
