/**
 * The embedded PGlite's side of the link (pglite-link.ts): wire-protocol messages as node-postgres writes
 * them come in, the backend's raw answer bytes go back; PGlite's own JavaScript wire parser is not used at
 * all (execProtocolRaw). Messages are handled one at a time in arrival order: PGlite has a single session,
 * and the link lends it to one node-postgres client at a time (a pool of one), like PGlite's own
 * transaction lock.
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
      const answer = await db.execProtocolRaw(request.bytes);
      // PGlite answers with a copy of its receive buffer: hand that copy over as is (transferred, not
      // copied again) unless it is a view into something larger.
      const out =
        answer.byteOffset === 0 && answer.byteLength === answer.buffer.byteLength ? answer : answer.slice();
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
