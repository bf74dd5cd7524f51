import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { listenForCache } from '../../../http/invalidated-cache.js';
import { FiguresCache, SharedComputations } from '../figures-cache.js';
import { rankUnits } from '../ranking.js';
import { SCORING_CHANNEL, type RankingCache } from '../use-cases/stats.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * How this instance's reading requests get a ranking (figures-cache.ts): kept as the units' figures, or,
     * turned off, computed for each reader (shared by the readers of one ranking who ask while it is due).
     */
    rankingCache: RankingCache;
  }
}

/** Enough for every hub of a province and a dozen periods each (a ranking serves all its pages). */
const MAX_ENTRIES = 2_000;
/** Units' figures kept at most (a unit's are well under 1 KB): about the rankings of every hub of a
 * province for a dozen periods, whatever custom periods are asked for. */
const MAX_UNITS = 200_000;

/**
 * The rankings' cache (`rankingCacheSeconds`; 0 turns it off: computations shared, nothing kept), told by
 * `zx_scoring` on the change feed from the moment the server is ready: served only while the feed is in
 * force (figures-cache.ts).
 */
export const rankingCachePlugin = fp(async (app: FastifyInstance) => {
  const seconds = app.config.rankingCacheSeconds;
  const cache =
    seconds > 0
      ? new FiguresCache(
          {
            ttlMs: seconds * 1000,
            maxEntries: MAX_ENTRIES,
            maxUnits: MAX_UNITS,
            // A reader sees every change committed before it arrived (db/change-feed.ts).
            catchUp: () => app.changeFeed.sync(),
          },
          rankUnits,
        )
      : null;
  const reader: RankingCache = cache ?? new SharedComputations(rankUnits);
  app.decorate('rankingCache', reader);
  listenForCache(app, SCORING_CHANNEL, cache, app.changeFeed.listen);
});
