import { mkdirSync } from 'node:fs';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg, NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { CHANNEL_NAME, openPgliteThread } from './pglite-link.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A database or an open transaction: use cases take this and never know which. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs raw multi-statement SQL (migrations). */
  exec(sqlText: string): Promise<void>;
  /**
   * LISTENs on a channel: `onPayload` gets every NOTIFY committed by any connection (on PostgreSQL, any
   * instance of the server). PostgreSQL listens on a connection of its own that is re-opened when it drops;
   * `onPayload(null)` then says notifications may have been missed while it was down. `onState` hears when
   * the subscription is in force (true, also once at the start) and when it is lost (false) — for those
   * that must not trust what they hold while nothing tells them of changes.
   */
  listen(
    channel: string,
    onPayload: (payload: string | null) => void,
    onState?: (up: boolean) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Every connection's settings.
 * - JIT off: our statements are short OLTP queries and index-driven reports, where JIT compilation costs
 *   more than it saves (measured: 1.2 s of JIT inside one ledger query at province scale).
 * - Generic plans for named prepared statements: the hot path's (db/prepared.ts, scoring/sql.ts
 *   runPrepared), each written so that its plan does not depend on the values (keys, ranges by index, list
 *   limits as literals). Left to choose, PostgreSQL kept planning the inbox and the item lists at every
 *   execution (a plan for the hub at hand always looks cheaper than the generic one): 0.45 ms of planning
 *   against 0.35 ms of execution. Measured on the 1M-item province at 16 clients: inbox and list pages
 *   +30–40% requests/s, p95 halved at 4 clients; writes unchanged. Unnamed statements (everything else)
 *   are planned per call as before.
 */
const CONNECTION_SETTINGS = '-c jit=off -c plan_cache_mode=force_generic_plan';

/**
 * Opens PostgreSQL when a URL is given, else the embedded PGlite in `dataDir` (or in memory when
 * `dataDir` is 'memory://').
 */
