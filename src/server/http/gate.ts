import { availableParallelism } from 'node:os';
import { AppError } from './errors.js';

/**
 * Heavy requests of one kind (a notice's frozen table: the period's statistics and every adopted title of
 * a province's month) run at most `limit` at a time in this instance, the others waiting in arrival order.
 * Sixteen compilations started together then finish one after another at the machine's pace — the last
 * after sixteen times one — instead of sharing the CPU with each other and with everybody's inbox until
 * some take several times as long as the rest (measured: 16 at once, max 2.1 s ungated). A request waits
 * before its transaction begins, holding no connection. Past `maxWaiting` waiting, 429 with Retry-After:
 * a flood is refused, not queued without end.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
    /** What a refused request is told (Chinese, shown to the user). */
    private readonly busyMessage: string,
  ) {
    if (!(limit >= 1) || !(maxWaiting >= 0)) throw new Error('a gate needs limit ≥ 1 and maxWaiting ≥ 0');
  }

  /** How many run and how many wait (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running++;
    else {
      if (this.waiting.length >= this.maxWaiting)
        throw new AppError('rate_limited', this.busyMessage, { retryAfter: 5 });
      // The slot is handed over by the request that ends (`running` unchanged), so nobody overtakes.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** As many at once as the machine has cores: each heavy request keeps one busy (its database work or ours). */
export function heavyGate(busyMessage: string): Gate {
  return new Gate(Math.max(1, availableParallelism()), 64, busyMessage);
}
