/**
 * The embedded PGlite in a worker thread of its own (started by pglite-link.ts). The main thread sends
 * PostgreSQL wire-protocol messages as node-postgres writes them and gets the backend's raw answer bytes
 * back: the database's WebAssembly runs on one core while the server's JavaScript — routing, policies,
 * serialisation and node-postgres's parsing of the answers — runs on another, instead of both taking
 * turns on one thread. PGlite's own JavaScript wire parser is not used at all (execProtocolRaw).
 *
 * Messages are handled one at a time in arrival order: PGlite has a single session, and the main thread
 * lends it to one node-postgres client at a time (a pool of one), like PGlite's own transaction lock.
 *
 * This file is loaded as is by Node in development (type stripping: type annotations only, no imports of
 * the project's modules) and as tsc's output in the build.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

interface ThreadData {
  /** A data directory, or 'memory://'. */
  dataDir: string;
}

/** From the main thread: wire-protocol bytes to run, or the request to close the database. */
type Request = { id: number; bytes: Uint8Array } | { id: number; close: true };

const port = parentPort;
if (!port) throw new Error('pglite-thread runs as a worker thread');
const { dataDir } = workerData as ThreadData;

const db = dataDir === 'memory://' ? new PGlite() : new PGlite(dataDir);
let queue: Promise<void> = db.waitReady.then(
  () => port.postMessage({ ready: true }),
  (err: unknown) => port.postMessage({ ready: false, error: describe(err) }),
);

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

port.on('message', (request: Request) => {
  queue = queue.then(async () => {
    if ('close' in request) {
      try {
        if (!db.closed) await db.close();
        port.postMessage({ id: request.id, closed: true });
      } catch (err) {
        port.postMessage({ id: request.id, error: describe(err) });
      }
      return;
    }
    try {
      const answer = await db.execProtocolRaw(request.bytes);
      // PGlite answers with a copy of its receive buffer: hand that copy over as is (transferred, not
      // copied again) unless it is a view into something larger.
      const out =
        answer.byteOffset === 0 && answer.byteLength === answer.buffer.byteLength ? answer : answer.slice();
      port.postMessage({ id: request.id, bytes: out }, [out.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: request.id, error: describe(err) });
    }
  });
});
