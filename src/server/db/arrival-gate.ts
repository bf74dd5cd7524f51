import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * When the request a piece of work belongs to arrived (performance.now()), for every async continuation of
 * that request: set once by the HTTP layer (app.ts), read by the embedded database's gate.
 */
const arrivals = new AsyncLocalStorage<number>();

/** Runs `fn` (and everything it continues into) as part of a request that arrived at `at`. */
export function withArrival<T>(at: number, fn: () => T): T {
  return arrivals.run(at, fn);
}

interface Waiting {
  at: number;
  seq: number;
  start: () => void;
}

/**
 * One database operation at a time, the oldest request's first. The embedded PGlite runs every statement on
 * the Node thread, one at a time in the order asked: sixteen requests of nine statements each then share
 * the thread statement by statement, and each finishes only when nearly all sixteen have — every request
 * as slow as the last (on the benchmark, notices at 16 clients: p50 421 ms, max 1.33 s, where the work of
 * all sixteen is 0.5 s). Here the waiting operation of the request that arrived first goes next, so a
 * request's statements run back to back and requests finish in the order they came, as with a queue of
 * whole requests — but nothing is held while a request does other work between its statements (a password
 * hash, a document to render).
 *
 * Work outside any request (the audit sealer, housekeeping) counts as arriving when it asks. After an
 * operation the next is chosen on the following turn of the event loop, once the finished operation's
 * request has had its microtasks to ask for its next statement.
 */
export class ArrivalGate {
  private busy = false;
  private seq = 0;
  private readonly waiting: Waiting[] = [];

  /** How many operations wait (tests). */
  get pending(): number {
    return this.waiting.length;
  }

  run<T>(op: () => Promise<T>): Promise<T> {
    const at = arrivals.getStore() ?? performance.now();
    if (!this.busy && this.waiting.length === 0) {
      this.busy = true;
      return this.finish(op);
    }
    return new Promise<T>((resolve, reject) => {
      const w: Waiting = { at, seq: this.seq++, start: () => this.finish(op).then(resolve, reject) };
      // A short list (one entry per waiting request): kept sorted by insertion, oldest request first.
      let i = this.waiting.length;
      while (i > 0 && this.before(w, this.waiting[i - 1]!)) i--;
      this.waiting.splice(i, 0, w);
    });
  }

  private before(a: Waiting, b: Waiting): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private async finish<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } finally {
      setImmediate(() => this.next());
    }
  }

  private next(): void {
    const w = this.waiting.shift();
    if (!w) {
      this.busy = false;
      return;
    }
    w.start();
  }
}
