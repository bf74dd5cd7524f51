import { z } from 'zod';

/**
 * An entity's id as a request names it (path, query or body): a UUID in any letter case, handed to the
 * handler lower-cased. PostgreSQL stores and prints UUIDs in lower case, and policy and caches compare ids
 * as strings, so `…B2C0` must reach them as `…b2c0` — or the same unit would be "another unit" (403/404)
 * for whoever wrote the id in capitals (RFC 9562 §4: UUIDs compare case-insensitively). Lower-casing is an
 * overwrite, not a transform: the OpenAPI document still says `string, format uuid`.
 */
export function entityId(params?: Parameters<typeof z.uuid>[0]) {
  return z.uuid(params).overwrite((value) => value.toLowerCase());
}

/**
 * Free text that may name an entity (the audit log's object id: a UUID, or a key of another kind): a UUID
 * in any letter case becomes the lower-case form it is recorded under; anything else is left as written.
 */
export function idTextAsRecorded(value: string): string {
  // zod's pattern of any 8-4-4-4-12 hex id, either case (z.uuid's, without the version and variant checks).
  return z.regexes.guid.test(value) ? value.toLowerCase() : value;
}
