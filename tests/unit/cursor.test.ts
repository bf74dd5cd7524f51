import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/server/http/cursor.js';
import { AppError } from '../../src/server/http/errors.js';

const AT = new Date('2026-11-26T02:03:04.567Z');
const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('keyset cursors (every list’s cursor and nextCursor)', () => {
  it('round-trip a time and an id, and an optional third key', () => {
    expect(decodeCursor(encodeCursor(AT, ID))).toEqual({ at: AT, id: ID, extra: 0 });
    expect(decodeCursor(encodeCursor(AT, ID, 1))).toEqual({ at: AT, id: ID, extra: 1 });
    expect(decodeCursor(encodeCursor(AT, ID.toUpperCase(), 0))).toEqual({
      at: AT,
      id: ID.toUpperCase(),
      extra: 0,
    });
    expect(encodeCursor(AT, ID)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty', ''],
    ['not base64 of anything useful', '!!!'],
    ['no id', b64(AT.toISOString())],
    ['a bad time', b64(`yesterday|${ID}`)],
    ['an id that is not a uuid', b64(`${AT.toISOString()}|1 or 1=1`)],
    ['a uuid with something after it', b64(`${AT.toISOString()}|${ID}x`)],
    ['a non-integer third key', b64(`${AT.toISOString()}|${ID}|-1`)],
    ['a fourth part', b64(`${AT.toISOString()}|${ID}|1|2`)],
    ['the old JSON form', b64(JSON.stringify([AT.toISOString(), ID, 0]))],
  ])('refuse %s as a 400 naming the cursor', (_, cursor) => {
    let error: unknown;
    try {
      decodeCursor(cursor);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation', details: { field: 'cursor' } });
  });
});
