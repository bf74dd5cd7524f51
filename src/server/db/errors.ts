/** The first string `field` along the error and its chain of causes that `accept` takes. */
function alongCauses(err: unknown, field: 'code' | 'constraint', accept: (v: string) => boolean) {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const value = (e as Record<string, unknown>)[field];
    if (typeof value === 'string' && accept(value)) return value;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * PostgreSQL's SQLSTATE of a failed statement. drizzle wraps the driver's error (DrizzleQueryError, the
 * driver's own as `cause`), so the code is looked for along the chain of causes.
 */
export function sqlState(err: unknown): string | undefined {
  return alongCauses(err, 'code', (code) => /^[0-9A-Z]{5}$/.test(code));
}

/** The constraint a failed statement violated, if PostgreSQL named one. */
export function violatedConstraint(err: unknown): string | undefined {
  return alongCauses(err, 'constraint', () => true);
}

/**
 * Unique indexes over a number the application takes as the highest one it read plus one: two
 * transactions numbering at once (two hubs editing one item, each locking only its own hop) read the same
 * highest number, and the second to insert collides. Run again, it reads the first's and takes the next.
 */
const NUMBERING_INDEXES: ReadonlySet<string> = new Set(['item_versions_item_no_uq']);

/**
 * Whether a transaction rolled back by this error should simply run again: a deadlock (40P01) or a
 * serialisation failure (40001) — PostgreSQL's documented remedy — or a collision on a numbering index.
 */
export function isRetryableConflict(err: unknown): boolean {
  const state = sqlState(err);
  if (state === '40P01' || state === '40001') return true;
  return state === '23505' && NUMBERING_INDEXES.has(violatedConstraint(err) ?? '');
}
