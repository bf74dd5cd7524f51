import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import {
  servePglite,
  type PgliteMessage,
  type PgliteRequest,
  type PgliteServer,
  type ThreadData,
} from './pglite-thread.js';
import { serialize } from 'pg-protocol';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { Parser } from 'pg-protocol/dist/parser.js';

/**
 * The embedded PGlite reached through node-postgres, the driver the server uses on PostgreSQL: the same
 * driver, type parsing and prepared statements on both engines, and PGlite's JavaScript wire parser replaced
 * by node-postgres's. A node-postgres client normally writes the wire protocol to a socket; here its
 * connection hands the same bytes to PGlite and parses the answer bytes the way it parses a socket's. PGlite
 * runs on the server's thread (`SameThread`) unless `ZX_PGLITE_THREAD=1` puts it in a worker thread of its
 * own (pglite-thread.ts: the database's WebAssembly on another core; see `pgliteInThread` for why that is
 * not the default). "The thread" below is whichever of the two runs it.
 *
 * PGlite has one session. The pool lends it to one client at a time (max 1), so a transaction holds the
 * database for its duration, as PGlite's own transaction lock does; named prepared statements live in that
 * one session, and their names are kept per thread, so a client that replaces a failed one does not parse
 * them again.
 */
export interface PgliteLink {
  /** A node-postgres pool of one client over the thread. */
  pool: pg.Pool;
  /** Hears NOTIFYs committed on the database (its one session LISTENs for the channel). */
  subscribe(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** How many requests have gone to the thread (each a round trip between the threads). */
  requests(): number;
}

/** An answer to one request (the other message says whether the database opened). */
type Answer = Extract<PgliteMessage, { id: number }>;

/** Where the thread's code is: beside this module (source or tsc's output), or below the server bundle. */
function threadUrl(): URL {
  const candidates = ['./pglite-thread.ts', './pglite-thread.js', './server/db/pglite-thread.js'];
  for (const candidate of candidates) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`pglite-thread not found beside ${import.meta.url}`);
}

/** What `Thread` uses of a worker thread: a real one, or `SameThread` standing in for it. */
interface WorkerLike {
  postMessage(value: object, transfer?: ArrayBuffer[]): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}
// EventEmitter's and Worker's own listener type: each event's listener takes its own arguments.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

/**
 * Whether PGlite runs in a worker thread (`ZX_PGLITE_THREAD=1`) or on the server's own thread (the default).
 * The thread doubled the embedded database's throughput on two cores, but a worker thread of WebAssembly
 * beside the main thread's JavaScript can abort the whole process: V8's registry of JIT code pages, shared
 * by every thread of the process, fails a check under that mix (`Check failed: jit_page.has_value()`; seen
 * once in CI, a test process with PGlite threads started and stopped per test file; known upstream,
 * nodejs/node#64500, archestra-ai/archestra#6177). Until V8 fixes it, a unit's database does not risk it.
 */
export function pgliteInThread(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ZX_PGLITE_THREAD === '1';
}

/**
 * PGlite on this thread, behind the worker's message interface: the same `servePglite` a worker thread
 * runs, each answer delivered on a later turn of the event loop as a thread's would be. It keeps no handle
 * open, so it never holds a process alive.
 */
class SameThread extends EventEmitter implements WorkerLike {
  private readonly server: PgliteServer;

  constructor(dataDir: string) {
    super();
    this.server = servePglite(dataDir, (message) => setImmediate(() => this.emit('message', message)));
  }

  postMessage(request: PgliteRequest): void {
    this.server.handle(request);
  }

  ref(): void {}
  unref(): void {}

  async terminate(): Promise<number> {
    await this.server.close();
    return 0;
  }
}

