/**
 * The change feed (drizzle/0028_change_feed.sql): what committed transactions changed, read by every
 * instance for its caches and live streams, without NOTIFY's commit lock on the writing transactions.
 *
 * A transaction appends (channel, subject) rows stamped with its own transaction id. A reader keeps the
 * snapshot of its last read (which transactions were then still running, and the first id not yet
 * assigned); the next read, one statement, takes a new snapshot and the rows of exactly those transactions
 * it now sees committed: `xid >= previous xmax or xid = any(previous in-progress ids)`. A row is visible
 * precisely when its transaction committed, so nothing is read twice and nothing is skipped, whatever
 * order transactions commit in — exact where a sequence number read in order would skip a transaction that
 * took a lower number and committed later.
 *
 * Freshness: `sync()` resolves once a read begun after the call has been handed out, so a reader who
 * catches up before using what it kept sees every change committed before it arrived (the ranking cache
 * does: modules/scoring/figures-cache.ts `catchUp`). Without a caller the feed is read every `pollMs` (live streams).
 *
 * Rows are pruned by transaction id once every transaction before it ended at least `retentionMs` ago (by
 * this instance's clock); a reader whose last read began more than half of that ago, or that sees
 * transaction ids go backwards (a restore on another server), tells its listeners that anything may have
 * changed (null) and starts from the new snapshot, as does a reader whose database failed it meanwhile.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { preparedSql } from './prepared.js';

/** Database.listen's contract, which the feed's channels keep too: NOTIFY's and the feed's are used alike. */
export type Listen = Database['listen'];

/** A read: the new snapshot, and the (channel, subject) rows found (none on the first read). */
interface FeedRead {
  snap: string;
  rows?: [string, string][];
}

/** The rows of the transactions a snapshot (xmax, in-progress ids) did not see, with the new snapshot. */
const readSince = preparedSql<FeedRead>(
  'zx_change_feed_read',
  sql`select pg_current_snapshot()::text as snap,
        coalesce((select json_agg(json_build_array(channel, subject)) from change_feed
          where xid >= ${sql.placeholder('xmax')}::xid8
             or xid = any(${sql.placeholder('xip')}::xid8[])), '[]'::json) as rows`,
);
/** The first read: only the snapshot to start from. */
const snapshotNow = preparedSql<FeedRead>(
  'zx_change_feed_snapshot',
  sql`select pg_current_snapshot()::text as snap`,
);

export interface ChangeFeedOptions {
  /** How often the feed is read when nobody asks (the live streams' delay). */
  pollMs: number;
  /** How long a row is kept after every earlier transaction ended. */
  retentionMs: number;
  /** How often rows past retention are deleted. */
  pruneEveryMs: number;
  /** A read taking longer counts as failed (the feed out of force until one succeeds). */
  readTimeoutMs: number;
  onError?: (err: unknown) => void;
}

export const CHANGE_FEED_DEFAULTS: ChangeFeedOptions = {
  pollMs: 200,
  retentionMs: 120_000,
  pruneEveryMs: 10_000,
  readTimeoutMs: 10_000,
};

/** `promise`, or a rejection after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`change feed read took over ${ms} ms`)), ms);
  });
  // The losing query's eventual failure is not unhandled.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Listener {
  onPayload: (payload: string | null) => void;
  onState?: ((up: boolean) => void) | undefined;
}

/** A snapshot as pg_current_snapshot() prints it: `xmin:xmax:xip,…` (64-bit ids, kept as text). */
export interface FeedSnapshot {
  xmin: bigint;
  xmax: bigint;
  xip: bigint[];
}

export function parseSnapshot(text: string): FeedSnapshot {
  const m = /^(\d+):(\d+):([\d,]*)$/.exec(text);
  if (!m) throw new Error(`unexpected snapshot: ${text}`);
  return {
    xmin: BigInt(m[1]!),
    xmax: BigInt(m[2]!),
    xip: m[3] ? m[3].split(',').map((x) => BigInt(x)) : [],
  };
}

/** The rows a read hands out, grouped: each subject once per channel per read. */
export function groupRows(rows: readonly (readonly [string, string])[]): Map<string, Set<string>> {
  const byChannel = new Map<string, Set<string>>();
  for (const [channel, subject] of rows) {
    let set = byChannel.get(channel);
    if (!set) byChannel.set(channel, (set = new Set()));
    set.add(subject);
  }
  return byChannel;
}

