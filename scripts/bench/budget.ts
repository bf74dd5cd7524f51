import type { Operation } from './http-harness.js';

/**
 * Shares each pool of write targets out between the rows that will draw from it: a row gets what is left
 * divided by the rows still to come, so every operation at every client count (and in every section) gets
 * fresh targets, and what a time-bound row leaves goes on to the later ones.
 */
export class Budget {
  private readonly runsLeft = new Map<readonly unknown[], number>();
  /** `ops` will each run `runs` times. */
  plan(ops: Pick<Operation, 'pool'>[], runs: number): void {
    for (const op of ops) if (op.pool) this.runsLeft.set(op.pool, (this.runsLeft.get(op.pool) ?? 0) + runs);
  }
  /** The targets the next row of `op` may take (Infinity: not a pool). */
  take(op: Pick<Operation, 'pool'>): number {
    if (!op.pool) return Infinity;
    const left = Math.max(1, this.runsLeft.get(op.pool) ?? 1);
    this.runsLeft.set(op.pool, left - 1);
    return Math.floor(op.pool.length / left);
  }
}
