import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { NotifiedCache } from '../../../db/notified-cache.js';
import { listenForCache } from '../../../http/invalidated-cache.js';
import { SCORING_CHANNEL, type RankingCache } from '../use-cases/stats.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's ranked rows of reading requests (use-cases/stats.ts); null when turned off. */
    rankingCache: RankingCache | null;
  }
}

/** Enough for every hub of a province and a few periods and pages each. */
const MAX_ENTRIES = 2_000;
/** Ranked rows kept at most (a row is well under 1 KB): about the rankings of every hub of a province for
 * a dozen periods, whatever custom periods are asked for. */
const MAX_ROWS = 200_000;

/**
 * The rankings' cache (`rankingCacheSeconds`, 0 turns it off), told by `zx_scoring` on the change feed from
 * the moment the server is ready: served only while the feed is in force (db/notified-cache.ts).
 */
export const rankingCachePlugin = fp(async (app: FastifyInstance) => {
  const seconds = app.config.rankingCacheSeconds;
  const cache: RankingCache | null =
    seconds > 0
      ? new NotifiedCache({
          ttlMs: seconds * 1000,
          maxEntries: MAX_ENTRIES,
          maxWeight: MAX_ROWS,
          weigh: (rows) => rows.length,
          // A reader sees every change committed before it arrived (db/change-feed.ts).
          catchUp: () => app.changeFeed.sync(),
        })
      : null;
  app.decorate('rankingCache', cache);
  listenForCache(app, SCORING_CHANNEL, cache, app.changeFeed.listen);
});