export class ChangeFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** The last read's snapshot; null while the feed is not in force (not started, or the database failed). */
  private snapshot: FeedSnapshot | null = null;
  private readStartedMs = 0;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  /** (when, xmin) of past reads: every transaction below xmin had ended by then. */
  private readonly horizons: { atMs: number; xmin: bigint }[] = [];
  private lastPruneMs = 0;
  private failing = false;
  private everUp = false;
  private pruning: Promise<void> | null = null;
  /** Reads done (for tests and the operator). */
  reads = 0;

  constructor(
    private readonly database: Database,
    private readonly options: ChangeFeedOptions = CHANGE_FEED_DEFAULTS,
  ) {}

  /** Whether the feed is in force (its listeners may trust what they keep). */
  get up(): boolean {
    return this.snapshot !== null;
  }

  /** Database.listen's contract, on the feed: `onState(true)` once in force, `onPayload(null)` after a gap. */
  readonly listen: Listen = async (channel, onPayload, onState) => {
    const listener: Listener = { onPayload, onState };
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    if (this.up) onState?.(true);
    return async () => {
      if (set.delete(listener)) onState?.(false);
    };
  };

  /** Takes the first snapshot and reads every `pollMs` from then on. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.sync();
    this.schedule();
  }

  /** Stops reading; listeners hear that the feed is no longer in force. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.next?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    await this.pruning;
    this.down();
  }

  /**
   * Resolves once a read that began after this call has handed out what it found (or failed, leaving the
   * feed out of force). Concurrent callers share reads: at most one running and one waiting.
   */
  sync(): Promise<void> {
    if (!this.started) return Promise.resolve();
    // A read queued behind the running one has not begun: it begins after this call. (Checked first: between
    // the running read's end and the queued one's start, `running` is already cleared.)
    if (this.next) return this.next;
    if (!this.running) return this.runRead();
    const start = () => {
      this.next = null;
      return this.runRead();
    };
    this.next = this.running.then(start, start);
    return this.next;
  }

  private schedule(): void {
    if (!this.started) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const again = () => this.schedule();
      this.sync().then(again, again);
    }, this.options.pollMs);
    this.timer.unref();
  }

  private runRead(): Promise<void> {
    const p = this.read().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }

  private async read(): Promise<void> {
    const startedMs = performance.now();
    const prev = this.snapshot;
    let snap: FeedSnapshot;
    let rows: [string, string][];
    try {
      const db = this.database.db;
      const reading = prev
        ? readSince(db, { xmax: prev.xmax.toString(), xip: `{${prev.xip.join(',')}}` })
        : snapshotNow(db, {});
      // A read that hangs (a half-open socket) must not hold every ranking request: it counts as a failure.
      const [r] = await withTimeout(reading, this.options.readTimeoutMs);
      snap = parseSnapshot(r!.snap);
      rows = r!.rows ?? [];
      this.reads++;
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.options.onError?.(err);
      this.failing = true;
      this.down();
      return;
    }
    this.snapshot = snap;
    // Rows pruned meanwhile had all committed `retentionMs` before another instance's read; this read's
    // previous snapshot, taken after its start, is then later than every one of them.
    const gap =
      prev !== null &&
      (snap.xmax < prev.xmax || performance.now() - this.readStartedMs > this.options.retentionMs / 2);
    this.readStartedMs = startedMs;
    // Every transaction below xmin had ended when the snapshot was taken, so by now at the latest.
    this.remember(performance.now(), snap.xmin);
    if (!prev) {
      // After a failure, what committed meanwhile is lost: say so before the feed is in force again.
      if (this.everUp) this.tellAll((l) => l.onPayload(null));
      this.everUp = true;
      this.tellAll((l) => l.onState?.(true));
    } else if (gap) {
      this.tellAll((l) => l.onPayload(null));
    } else {
      for (const [channel, subjects] of groupRows(rows))
        for (const subject of subjects) this.tellAll((l) => l.onPayload(subject), channel);
    }
    if (startedMs - this.lastPruneMs >= this.options.pruneEveryMs && !this.pruning) {
      this.lastPruneMs = startedMs;
      this.pruning = this.prune(startedMs).finally(() => (this.pruning = null));
    }
  }

  /** Out of force: listeners drop what they keep and serve nothing until a read succeeds again. */
  private down(): void {
    if (!this.snapshot) return;
    this.snapshot = null;
    this.tellAll((l) => l.onState?.(false));
  }

  /** Tells every listener (of `channel`, or of all): one that throws is reported, the others still told. */
  private tellAll(tell: (l: Listener) => void, channel?: string): void {
    const sets = channel === undefined ? [...this.listeners.values()] : [this.listeners.get(channel)];
    for (const set of sets)
      for (const l of set ?? []) {
        try {
          tell(l);
        } catch (err) {
          this.options.onError?.(err);
        }
      }
  }

  private remember(atMs: number, xmin: bigint): void {
    const last = this.horizons.at(-1);
    // A few samples per retention are plenty to find a horizon `retentionMs` back.
    if (!last || atMs - last.atMs >= Math.min(1_000, this.options.retentionMs / 4))
      this.horizons.push({ atMs, xmin });
  }

  /** Deletes the rows of transactions that had all ended `retentionMs` ago. */
  private async prune(nowMs: number): Promise<void> {
    let horizon: bigint | null = null;
    while (this.horizons.length && this.horizons[0]!.atMs <= nowMs - this.options.retentionMs)
      horizon = this.horizons.shift()!.xmin;
    if (horizon === null) return;
    try {
      await this.database.db.execute(sql`delete from change_feed where xid < ${horizon.toString()}::xid8`);
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}
