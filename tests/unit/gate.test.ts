import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/http/errors.js';
import { Gate } from '../../src/server/http/gate.js';

/** A job that ends when told to, recording when it started. */
function job(log: string[], name: string) {
  let end!: () => void;
  const ended = new Promise<void>((r) => (end = r));
  return {
    run: async () => {
      log.push(`start ${name}`);
      await ended;
      log.push(`end ${name}`);
      return name;
    },
    end: () => end(),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Gate', () => {
  it('runs at most `limit` at once and starts the others in arrival order', async () => {
    const gate = new Gate(2, 10, '忙');
    const log: string[] = [];
    const jobs = ['a', 'b', 'c', 'd', 'e'].map((n) => job(log, n));
    const results = jobs.map((j) => gate.run(j.run));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    expect(gate.load).toEqual({ running: 2, waiting: 3 });
    jobs[1]!.end();
    await tick();
    expect(log.slice(2)).toEqual(['end b', 'start c']);
    jobs[0]!.end();
    jobs[2]!.end();
    await tick();
    expect(log.slice(4)).toEqual(['end a', 'end c', 'start d', 'start e']);
    jobs[3]!.end();
    jobs[4]!.end();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('a failing job frees its slot for the next', async () => {
    const gate = new Gate(1, 10, '忙');
    const failing = gate.run(async () => {
      await tick();
      throw new Error('boom');
    });
    const next = gate.run(async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses with 429 and Retry-After once `maxWaiting` wait, and admits again when they drain', async () => {
    const gate = new Gate(1, 2, '正在编制的通报较多，请稍后重试');
    const log: string[] = [];
    const jobs = ['a', 'b', 'c'].map((n) => job(log, n));
    const running = jobs.map((j) => gate.run(j.run));
    const refused = await gate.run(async () => 'd').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429, details: { retryAfter: 5 } });
    for (const j of jobs) j.end();
    expect(await Promise.all(running)).toEqual(['a', 'b', 'c']);
    await expect(gate.run(async () => 'e')).resolves.toBe('e');
  });

  it('rejects a limit below one', () => {
    expect(() => new Gate(0, 1, '忙')).toThrow();
  });
});
