import type { FastifyRequest } from 'fastify';
import { writeAudit } from './audit.js';
import { idTextAsRecorded } from '../../http/entity-id.js';

/** The refusals worth an audit row (SECURITY.md §16): not logged in, forbidden, out of scope, locked, throttled. */
const AUDITED_STATUSES = new Set([401, 403, 404, 423, 429]);

export const REFUSAL_EVENTS = [
  'access.unauthenticated',
  'access.denied',
  'access.not_found',
  'access.csrf_rejected',
  'access.rate_limited',
  'access.locked',
] as const;
export type RefusalEvent = (typeof REFUSAL_EVENTS)[number];

export function refusalEvent(status: number, csrf: boolean): RefusalEvent {
  if (csrf) return 'access.csrf_rejected';
  if (status === 401) return 'access.unauthenticated';
  if (status === 404) return 'access.not_found';
  if (status === 423) return 'access.locked';
  if (status === 429) return 'access.rate_limited';
  return 'access.denied';
}

/**
 * Writes one `denied` audit row for a refused API request, from the central error handler. It runs after
 * the request's own transaction has rolled back, in a transaction of its own, and never fails the response:
 * if the row cannot be written the refusal is still answered (and the problem logged).
 * Not audited: requests that matched no route (a plain 404), the session probe of the login page
 * (GET /api/auth/me without a session), and refusals a handler has already audited itself.
 */
export async function auditRefusal(
  req: FastifyRequest,
  status: number,
  code: string,
  details: Record<string, unknown> | undefined,
): Promise<void> {
  const route = req.routeOptions.url;
  if (!AUDITED_STATUSES.has(status) || req.refusalAudited || !route?.startsWith('/api/')) return;
  if (status === 401 && route === '/api/auth/me' && !req.session) return;
  req.refusalAudited = true;
  const params = (req.params ?? {}) as Record<string, unknown>;
  const segment = route.split('/')[2] ?? '';
  // Validated (so lower-cased) on every route's usual path; a refusal before validation would see the id as
  // written, and a UUID is recorded in lower case either way.
  const objectId = typeof params.id === 'string' ? idTextAsRecorded(params.id.slice(0, 100)) : null;
  try {
    await req.server.database.db.transaction((tx) =>
      writeAudit(tx, {
        at: new Date(),
        userId: req.session?.actor.userId ?? null,
        ip: req.ip ?? null,
        requestId: String(req.id),
        event: refusalEvent(status, details?.csrf === true),
        objectType: objectId ? segment.replace(/s$/, '') : null,
        objectId,
        result: 'denied',
        detail: { method: req.method, route, status, code },
      }),
    );
  } catch (err) {
    req.log.warn({ err }, 'could not write the audit row of a refused request');
  }
}
