import type { FastifyInstance } from 'fastify';
import type { Listen } from '../db/change-feed.js';

/** What a cache of this instance needs to hear from its channel (modules/scoring/figures-cache.ts, auth/session-cache.ts). */
export interface InvalidatedCache {
  /** A subject changed; null: anything may have (an empty payload, or notifications missed). */
  invalidate(subject: string | null): void;
  /** Whether the channel is heard: while it is not, the cache serves and keeps nothing. */
  setListening(up: boolean): void;
}

/**
 * Keeps `cache` (none when turned off) told of `channel`'s notifications from the moment the server is
 * ready until it closes: by `listen` — NOTIFY on a connection of its own (Database.listen, the default) or
 * the change feed (app.changeFeed.listen) — the cache marked unheard before the subscription is let go.
 */
export function listenForCache(
  app: FastifyInstance,
  channel: string,
  cache: InvalidatedCache | null,
  listen: Listen = app.database.listen,
): void {
  if (!cache) return;
  let stop: (() => Promise<void>) | null = null;
  app.addHook('onReady', async () => {
    stop = await listen(
      channel,
      (subject) => cache.invalidate(subject || null),
      (up) => cache.setListening(up),
    );
  });
  app.addHook('preClose', async () => {
    cache.setListening(false);
    const s = stop;
    stop = null;
    if (s) await s();
  });
}
