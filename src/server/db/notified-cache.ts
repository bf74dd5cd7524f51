/**
 * Answers computed from the database, kept in this instance's memory until the database says that what
 * they were computed from changed. Each answer is stored with its subjects (ids: a hub, its units …);
 * triggers in the changing transaction name a subject (or `*`, everything) — on the change feed
 * (db/change-feed.ts, the rankings) or by NOTIFY (the sessions) — heard by every instance once committed,
 * and `invalidate` drops every answer of that subject.
 *
 * Exact up to the change's being heard, never more stale; with `catchUp` (the change feed's sync), exact
 * as of the reader's arrival:
 * - an answer computed while one of its subjects changed is not kept (`begin` gives the generation the
 *   computation starts from; `store` refuses it if any of its subjects was notified since), so a stale
 *   answer is never stored after its notification has come in;
 * - while the LISTEN connection is down nothing is served or kept, and everything held is dropped when
 *   it goes down or comes back (what was notified meanwhile is lost);
 * - `ttlMs` bounds the life of every answer, however quiet the channel.
 *
 * Only for reads outside a transaction that changed the data (a transaction's own uncommitted writes must
 * never be kept: it may roll back). Concurrent misses of one key share one computation (`read`), so a
 * burst of readers after a change costs the database one statement, not one each.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from './client.js';

/**
 * Every channel whose listeners keep answers in memory (sessions: NOTIFY, drizzle/0023; rankings: the change
 * feed, 0024 and 0028), so that a change made behind the triggers' back can tell them all at once
 * (`notifyEverythingChanged`).
 */
export const CACHE_CHANNELS = { sessions: 'zx_sessions', rankings: 'zx_scoring' } as const;

/**
 * Tells every instance's caches that anything may have changed (an empty payload, or `*` on the feed: drop
 * everything), at the commit of `db`'s transaction: after migrations and a restore, which change tables
 * without the triggers that name what changed.
 */
export async function notifyEverythingChanged(db: Db): Promise<void> {
  await db.execute(sql`select pg_notify(${CACHE_CHANNELS.sessions}, '')`);
  // Before migration 0028 (a test of an older step) there is no feed, and no server reading one.
  const [feed] = await queryRows<{ ok: boolean }>(
    db,
    sql`select to_regclass('change_feed') is not null as ok`,
  );
  if (feed?.ok)
    await db.execute(
      sql`insert into change_feed (channel, subject) values (${CACHE_CHANNELS.rankings}, '*')`,
    );
}

export interface NotifiedCacheOptions<V> {
  /** The longest an answer is served: the bound on staleness should a notification ever be lost. */
  ttlMs: number;
  maxEntries: number;
  /** The most the kept answers may weigh together (`weigh`: e.g. their rows); the oldest go first. */
  maxWeight?: number;
  weigh?: (value: V) => number;
  /**
   * Run before a read looks at what is kept: resolves once every change committed before the call has been
   * heard (the change feed's `sync`), so that a reader sees at least what committed before it arrived.
   */
  catchUp?: () => Promise<void>;
}

/** A computed answer and the subjects whose change must drop it. */
export interface Computed<V> {
  value: V;
  subjects: Iterable<string>;
}

interface Entry<V> {
  value: V;
  subjects: string[];
  until: number;
  weight: number;
}

interface Running<V> {
  generation: number;
  promise: Promise<Computed<V>>;
}

/** How many subjects' last change is remembered before they are forgotten all at once (conservatively). */
const CHANGED_LIMIT = 100_000;

