/**
 * The LISTEN connection's heartbeat (db/client.ts listenPostgres): a connection that stays open but hears
 * nothing — here a TCP proxy that silently stops forwarding, as a half-open socket to a dead primary or a
 * pooler lending the LISTEN's connection to others would — is noticed by a heartbeat notified through
 * another connection, reported as down (caches stop serving) and replaced; heartbeats never reach the
 * listener.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenPostgres } from '../../src/server/db/client.js';
import { ENGINE } from '../helpers/db.js';

interface Pair {
  client: Socket;
  upstream: Socket;
  frozen: boolean;
}

/** A TCP proxy to PostgreSQL whose open connections can be frozen: bytes dropped, sockets left open. */
function freezableProxy(host: string, port: number) {
  const pairs = new Set<Pair>();
  const server: Server = createServer((client) => {
    const pair: Pair = { client, upstream: connect(port, host), frozen: false };
    pairs.add(pair);
    client.on('data', (d) => void (pair.frozen || pair.upstream.write(d)));
    pair.upstream.on('data', (d) => void (pair.frozen || client.write(d)));
    for (const s of [client, pair.upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        pairs.delete(pair);
        client.destroy();
        pair.upstream.destroy();
      });
    }
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      ),
    freeze: () => {
      for (const p of pairs) p.frozen = true;
      return pairs.size;
    },
    close: async () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise((r) => server.close(r));
    },
  };
}

describe.runIf(ENGINE === 'postgres')('the LISTEN connection’s heartbeat', () => {
  const direct = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test');
  const proxy = freezableProxy(direct.hostname, Number(direct.port || 5432));
  let viaProxy: string;
  let pool: pg.Pool;

  beforeAll(async () => {
    const url = new URL(direct);
    url.port = String(await proxy.listen());
    viaProxy = url.toString();
    pool = new pg.Pool({ connectionString: direct.toString(), max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await proxy.close();
  });

  it('replaces a connection that hears nothing, telling its listener, and never hands it a heartbeat', async () => {
    const payloads: (string | null)[] = [];
    const states: boolean[] = [];
    const channel = 'zx_test_heartbeat';
    const notify = (payload: string) => pool.query('select pg_notify($1, $2)', [channel, payload]);
    const stop = await listenPostgres(
      viaProxy,
      channel,
      (p) => payloads.push(p),
      (up) => states.push(up),
      { probe: async (p) => void (await notify(p)), everyMs: 100, timeoutMs: 400 },
    );
    try {
      expect(states).toEqual([true]);
      await notify('before');
      await expect.poll(() => payloads, { timeout: 3_000 }).toEqual(['before']);
      // Several heartbeats come and go unseen, and the connection stays.
      await new Promise((r) => setTimeout(r, 600));
      expect({ payloads, states }).toEqual({ payloads: ['before'], states: [true] });

      expect(proxy.freeze()).toBeGreaterThan(0);
      // Down within a heartbeat's deadline, then up again on a fresh connection, with "anything may have
      // changed meanwhile" (null) for the caches.
      await expect.poll(() => states, { timeout: 5_000, interval: 20 }).toEqual([true, false, true]);
      await expect.poll(() => payloads, { timeout: 3_000 }).toEqual(['before', null]);
      await notify('after');
      await expect.poll(() => payloads, { timeout: 3_000 }).toEqual(['before', null, 'after']);
    } finally {
      await stop();
    }
    expect(states[states.length - 1]).toBe(false);
  }, 20_000);
});
