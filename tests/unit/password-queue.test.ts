import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { hashPassword, passwordQueue, verifyPassword } from '../../src/server/modules/auth/passwords.js';

describe('password hashing queue', () => {
  it('runs at most one hash per core and never the whole thread pool; the rest wait their turn, in order', async () => {
    const limit = Math.max(
      1,
      Math.min(availableParallelism(), (Number(process.env.UV_THREADPOOL_SIZE) || 4) - 1),
    );
    const stored = await hashPassword('Queue-Test-Password-9');
    expect(passwordQueue()).toEqual({ running: 0, waiting: 0, limit });

    const n = limit * 3;
    const done: number[] = [];
    let maxRunning = 0;
    const calls = Array.from({ length: n }, (_, i) =>
      verifyPassword(stored, i % 2 ? 'Queue-Test-Password-9' : 'wrong').then((ok) => {
        maxRunning = Math.max(maxRunning, passwordQueue().running);
        done.push(i);
        return ok;
      }),
    );
    // Queued synchronously: `limit` start at once, the others wait.
    await Promise.resolve();
    const atStart = passwordQueue();
    expect(atStart.running + atStart.waiting).toBe(n);
    expect(atStart.running).toBeLessThanOrEqual(limit);
    expect(atStart.waiting).toBeGreaterThanOrEqual(n - limit);

    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: n }, (_, i) => i % 2 === 1));
    expect(maxRunning).toBeLessThanOrEqual(limit);
    // First come, first served: a call never finishes after one queued `limit` places behind it.
    for (const [at, i] of done.entries()) expect(at).toBeGreaterThan(i - limit - 1);
    expect(passwordQueue()).toEqual({ running: 0, waiting: 0, limit });
  });
});