class Thread {
  readonly worker: WorkerLike;
  readonly ready: Promise<void>;
  /** The named statements parsed in the thread's one session (pg's per-connection cache, shared). */
  readonly parsedStatements: Record<string, string> = {};
  nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (bytes: Uint8Array | null) => void; reject: (err: Error) => void }
  >();
  private dead: Error | null = null;
  private closing = false;

  /** `onNotification` hears every NOTIFY found in an answer. */
  constructor(
    dataDir: string,
    private readonly onNotification: (channel: string, payload: string) => void,
  ) {
    this.worker = pgliteInThread()
      ? new Worker(threadUrl(), {
          workerData: { pgliteThread: true, dataDir } satisfies ThreadData,
          // The process's flags, but not one that only means something beside `--eval` (a worker has no
          // string to evaluate and would refuse to start).
          execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
        })
      : new SameThread(dataDir);
    // Like a socket that waits for an answer, the thread keeps the process alive only while a request is
    // out (and while it opens): an idle database does not hold a finished command-line run open.
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: { ready?: boolean; error?: string }) => {
        if (message.ready === undefined) return;
        this.worker.off('message', onMessage);
        if (message.ready) resolve();
        else reject(new Error(`PGlite could not open ${dataDir}: ${message.error ?? ''}`));
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
    });
    void this.ready.then(
      () => this.idle(),
      () => undefined,
    );
    this.worker.on('message', (answer: Answer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      this.idle();
      if ('error' in answer) waiting.reject(new Error(`PGlite: ${answer.error}`));
      else waiting.resolve('bytes' in answer ? answer.bytes : null);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`the PGlite thread exited (code ${code})`));
    });
  }

  private fail(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
    if (!this.closing) console.error(`embedded database lost: ${err.message}`);
  }

  /** Runs wire-protocol bytes in the thread; answers the backend's bytes. */
  run(bytes: Uint8Array): Promise<Uint8Array> {
    return this.request({ bytes }, [bytes.buffer as ArrayBuffer]) as Promise<Uint8Array>;
  }

  private request(body: object, transfer: ArrayBuffer[] = []): Promise<Uint8Array | null> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...body }, transfer);
    });
  }

  private idle(): void {
    if (this.pending.size === 0) this.worker.unref();
  }

  async close(): Promise<void> {
    if (this.dead) return;
    try {
      await this.request({ close: true });
    } finally {
      this.closing = true;
      await this.worker.terminate();
    }
  }

  /**
   * What a closed socket does to a PostgreSQL session, done to the one session a discarded connection
   * leaves behind: its transaction rolled back and its prepared statements dropped, before anything a
   * later connection sends (the thread runs requests in the order they are posted). Without it, the next
   * request would run inside the discarded connection's transaction, and names it had parsed, or was
   * parsing when it went, would clash. Notifications in the answer are still delivered.
   */
  resetSession(): void {
    for (const name of Object.keys(this.parsedStatements)) delete this.parsedStatements[name];
    const bytes = new Uint8Array(
      Buffer.concat([serialize.query('ROLLBACK'), serialize.query('DEALLOCATE ALL')]),
    );
    this.run(bytes).then(
      (out) => parseAnswer(new Parser(), out, (msg) => this.notified(msg)),
      () => undefined, // the thread is gone: nothing is left to reset
    );
  }

  /** Hands a NotificationResponse to `onNotification`; any other message is not its business. */
  notified(msg: BackendMessage): void {
    if (msg.name !== 'notification') return;
    const { channel, payload } = msg as BackendMessage & { channel: string; payload: string };
    this.onNotification(channel, payload);
  }
}

/** Feeds an answer's bytes to a wire-protocol parser (which keeps a message cut at the end for the next). */
function parseAnswer(parser: Parser, out: Uint8Array, onMessage: (msg: BackendMessage) => void): void {
  if (out.length > 0) parser.parse(Buffer.from(out.buffer, out.byteOffset, out.byteLength), onMessage);
}

/**
 * What node-postgres's Client calls on its connection (pg/lib/connection.js), over the thread instead of a
 * socket. The messages a query writes in one go (parse, bind, describe, execute, sync) leave together at
 * the end of the tick, in one message to the thread.
 */
