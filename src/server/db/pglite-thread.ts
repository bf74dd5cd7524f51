/**
 * The embedded PGlite's side of the link (pglite-link.ts): wire-protocol messages as node-postgres writes
 * them come in, the backend's raw answer bytes go back; PGlite's own JavaScript wire parser is not used at
 * all (execProtocolRawStream, see `answerBytes`). Messages are handled one at a time in arrival order:
 * PGlite has a single session, and the link lends it to one node-postgres client at a time (a pool of one),
 * like PGlite's own transaction lock.
 *
 * `servePglite` is that side, whoever carries the messages: pglite-link.ts calls it on the server's own
 * thread (the default), and run as a worker thread (ZX_PGLITE_THREAD=1) this file calls it itself, with the
 * thread's port — the database's WebAssembly then on a core of its own.
 *
 * This file is loaded as is by Node in a worker in development (type stripping: type annotations only, no
 * imports of the project's modules) and as tsc's output in the build.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** What pglite-link.ts starts the worker with (the mark tells it from any other worker importing this). */
export interface ThreadData {
  pgliteThread: true;
  /** A data directory, or 'memory://'. */
  dataDir: string;
}

/** To PGlite: wire-protocol bytes to run, or the request to close the database. */
export type PgliteRequest = { id: number; bytes: Uint8Array } | { id: number; close: true };

/** From PGlite: opened (or not), then one answer per request. */
export type PgliteMessage =
  | { ready: true }
  | { ready: false; error: string }
  | { id: number; bytes: Uint8Array }
  | { id: number; closed: true }
  | { id: number; error: string };

export interface PgliteServer {
  /** Queues a request behind the ones before it. */
  handle(request: PgliteRequest): void;
  /** Closes the database (after the queued requests) unless a request already did. */
  close(): Promise<void>;
}

/** Opens PGlite on `dataDir` and answers through `post` (a message, and buffers it may hand over). */
export function servePglite(
  dataDir: string,
  post: (message: PgliteMessage, transfer?: ArrayBuffer[]) => void,
): PgliteServer {
  const db = dataDir === 'memory://' ? new PGlite() : new PGlite(dataDir);
  let queue: Promise<void> = db.waitReady.then(
    () => post({ ready: true }),
    (err: unknown) => post({ ready: false, error: describe(err) }),
  );
  const handle = async (request: PgliteRequest): Promise<void> => {
    try {
      if ('close' in request) {
        if (!db.closed) await db.close();
        post({ id: request.id, closed: true });
        return;
      }
      const out = await answerBytes(db, request.bytes);
      post({ id: request.id, bytes: out }, [out.buffer as ArrayBuffer]);
    } catch (err) {
      post({ id: request.id, error: describe(err) });
    }
  };
  return {
    handle: (request) => {
      queue = queue.then(() => handle(request));
    },
    close: async () => {
      await queue;
      if (!db.closed) await db.close();
    },
  };
}

/**
 * The backend's answer to `bytes`, as raw wire bytes in a buffer of its own (to be handed over as is).
 * Through `execProtocolRawStream`, not `execProtocolRaw`: PGlite 0.5's `execProtocolRaw` also runs every
 * answer through its own JavaScript wire parser and keeps each parsed message in a list that a raw call
 * never empties — measured on a 50-row page, 271 µs a query against 52 µs here, and the heap growing by
 * 325 MB over 20,000 queries against none (tests/integration/pglite-thread.test.ts). The chunks are views
 * into the database's memory, copied as they come.
 */
async function answerBytes(db: PGlite, bytes: Uint8Array): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  await db.execProtocolRawStream(bytes, {
    onRawData: (chunk: Uint8Array) => {
      chunks.push(chunk.slice());
      length += chunk.length;
    },
  });
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

// Started as pglite-link's worker thread: serve the thread's port.
const port = parentPort;
const data = workerData as Partial<ThreadData> | null;
if (!isMainThread && port && data?.pgliteThread === true && typeof data.dataDir === 'string') {
  const server = servePglite(data.dataDir, (message, transfer) => port.postMessage(message, transfer ?? []));
  port.on('message', (request: PgliteRequest) => server.handle(request));
}
