import { expect } from 'vitest';

/**
 * Every row of a keyset-paginated list, page after page through `nextCursor`: each page holds at most
 * `limit` rows, and the list ends within 100 pages.
 */
export async function allPages<R>(
  limit: number,
  page: (cursor: string | undefined) => Promise<{ rows: R[]; nextCursor: string | null }>,
): Promise<R[]> {
  const rows: R[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const p = await page(cursor);
    expect(p.rows.length).toBeLessThanOrEqual(limit);
    rows.push(...p.rows);
    if (!p.nextCursor) return rows;
    cursor = p.nextCursor;
  }
  throw new Error('no last page');
}