export async function openDatabase(opts: {
  url?: string | undefined;
  dataDir: string;
  /** PostgreSQL: every connection of the pool runs as this role (startup option `role`). */
  role?: string | undefined;
}): Promise<Database> {
  if (opts.url) {
    if (opts.role !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(opts.role))
      throw new Error(`invalid database role name: ${opts.role}`);
    const pool = new pg.Pool({
      connectionString: opts.url,
      // Queries are written as soon as they are issued, not after the previous one's answer: what lets a
      // transaction's BEGIN travel with its first statement (beginWithFirstStatement).
      pipeline: true,
      max: Number(process.env.ZX_DB_POOL_SIZE ?? 20),
      options: `${CONNECTION_SETTINGS}${opts.role ? ` -c role=${opts.role}` : ''}`,
    });
    // An idle connection the server closes (restart, failover, admin shutdown) must not crash the process:
    // the pool drops it and opens a fresh one on the next query.
    pool.on('error', (err) => console.error(`PostgreSQL idle connection closed: ${err.message}`));
    const db = beginWithFirstStatement(drizzlePg(pool, { schema }), pool);
    return {
      db,
      kind: 'postgres',
      exec: async (text) => {
        await pool.query(text);
      },
      listen: (channel, onPayload, onState) =>
        listenPostgres(opts.url!, channel, onPayload, onState, {
          // The probe goes through the pool: the way the writes whose notifications it stands for go.
          probe: async (payload) => {
            await pool.query('select pg_notify($1, $2)', [channel, payload]);
          },
        }),
      close: () => pool.end(),
    };
  }
  // The embedded database, reached through node-postgres like PostgreSQL (pglite-link.ts): on this thread,
  // or in a worker thread with ZX_PGLITE_THREAD=1.
  if (opts.dataDir !== 'memory://') mkdirSync(opts.dataDir, { recursive: true });
  const link = await openPgliteThread(opts.dataDir === 'memory://' ? 'memory://' : `${opts.dataDir}/pgdata`);
  // The one session's settings, as PostgreSQL's connections get them (CONNECTION_SETTINGS; PGlite has no JIT).
  await link.pool.query('set plan_cache_mode = force_generic_plan');
  const db = beginWithFirstStatement(drizzlePg(link.pool, { schema }), link.pool);
  return {
    db,
    kind: 'pglite',
    exec: async (text) => {
      await link.pool.query(text);
    },
    listen: async (channel, onPayload, onState) => {
      // In process: the subscription cannot drop while the database is open.
      const stop = await link.subscribe(channel, (payload) => onPayload(payload));
      onState?.(true);
      return async () => {
        onState?.(false);
        await stop();
      };
    },
    close: () => link.close(),
  };
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

/** What drizzle's node-postgres session holds (private in its types, plain fields at run time). */
interface SessionInternals {
  dialect: ConstructorParameters<typeof NodePgSession>[1];
  schema: ConstructorParameters<typeof NodePgSession>[2];
  options: ConstructorParameters<typeof NodePgSession>[3];
  transaction: (fn: (tx: Db) => Promise<unknown>, config?: unknown) => Promise<unknown>;
}

/**
 * drizzle's transaction on a pool, except that BEGIN is not awaited before the use case's first statement:
 * with the pool's clients pipelining and the connection corked until the statement joins it, BEGIN and that
 * statement leave in one write and PostgreSQL answers both in one — a round trip fewer per transaction, and
 * one system call and one wake-up of the database fewer on both sides of the socket. BEGIN's own answer is
 * awaited before COMMIT. BEGIN fails only with its connection, and then so does everything written after
 * it; a client whose ROLLBACK fails is discarded, not lent again. Nested transactions (savepoints) are
 * drizzle's own.
 */
export function beginWithFirstStatement(database: ReturnType<typeof drizzlePg<Schema>>, pool: pg.Pool): Db {
  const root = database._.session as unknown as SessionInternals;
  root.transaction = async (fn, config) => {
    if (config !== undefined) throw new Error('transaction options are not supported here');
    const client = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no listener for its connection's errors (the pool's is for idle ones), and
    // an error event nobody hears is thrown: a server going away between two statements would end the
    // process. Heard here, the client is discarded when released.
    const onError = (err: Error) => {
      broken ??= err;
    };
    client.on('error', onError);
    const socket = (client as unknown as { connection?: { stream?: Partial<Corkable> } }).connection?.stream;
    /**
     * COMMIT, once written with the statement `commitWithNextStatement` marked (ROLLBACK if the driver
     * refused that statement); then nothing more may run.
     */
    const last: { armed: boolean; commit: Promise<pg.QueryResult> | null } = { armed: false, commit: null };
    // The session's statements go through here (drizzle's node-postgres session calls only `query`).
    const statements = {
      query: (...args: Parameters<pg.PoolClient['query']>) => {
        if (last.commit) throw new Error('a statement after the transaction was committed');
        const run = client.query as (...a: unknown[]) => unknown;
        if (!last.armed) return run.apply(client, args);
        last.armed = false;
        const [first] = args as unknown[];
        const text = typeof first === 'string' ? first : (first as { text?: unknown } | null)?.text;
        if (typeof text === 'string' && /^\s*savepoint/i.test(text))
          throw new Error('a savepoint cannot be a transaction’s last statement');
        // The statement and COMMIT in one write: PostgreSQL runs COMMIT as soon as the statement is done —
        // or answers ROLLBACK if it failed (a failed statement aborts the transaction).
        socket?.cork?.();
        let result: Promise<unknown>;
        try {
          result = run.apply(client, args) as Promise<unknown>;
        } catch (error) {
          socket?.uncork?.();
          throw error;
        }
        // node-postgres refuses some statements without PostgreSQL seeing them fail (a value it cannot
        // serialise, a statement name reused for another text): its promise is rejected at once or on the
        // next tick. Then a COMMIT would keep what came before, so the choice between COMMIT and ROLLBACK
        // waits for the event loop's check phase — after those, and before the corked connection has written
        // anything, so still in the same write.
        let refused = false;
        result.catch(() => {
          refused = true;
        });
        last.commit = new Promise<pg.QueryResult>((resolve, reject) =>
          setImmediate(() => {
            try {
              client.query(refused ? 'rollback' : 'commit').then(resolve, reject);
            } catch (error) {
              reject(error as Error);
            } finally {
              socket?.uncork?.();
            }
          }),
        );
        last.commit.catch(() => undefined);
        return result;
      },
    } as unknown as pg.PoolClient;
    const session = new NodePgSession(statements, root.dialect, root.schema, root.options);
    const tx = new NodePgTransaction(root.dialect, session, root.schema) as unknown as Db;
    // Only a pipelining connection writes a statement as soon as it is issued (both pools do).
    const pipelined = (client as unknown as { pipeline?: boolean }).pipeline === true;
    (tx as unknown as Record<symbol, () => void>)[COMMIT_WITH_NEXT] = () => {
      last.armed = pipelined;
    };
    // BEGIN and the first statement leave in one write: the connection stays corked until the event loop's
    // check phase, which it passes before it can wait for any answer, so nothing ever waits on this write.
    socket?.cork?.();
    const begun = client.query('begin');
    setImmediate(() => socket?.uncork?.());
    // Handled here so that a failure while the use case runs is not an unhandled rejection; awaited below.
    begun.catch(() => undefined);
    try {
      const result = await fn(tx);
      await begun;
      if (last.commit) {
        const done = await last.commit;
        // Only a failed statement turns COMMIT into ROLLBACK, and then the use case has thrown.
        if (done.command !== 'COMMIT') throw new Error('the transaction was rolled back');
      } else await client.query('commit');
      return result;
    } catch (error) {
      try {
        await begun.catch(() => undefined);
        // COMMIT already written ends the transaction either way (committed, or rolled back after a failed
        // statement): the use case's error stands.
        if (last.commit) await last.commit.catch(() => undefined);
        else await client.query('rollback');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  };
  return database as unknown as Db;
}

const COMMIT_WITH_NEXT = Symbol('commitWithNextStatement');

/**
 * Marks the transaction's next statement as its last: COMMIT is written with it, a round trip fewer, and
 * the rows it locks are held one round trip less. Only for a statement after which the use case can no
 * longer fail in a way that must undo something written before it: if the statement fails, PostgreSQL
 * rolls everything back; if it succeeds, everything commits, whatever the use case then decides. A statement
 * node-postgres refuses before sending it is followed by ROLLBACK instead; a savepoint cannot be marked; a
 * statement after the marked one is refused. A connection lost while the marked statement runs leaves its
 * outcome unknown to the server, as a COMMIT lost in flight does. Outside a transaction of
 * `beginWithFirstStatement` (a savepoint, a plain query) it does nothing.
 */
export function commitWithNextStatement(tx: Db): void {
  (tx as unknown as Record<symbol, (() => void) | undefined>)[COMMIT_WITH_NEXT]?.();
}

/** The payloads of the LISTEN connections' own heartbeats: never handed to a listener. */
const HEARTBEAT = 'zx-heartbeat:';

export interface ListenHeartbeat {
  /** Sends `payload` on the channel by another connection (the pool). */
  probe: (payload: string) => Promise<void>;
  /** How often a heartbeat is sent (default 15 s) and how long it may take to come back (default 10 s). */
  everyMs?: number;
  timeoutMs?: number;
}

/**
 * A LISTEN connection outside the pool: pooled connections are handed to other queries between uses and
 * would drop the subscription. Reconnects with back-off (1 s doubling to 30 s) until stopped.
 *
 * A connection can also stay open and hear nothing: a half-open socket to a primary that died without a
 * word (its successor now takes the pool's writes), or a pooler in transaction mode that runs the LISTEN on
 * a connection it then lends to others. So every `everyMs` a heartbeat is notified through the pool, and a
 * connection that does not hear it within `timeoutMs` is treated as lost: listeners are told (`onState`
 * false: caches stop serving) and it is replaced.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  onPayload: (payload: string | null) => void,
  onState: (up: boolean) => void = () => undefined,
  heartbeat?: ListenHeartbeat,
): Promise<() => Promise<void>> {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name ${channel}`);
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let beat: NodeJS.Timeout | null = null;
  let delay = 1000;
  let beats = 0;
  const connect = async (first: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString: url, keepAlive: true });
    /** The heartbeat this connection waits to hear, and when it gives up. */
    let awaited: { payload: string; deadline: number } | null = null;
    c.on('notification', (n) => {
      if (n.channel !== channel) return;
      const payload = n.payload ?? '';
      if (payload.startsWith(HEARTBEAT)) {
        if (awaited?.payload === payload) awaited = null;
        return;
      }
      onPayload(payload);
    });
    const retry = () => {
      if (stopped || client !== c) return;
      onState(false);
      client = null;
      if (beat) clearInterval(beat);
      beat = null;
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      timer = setTimeout(() => void connect(false).catch(() => undefined), delay);
      timer.unref();
      delay = Math.min(delay * 2, 30_000);
    };
    const every = heartbeat?.everyMs ?? 15_000;
    const timeout = heartbeat?.timeoutMs ?? 10_000;
    let nextAt = 0;
    /** Run every tick: gives up on a heartbeat past its deadline, or sends the next one when it is due. */
    const check = () => {
      if (stopped || client !== c || !heartbeat) return;
      const now = Date.now();
      if (awaited) {
        if (now < awaited.deadline) return;
        console.error(
          `PostgreSQL LISTEN ${channel}: a heartbeat sent through the pool was not heard; reconnecting`,
        );
        retry();
        return;
      }
      if (now < nextAt) return;
      nextAt = now + every;
      const payload = `${HEARTBEAT}${process.pid}:${++beats}`;
      awaited = { payload, deadline: now + timeout };
      // A probe the pool cannot send proves nothing about this connection: wait for the next one.
      heartbeat.probe(payload).catch(() => {
        if (awaited?.payload === payload) awaited = null;
      });
    };
    c.on('error', (err) => {
      console.error(`PostgreSQL LISTEN ${channel} connection lost: ${err.message}`);
      retry();
    });
    c.on('end', retry);
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (err) {
      if (first) {
        client = null;
        await c.end().catch(() => undefined);
        throw err;
      }
      retry();
      return;
    }
    delay = 1000;
    if (heartbeat) {
      // Ticks more often than it sends: a missed heartbeat is noticed soon after its deadline.
      beat = setInterval(check, Math.max(10, Math.min(every, timeout) / 4));
      beat.unref();
    }
    onState(true);
    // Whatever was notified while the connection was down is lost: say so, so listeners can resync.
    if (!first) onPayload(null);
  };
  await connect(true);
  return async () => {
    stopped = true;
    onState(false);
    if (timer) clearTimeout(timer);
    if (beat) clearInterval(beat);
    const c = client;
    client = null;
    if (c) await c.end().catch(() => undefined);
  };
}

/** Raw SQL returning its rows (node-postgres's `{ rows }`, on either engine). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
