import type { FastifyRequest } from 'fastify';

/**
 * Which requests are API requests (SECURITY.md §15, §26, §27). The auth, CSRF and no-store hooks decide on
 * the route Fastify matched — the pattern it registered, whatever escapes or slashes the raw URL used — so
 * /%61pi/… or //api/… can never reach an API handler without them. Unmatched requests are judged on the
 * normalised path.
 */

/** The request path with its query removed, percent-escapes decoded and repeated slashes collapsed. */
export function normalisedPath(url: string): string {
  const raw = url.split('?')[0] ?? '/';
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    path = raw;
  }
  return path.replace(/[\\/]+/g, '/');
}

/** A path (already normalised) that lies under /api. */
export function apiPath(path: string): boolean {
  const p = path.toLowerCase();
  return p === '/api' || p.startsWith('/api/');
}

/** The matched route is an API route. */
export function isApiRoute(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  return route !== undefined && apiPath(route);
}

/** An API route was matched, or the path, once normalised, lies under /api. */
export function isApiRequest(req: FastifyRequest): boolean {
  return isApiRoute(req) || apiPath(normalisedPath(req.url));
}
