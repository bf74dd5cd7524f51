import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { isRetryableConflict, sqlState, violatedConstraint } from '../../src/server/db/errors.js';

/** A driver error as node-postgres and PGlite raise them: SQLSTATE in `code`, the index in `constraint`. */
const pgError = (code: string, constraint?: string) => Object.assign(new Error('db'), { code, constraint });
/** The same error as drizzle rethrows it. */
const wrapped = (e: Error) => new DrizzleQueryError('insert …', [], e);

describe('sqlState and violatedConstraint', () => {
  it('read the driver’s error, bare or wrapped by drizzle', () => {
    for (const e of [
      pgError('23505', 'item_versions_item_no_uq'),
      wrapped(pgError('23505', 'item_versions_item_no_uq')),
    ]) {
      expect(sqlState(e)).toBe('23505');
      expect(violatedConstraint(e)).toBe('item_versions_item_no_uq');
    }
  });

  it('answer nothing for errors that carry no SQLSTATE', () => {
    expect(sqlState(new Error('x'))).toBeUndefined();
    expect(sqlState(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
    expect(sqlState('23505')).toBeUndefined();
    expect(violatedConstraint(wrapped(pgError('40P01')))).toBeUndefined();
  });

  it('stop on a cycle of causes', () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(sqlState(a)).toBeUndefined();
  });
});

describe('isRetryableConflict', () => {
  it('retries deadlocks, serialisation failures and collisions on a numbering index', () => {
    expect(isRetryableConflict(wrapped(pgError('40P01')))).toBe(true);
    expect(isRetryableConflict(wrapped(pgError('40001')))).toBe(true);
    expect(isRetryableConflict(wrapped(pgError('23505', 'item_versions_item_no_uq')))).toBe(true);
  });

  it('does not retry other unique violations, other constraint errors or other failures', () => {
    expect(isRetryableConflict(wrapped(pgError('23505', 'adoptions_active_uq')))).toBe(false);
    expect(isRetryableConflict(wrapped(pgError('23505')))).toBe(false);
    expect(isRetryableConflict(wrapped(pgError('23503', 'item_versions_item_no_uq')))).toBe(false);
    expect(isRetryableConflict(wrapped(pgError('57014')))).toBe(false);
    expect(isRetryableConflict(new Error('boom'))).toBe(false);
  });
});