export class NotifiedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly bySubject = new Map<string, Set<string>>();
  private readonly running = new Map<string, Running<V>>();
  /** Counts notifications; `changedAt` holds the count at each subject's last, `everythingAt` at the last `*`. */
  private generation = 0;
  private everythingAt = 0;
  private readonly changedAt = new Map<string, number>();
  private listening = false;
  private weight = 0;
  /** Answers served from memory, and computed (counted for the tests and the operator). */
  hits = 0;
  misses = 0;

  constructor(private readonly options: NotifiedCacheOptions<V>) {}

  get size(): number {
    return this.entries.size;
  }

  /** What the kept answers weigh together (`weigh`; 0 without it). */
  get totalWeight(): number {
    return this.weight;
  }

  /** The generation a computation starts from (before its statement's snapshot is taken). */
  begin(): number {
    return this.generation;
  }

  get(key: string, nowMs: number): V | undefined {
    if (!this.listening) return undefined;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (nowMs >= e.until) {
      this.forget(key);
      return undefined;
    }
    return e.value;
  }

  /** Whether no subject of an answer computed from `generation` on has been notified since. */
  unchangedSince(generation: number, subjects: Iterable<string>): boolean {
    if (!this.listening || this.everythingAt > generation) return false;
    if (this.generation === generation) return true;
    for (const s of subjects) if ((this.changedAt.get(s) ?? 0) > generation) return false;
    return true;
  }

  /** Keeps an answer computed from `generation` on, unless one of its subjects changed meanwhile. */
  store(key: string, computed: Computed<V>, generation: number, nowMs: number): boolean {
    const subjects = [...computed.subjects];
    if (!this.unchangedSince(generation, subjects)) return false;
    const weight = this.options.weigh?.(computed.value) ?? 0;
    const maxWeight = this.options.maxWeight ?? Infinity;
    if (weight > maxWeight) return false;
    this.forget(key);
    // The oldest kept go first (a Map iterates in insertion order).
    while (this.entries.size >= this.options.maxEntries || this.weight + weight > maxWeight) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.forget(oldest);
    }
    this.entries.set(key, { value: computed.value, subjects, until: nowMs + this.options.ttlMs, weight });
    this.weight += weight;
    for (const s of subjects) {
      let keys = this.bySubject.get(s);
      if (!keys) this.bySubject.set(s, (keys = new Set()));
      keys.add(key);
    }
    return true;
  }

  /**
   * The answer for `key`: kept, or being computed for another reader, or computed now (and kept). `compute`
   * runs outside any transaction that wrote.
   *
   * A reader takes a shared computation that reflects every change notified before it arrived: one begun
   * since, or one begun earlier whose subjects have not been notified since it began. Such an answer is
   * exact for this reader even when a later change overtakes it (the reader may be ordered before that
   * change), though it is then not kept. When the computation it waited for was overtaken, it joins the one
   * another waiting reader has started meanwhile rather than starting its own (after a failure, or with the
   * channel down, it computes its own, so no reader waits out one failure after another): after a change, a
   * burst of readers costs one computation, not one each (measured on the 2,100-unit ranking with a change
   * every 100 ms at 16 clients: every waiting reader had recomputed at once).
   */
  async read(key: string, compute: () => Promise<Computed<V>>): Promise<V> {
    // A failed catch-up leaves the channel unheard: nothing is then served from memory.
    if (this.options.catchUp) await this.options.catchUp();
    const arrived = this.generation;
    const kept = this.get(key, Date.now());
    if (kept !== undefined) {
      this.hits++;
      return kept;
    }
    let other = this.listening ? this.running.get(key) : undefined;
    while (other) {
      const shared = await other.promise.catch(() => null);
      // A failure (a statement timeout) is not passed on down a line of waiters: each computes its own.
      if (!shared || !this.listening) break;
      if (other.generation >= arrived || this.unchangedSince(other.generation, shared.subjects)) {
        this.hits++;
        return shared.value;
      }
      // Begun after `other` ended, so after this reader arrived: its answer will do.
      const newer = this.running.get(key);
      other = newer === other ? undefined : newer;
    }
    this.misses++;
    const generation = this.begin();
    const promise = compute();
    const mine: Running<V> = { generation, promise };
    if (this.listening) this.running.set(key, mine);
    try {
      const computed = await promise;
      this.store(key, computed, generation, Date.now());
      return computed.value;
    } finally {
      if (this.running.get(key) === mine) this.running.delete(key);
    }
  }

  /** A notification: `subject` changed (`*` or null: anything may have). */
  invalidate(subject: string | null): void {
    this.generation++;
    if (subject === null || subject === '*') {
      this.everythingAt = this.generation;
      this.changedAt.clear();
      this.entries.clear();
      this.bySubject.clear();
      this.weight = 0;
      return;
    }
    if (this.changedAt.size >= CHANGED_LIMIT) {
      this.everythingAt = this.generation;
      this.changedAt.clear();
    }
    this.changedAt.set(subject, this.generation);
    for (const key of [...(this.bySubject.get(subject) ?? [])]) this.forget(key);
  }

  /**
   * Whether the invalidation channel is connected. Either way everything is forgotten, and a computation
   * that started before is not kept: what was notified while it was down is lost.
   */
  setListening(up: boolean): void {
    this.invalidate(null);
    this.running.clear();
    this.listening = up;
  }

  private forget(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.weight -= e.weight;
    for (const s of e.subjects) {
      const keys = this.bySubject.get(s);
      keys?.delete(key);
      if (keys?.size === 0) this.bySubject.delete(s);
    }
  }
}
