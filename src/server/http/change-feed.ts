import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CHANGE_FEED_DEFAULTS, ChangeFeed } from '../db/change-feed.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What committed transactions changed, for this instance's caches and live streams (db/change-feed.ts). */
    changeFeed: ChangeFeed;
  }
}

/** The change feed, read from the moment the server is ready until it closes. */
export const changeFeedPlugin = fp(async (app: FastifyInstance) => {
  const feed = new ChangeFeed(app.database, {
    ...CHANGE_FEED_DEFAULTS,
    pollMs: app.config.changeFeedPollMs,
    onError: (err) => app.log.error({ err }, 'change feed unreadable: caches off until it is read again'),
  });
  app.decorate('changeFeed', feed);
  app.addHook('onReady', () => feed.start());
  app.addHook('preClose', () => feed.stop());
});