class ThreadConnection extends EventEmitter {
  _connecting = false;
  /**
   * What node-postgres asks of its socket. As on a socket, messages written while it is corked leave together
   * at the last uncork: node-postgres corks around each query's messages, and a transaction's BEGIN stays
   * corked until its first statement joins it (db/client.ts).
   */
  readonly stream = {
    destroy: () => this.end(),
    writable: true,
    cork: () => {
      this.corked++;
    },
    uncork: () => {
      if (this.corked === 0 || --this.corked > 0 || this.outgoing.length === 0) return;
      queueMicrotask(() => this.flushOutgoing());
    },
  };
  private corked = 0;
  readonly parsedStatements: Record<string, string>;
  readonly submittedNamedStatements: Record<string, unknown> = {};
  private emitMessage = false;
  private readonly parser = new Parser();
  private outgoing: Buffer[] = [];
  private ended = false;
  /** Answers are parsed in the order their requests left. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly thread: Thread) {
    super();
    this.parsedStatements = thread.parsedStatements;
    this.on('newListener', (event) => {
      if (event === 'message') this.emitMessage = true;
    });
  }

  connect(): void {
    this._connecting = true;
    this.thread.ready.then(
      () => process.nextTick(() => this.emit('readyForQuery')),
      (err: unknown) => this.emit('error', err),
    );
  }

  private send(buffer: Buffer): void {
    if (this.ended) return;
    this.outgoing.push(buffer);
    if (this.outgoing.length === 1 && this.corked === 0) queueMicrotask(() => this.flushOutgoing());
  }

  private flushOutgoing(): void {
    if (this.corked > 0) return; // the last uncork sends them
    const buffers = this.outgoing;
    this.outgoing = [];
    if (buffers.length === 0 || this.ended) return;
    // One copy of its own (serialize's buffers may be views into a shared pool, and this one is handed over).
    const bytes = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of buffers) {
      bytes.set(b, at);
      at += b.length;
    }
    const answer = this.thread.run(bytes);
    this.chain = this.chain
      .then(() => answer)
      .then(
        // Parsed even after the connection ended: notifications in it are still everyone's.
        (out) => parseAnswer(this.parser, out, (msg) => this.dispatch(msg)),
        (err: unknown) => this.fail(err),
      )
      .catch((err: unknown) => this.fail(err));
  }

  private dispatch(msg: BackendMessage): void {
    this.thread.notified(msg);
    if (this.ended) return;
    if (this.emitMessage) this.emit('message', msg);
    this.emit(msg.name === 'error' ? 'errorMessage' : msg.name, msg);
  }

  /** The thread failed, or handling an answer threw: the connection is unusable, as on a socket error. */
  private fail(err: unknown): void {
    if (this.ended) return;
    try {
      this.emit('error', err instanceof Error ? err : new Error(String(err)));
    } catch (thrown) {
      // Nobody listened for the error (a client neither in the pool nor in a query): keep it visible.
      console.error(
        `embedded database connection failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      );
    }
  }

  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  sendSASLInitialResponseMessage(): void {}
  sendSCRAMClientFinalMessage(): void {}
  query(text: string): void {
    this.send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.send(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.send(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.send(serialize.execute(config));
  }
  describe(msg: Parameters<typeof serialize.describe>[0]): void {
    this.send(serialize.describe(msg));
  }
  close(msg: Parameters<typeof serialize.close>[0]): void {
    this.send(serialize.close(msg));
  }
  flush(): void {
    this.send(serialize.flush());
  }
  sync(): void {
    this.send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.send(serialize.copyDone());
  }
  sendCopyFail(msg: string): void {
    this.send(serialize.copyFail(msg));
  }
  ref(): void {}
  unref(): void {}

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.writable = false;
    // What was not yet handed over never reached the database, as on a socket closed before its write.
    this.outgoing = [];
    this.thread.resetSession();
    void this.chain.then(() => this.emit('end'));
  }
}

/** A LISTEN channel's name as the server writes them (interpolated into LISTEN, so checked first). */
export const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Starts PGlite on `dataDir` ('memory://' for an in-memory database), in a worker thread if configured. */
export async function openPgliteThread(dataDir: string): Promise<PgliteLink> {
  /** Each channel with subscribers: its LISTEN (in force once resolved, forgotten if it fails) and them. */
  const channels = new Map<string, { inForce: Promise<void>; listeners: Set<(payload: string) => void> }>();
  const thread = new Thread(dataDir, (channel, payload) => {
    for (const listener of channels.get(channel)?.listeners ?? []) {
      // A listener's failure is its own: the answer it arrived in still reaches its query.
      try {
        listener(payload);
      } catch (err) {
        console.error(`listener of ${channel} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  });
  try {
    await thread.ready;
  } catch (err) {
    await thread.worker.terminate();
    throw err;
  }
  class ThreadClient extends pg.Client {
    constructor(config: pg.ClientConfig = {}) {
      // `connection` is node-postgres's seam for a connection of one's own (as PGlite's adapter uses it).
      super({ ...config, connection: new ThreadConnection(thread) } as pg.ClientConfig);
    }
  }
  const pool = new pg.Pool({ max: 1, idleTimeoutMillis: 0, pipeline: true, Client: ThreadClient });
  pool.on('error', (err) => console.error(`embedded database connection closed: ${err.message}`));
  return {
    pool,
    subscribe: async (channel, onPayload) => {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name ${channel}`);
      let entry = channels.get(channel);
      if (!entry) {
        const started = {
          inForce: pool.query(`LISTEN ${channel}`).then(() => undefined),
          listeners: new Set<(payload: string) => void>(),
        };
        entry = started;
        channels.set(channel, started);
        started.inForce.catch(() => {
          if (channels.get(channel) === started) channels.delete(channel);
        });
      }
      await entry.inForce;
      entry.listeners.add(onPayload);
      const subscribed = entry;
      return async () => {
        if (!subscribed.listeners.delete(onPayload) || subscribed.listeners.size > 0) return;
        if (channels.get(channel) !== subscribed) return;
        channels.delete(channel);
        await pool.query(`UNLISTEN ${channel}`).catch(() => undefined);
      };
    },
    close: async () => {
      await pool.end();
      await thread.close();
    },
    requests: () => thread.nextId - 1,
  };
}
