import { invalid } from './errors.js';

/**
 * A keyset position in a list ordered by (time desc, id desc), with an optional small integer for lists
 * that order by a third key first (a read flag). Every list's `cursor` parameter and `nextCursor` answer.
 */
export interface Cursor {
  at: Date;
  id: string;
  extra: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to clients: base64url of `time|id` (and `|extra`). */
export function encodeCursor(at: Date, id: string, extra?: number): string {
  return Buffer.from(`${at.toISOString()}|${id}${extra === undefined ? '' : `|${extra}`}`).toString(
    'base64url',
  );
}

/** The position a cursor names; anything else (tampered, truncated, from another format) is a 400 on `cursor`. */
export function decodeCursor(cursor: string): Cursor {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [iso, id, extra, ...rest] = parts;
  const at = new Date(iso ?? '');
  if (
    rest.length > 0 ||
    !iso ||
    Number.isNaN(at.getTime()) ||
    !id ||
    !UUID.test(id) ||
    (extra !== undefined && !/^\d{1,9}$/.test(extra))
  )
    throw invalid('cursor', '分页游标无效');
  return { at, id, extra: extra === undefined ? 0 : Number(extra) };
}
