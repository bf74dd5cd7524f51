/**
 * The hubs' rankings kept in this instance's memory as each unit's figures (sql/unit-figures.sql), kept
 * exact by the change feed (db/change-feed.ts) unit by unit: a change names the units whose figures it moved,
 * and the next reader recomputes those units only — one statement for the few named, not the hub's 2,000 —
 * then ranks the whole hub again in memory (ranking.ts, about a millisecond for 2,000 units).
 *
 * What the scoring triggers write on `zx_scoring` (drizzle/0024, 0028, 0029):
 * - `<unit>`: the unit's counted hops moved (its submissions, in every hub that evaluates it);
 * - `<hub>/<unit>`: the hub's ledger rows for the unit moved;
 * - `hub:<hub>`: the hub's ledger moved for many units at once (a recompute, an import): its rankings go;
 * - `*` (or an empty payload, or the feed lost): anything may have changed, everything goes.
 *
 * Exactness, with `catchUp` (the feed's sync: every change committed before the call has been heard):
 * a reader is answered only from figures that reflect every change heard when it arrived —
 * - kept figures with no unit marked (each unit's figures were computed after its last change heard, and
 *   every change a refresh's statement saw has been heard before the refresh was applied, so together they
 *   are the figures as of the feed's position: one consistent state, not a mix); or
 * - figures computed in full by one statement begun after the reader arrived.
 * A reader finding marked units waits for them to be refreshed (one refresh at a time per ranking, which
 * every waiting reader shares), then looks again; when changes keep marking units faster than refreshes
 * clear them (`maxRounds`), it computes the whole ranking in one statement instead.
 * A full computation is kept even when units changed while it ran: those units are kept marked. One that
 * overlapped a hub-wide change or `*` is not kept. While the feed is not heard nothing is served or kept;
 * `ttlMs` bounds the life of every kept ranking, however quiet the feed.
 *
 * Only for reads outside a transaction that changed the data (its uncommitted writes must never be kept).
 */
import { FreshFlight } from '../../http/fresh-flight.js';
import type { UnitFigures } from './ranking.js';

export interface FiguresCacheOptions {
  /** The longest a ranking is kept: the bound on staleness should a notification ever be lost. */
  ttlMs: number;
  maxEntries: number;
  /** The most units' figures kept together; the oldest rankings go first. */
  maxUnits: number;
  /** Resolves once every change committed before the call has been heard (the change feed's `sync`). */
  catchUp?: () => Promise<void>;
  /** How many times a reader waits for marked units to be refreshed before it computes in full. */
  maxRounds?: number;
}

/** How a ranking's figures are computed: all the hub's units, or the ones named. */
export interface FiguresSource<F extends UnitFigures> {
  /** Every unit the hub evaluates (their figures by unit id). */
  all: () => Promise<Map<string, F>>;
  /** The units given, each of which `all` returned. */
  units: (ids: string[]) => Promise<Map<string, F>>;
}

/**
 * How reading requests get a hub's ranking: kept figures (FiguresCache) or, with the cache turned off,
 * computations shared by the readers that arrive while one is due (SharedComputations).
 */
export interface FiguresReader<F extends UnitFigures, D> {
  read(key: string, hubId: string, source: FiguresSource<F>): Promise<D>;
}

/**
 * No ranking kept (`ZX_RANKING_CACHE_SECONDS=0`): every reader is answered by a computation begun after it
 * asked, shared with the readers of the same ranking who asked while it was due (http/fresh-flight.ts) —
 * sixteen readers of a 2,000-unit year cost two computations, not sixteen, and none sees less than it would
 * computing alone.
 */
export class SharedComputations<F extends UnitFigures, D> implements FiguresReader<F, D> {
  private readonly flight = new FreshFlight<D>();

  constructor(private readonly derive: (figures: Iterable<F>) => D) {}

  /** Computations begun, and readers answered by one another reader began. */
  get counts(): { computations: number; shared: number } {
    return { computations: this.flight.computations, shared: this.flight.shared };
  }

  read(key: string, _hubId: string, source: FiguresSource<F>): Promise<D> {
    return this.flight.run(key, async () => this.derive((await source.all()).values()));
  }
}

interface Entry<F extends UnitFigures, D> {
  key: string;
  hubId: string;
  figures: Map<string, F>;
  /** Units whose figures a change moved since they were computed: the generation of the last change. */
  marked: Map<string, number>;
  until: number;
  /** What `derive` made of the figures (the ranking), until they change. */
  derived: D | null;
  refreshing: Promise<void> | null;
}

