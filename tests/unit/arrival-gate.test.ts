import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ArrivalGate, withArrival } from '../../src/server/db/arrival-gate.js';

/** An operation that records when it starts and ends and takes `ms`. */
function recorder() {
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const op =
    (name: string, ms = 2) =>
    async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`${name}+`);
      await sleep(ms);
      log.push(`${name}-`);
      running--;
      return name;
    };
  return { log, op, maxRunning: () => maxRunning };
}

describe('ArrivalGate', () => {
  it('runs one operation at a time and answers each with its own result', async () => {
    const gate = new ArrivalGate();
    const r = recorder();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((n) => gate.run(r.op(n))));
    expect(results).toEqual(['a', 'b', 'c', 'd']);
    expect(r.maxRunning()).toBe(1);
    expect(gate.pending).toBe(0);
  });

  it('serves the waiting operation of the oldest request first, whatever order they asked in', async () => {
    const gate = new ArrivalGate();
    const r = recorder();
    const first = gate.run(r.op('busy', 5));
    const asked = [
      withArrival(30, () => gate.run(r.op('t30'))),
      withArrival(10, () => gate.run(r.op('t10'))),
      withArrival(20, () => gate.run(r.op('t20'))),
    ];
    expect(gate.pending).toBe(3);
    await Promise.all([first, ...asked]);
    expect(r.log.filter((e) => e.endsWith('+'))).toEqual(['busy+', 't10+', 't20+', 't30+']);
  });

  it('runs a request’s statements back to back: its next one goes before a later request’s waiting one', async () => {
    const gate = new ArrivalGate();
    const r = recorder();
    // Two requests of three statements each, the second arriving later but asking while the first runs.
    const request = (name: string, at: number) =>
      withArrival(at, async () => {
        for (let i = 1; i <= 3; i++) await gate.run(r.op(`${name}${i}`));
      });
    await Promise.all([request('A', 1), request('B', 2)]);
    expect(r.log.filter((e) => e.endsWith('+'))).toEqual(['A1+', 'A2+', 'A3+', 'B1+', 'B2+', 'B3+']);
  });

  it('work outside a request counts from when it asks; a failure reaches its caller and the gate goes on', async () => {
    const gate = new ArrivalGate();
    const r = recorder();
    const busy = gate.run(r.op('busy', 5));
    const failing = gate.run(async () => {
      throw new Error('refused');
    });
    const later = gate.run(r.op('later'));
    await expect(failing).rejects.toThrow('refused');
    expect(await later).toBe('later');
    expect(await busy).toBe('busy');
    expect(await gate.run(r.op('after'))).toBe('after');
    expect(gate.pending).toBe(0);
  });
});
