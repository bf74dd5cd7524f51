/**
 * Concurrent readers of the same expensive answer share its computation, and each is still answered by a
 * computation that began after it asked: a reader arriving while one runs waits for the next, which begins
 * as soon as the running one ends and answers everyone who arrived meanwhile. Each statement of a read
 * outside a transaction (read committed) sees every commit made before it began, so every reader sees
 * every change committed before it asked — as if it had computed alone — and a key costs at most two
 * computations at a time (one running, one waiting to begin), however many read it.
 *
 * For reads outside a transaction that changed the data only (the computation of one reader answers the
 * others: it must not see uncommitted writes of its own). Nothing is kept once a computation ends; a failed
 * computation fails the readers it was to answer, and the next reader begins afresh.
 */
export class FreshFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();
  /** Computations begun, and readers answered by one another reader began. */
  computations = 0;
  shared = 0;

  /** How many keys have a computation running (for tests and metrics). */
  get running(): number {
    return this.flights.size;
  }

  /**
   * `compute`'s answer for `key`, from a computation that begins now or, when one of `key` is already
   * running, from the one that begins when it ends. Every call with the same key must compute the same
   * thing: the key names everything the answer depends on.
   */
  run(key: string, compute: () => Promise<T>): Promise<T> {
    const flight = this.flights.get(key);
    if (!flight) return this.begin(key, compute);
    if (flight.next) {
      this.shared++;
      return flight.next;
    }
    // This reader queues the next computation: it begins once the running one has ended, whichever way.
    const settled = flight.current.then(
      () => undefined,
      () => undefined,
    );
    flight.next = settled.then(() => this.begin(key, compute));
    return flight.next;
  }

  private begin(key: string, compute: () => Promise<T>): Promise<T> {
    this.computations++;
    let current: Promise<T>;
    try {
      current = compute();
    } catch (err) {
      current = Promise.reject(err as Error);
    }
    const flight: Flight<T> = { current, next: null };
    this.flights.set(key, flight);
    // Registered before any `next` waits on `current`, so it runs first: a flight with a next keeps its
    // place until the next begins (and replaces it); one without is removed.
    const end = () => {
      if (!flight.next && this.flights.get(key) === flight) this.flights.delete(key);
    };
    current.then(end, end);
    return current;
  }
}

interface Flight<T> {
  /** The running computation. */
  current: Promise<T>;
  /** The computation that begins when `current` ends, for the readers who arrived while it ran. */
  next: Promise<T> | null;
}