interface Running<F extends UnitFigures, D> {
  generation: number;
  promise: Promise<{ figures: Map<string, F>; derived: D }>;
}

/** How many subjects' last change is remembered before they are forgotten all at once (conservatively). */
const CHANGED_LIMIT = 100_000;

export class FiguresCache<F extends UnitFigures, D> implements FiguresReader<F, D> {
  /** While the feed is not heard: nothing kept, computations shared as with the cache off. */
  private readonly unheard: SharedComputations<F, D>;
  private readonly entries = new Map<string, Entry<F, D>>();
  private readonly byUnit = new Map<string, Set<string>>();
  private readonly byHub = new Map<string, Set<string>>();
  private readonly running = new Map<string, Running<F, D>>();
  /** Counts notifications; `changedAt` holds the count at each subject's last, `everythingAt` at the last `*`. */
  private generation = 0;
  private everythingAt = 0;
  private readonly changedAt = new Map<string, number>();
  private listening = false;
  private units = 0;
  /** Readers answered from memory; full computations; refreshes and the units they recomputed. */
  hits = 0;
  misses = 0;
  refreshes = 0;
  refreshedUnits = 0;

  constructor(
    private readonly options: FiguresCacheOptions,
    /** The answer made of a ranking's figures (ranking.ts rankUnits), kept until they change. */
    private readonly derive: (figures: Iterable<F>) => D,
  ) {
    this.unheard = new SharedComputations(derive);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Units' figures kept, over every ranking. */
  get totalUnits(): number {
    return this.units;
  }

  /** `hubId`'s ranking for `key` (a period and its rules): see the module's comment. */
  async read(key: string, hubId: string, source: FiguresSource<F>): Promise<D> {
    // A failed catch-up leaves the feed unheard: nothing is then served from memory.
    if (this.options.catchUp) await this.options.catchUp();
    if (!this.listening) {
      this.misses++;
      return this.unheard.read(key, hubId, source);
    }
    const arrived = this.generation;
    const maxRounds = this.options.maxRounds ?? 4;
    for (let round = 0; ; round++) {
      const last = round >= maxRounds;
      const e = this.live(key);
      if (e) {
        if (e.marked.size === 0) {
          this.hits++;
          return (e.derived ??= this.derive(e.figures.values()));
        }
        if (!last) {
          e.refreshing ??= this.refresh(e, source).finally(() => (e.refreshing = null));
          // A failed refresh dropped the ranking: the next round computes it.
          await e.refreshing.catch(() => undefined);
          continue;
        }
      } else if (!last && this.listening) {
        const other = this.running.get(key);
        if (other) {
          const shared = await other.promise.catch(() => null);
          // Begun after this reader arrived: exact for it, whatever changed since.
          if (shared && other.generation >= arrived) {
            this.hits++;
            return shared.derived;
          }
          // Kept meanwhile (its changed units marked), or failed: look again.
          continue;
        }
      }
      return this.compute(key, hubId, source);
    }
  }

  /** A notification: `subject` changed (`*` or null: anything may have). */
  invalidate(subject: string | null): void {
    this.generation++;
    if (subject === null || subject === '' || subject === '*') {
      this.everythingAt = this.generation;
      this.changedAt.clear();
      this.entries.clear();
      this.byUnit.clear();
      this.byHub.clear();
      this.units = 0;
      return;
    }
    if (this.changedAt.size >= CHANGED_LIMIT) {
      this.everythingAt = this.generation;
      this.changedAt.clear();
    }
    this.changedAt.set(subject, this.generation);
    if (subject.startsWith('hub:')) {
      for (const key of [...(this.byHub.get(subject.slice(4)) ?? [])]) this.forget(key);
      return;
    }
    const slash = subject.indexOf('/');
    const hubId = slash < 0 ? null : subject.slice(0, slash);
    const unitId = slash < 0 ? subject : subject.slice(slash + 1);
    for (const key of this.byUnit.get(unitId) ?? []) {
      const e = this.entries.get(key);
      if (e && (hubId === null || e.hubId === hubId)) {
        e.marked.set(unitId, this.generation);
      }
    }
  }

  /**
   * Whether the feed is heard. Either way everything is forgotten, and a computation that started before
   * is not kept: what was notified while it was down is lost.
   */
  setListening(up: boolean): void {
    this.invalidate(null);
    this.running.clear();
    this.listening = up;
  }

  private live(key: string): Entry<F, D> | undefined {
    if (!this.listening) return undefined;
    const e = this.entries.get(key);
    if (e && Date.now() >= e.until) {
      this.forget(key);
      return undefined;
    }
    return e;
  }

  /** The whole ranking in one statement, shared with the readers arriving while it runs, then kept. */
  private async compute(key: string, hubId: string, source: FiguresSource<F>): Promise<D> {
    this.misses++;
    const generation = this.generation;
    const promise = source.all().then((figures) => ({ figures, derived: this.derive(figures.values()) }));
    const mine: Running<F, D> = { generation, promise };
    if (this.listening) this.running.set(key, mine);
    try {
      const computed = await promise;
      this.store(key, hubId, computed.figures, computed.derived, generation);
      return computed.derived;
    } finally {
      if (this.running.get(key) === mine) this.running.delete(key);
    }
  }

  /**
   * Recomputes the marked units of `e`; a unit marked again meanwhile stays marked. The statement may see a
   * transaction committed since the marks were heard — one that moved a unit refreshed here and another
   * one not marked yet: the feed is caught up after it, so that transaction's units are marked before the
   * refresh is applied (both then stay marked, and are refreshed together), and no reader is answered half
   * of a transaction.
   */
  private async refresh(e: Entry<F, D>, source: FiguresSource<F>): Promise<void> {
    const generation = this.generation;
    const ids = [...e.marked.keys()];
    let fresh: Map<string, F>;
    try {
      fresh = await source.units(ids);
      if (this.options.catchUp) await this.options.catchUp();
    } catch (err) {
      this.forget(e.key, e);
      throw err;
    }
    if (this.entries.get(e.key) !== e) return;
    this.refreshes++;
    this.refreshedUnits += ids.length;
    for (const id of ids) {
      const f = fresh.get(id);
      // A unit no longer there left the tree, which `*` announces: this ranking is not to be patched.
      if (f === undefined) {
        this.forget(e.key, e);
        return;
      }
      e.figures.set(id, f);
      if ((e.marked.get(id) ?? Infinity) <= generation) e.marked.delete(id);
    }
    e.derived = null;
  }

  private store(key: string, hubId: string, figures: Map<string, F>, derived: D, generation: number): void {
    if (!this.listening || this.everythingAt > generation) return;
    if ((this.changedAt.get(`hub:${hubId}`) ?? 0) > generation) return;
    if (figures.size > this.options.maxUnits) return;
    this.forget(key);
    // The oldest kept go first (a Map iterates in insertion order).
    while (
      this.entries.size >= this.options.maxEntries ||
      this.units + figures.size > this.options.maxUnits
    ) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.forget(oldest);
    }
    const marked = new Map<string, number>();
    for (const unitId of figures.keys()) {
      const at = Math.max(this.changedAt.get(unitId) ?? 0, this.changedAt.get(`${hubId}/${unitId}`) ?? 0);
      if (at > generation) marked.set(unitId, at);
    }
    const entry: Entry<F, D> = {
      key,
      hubId,
      figures,
      marked,
      until: Date.now() + this.options.ttlMs,
      derived: marked.size ? null : derived,
      refreshing: null,
    };
    this.entries.set(key, entry);
    this.units += figures.size;
    for (const unitId of figures.keys()) index(this.byUnit, unitId, key);
    index(this.byHub, hubId, key);
  }

  /** Drops `key`'s ranking (only if it is still `expected`, when given). */
  private forget(key: string, expected?: Entry<F, D>): void {
    const e = this.entries.get(key);
    if (!e || (expected && e !== expected)) return;
    this.entries.delete(key);
    this.units -= e.figures.size;
    for (const unitId of e.figures.keys()) unindex(this.byUnit, unitId, key);
    unindex(this.byHub, e.hubId, key);
  }
}

function index(map: Map<string, Set<string>>, subject: string, key: string): void {
  let keys = map.get(subject);
  if (!keys) map.set(subject, (keys = new Set()));
  keys.add(key);
}

function unindex(map: Map<string, Set<string>>, subject: string, key: string): void {
  const keys = map.get(subject);
  keys?.delete(key);
  if (keys?.size === 0) map.delete(subject);
}
