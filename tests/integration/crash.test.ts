import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildServer,
  checkInvariants,
  crashRound,
  prepareCrashTarget,
  type CrashTarget,
} from '../../scripts/crash/harness.js';
import { openDatabase } from '../../src/server/db/client.js';
import { ENGINE } from '../helpers/db.js';

/**
 * SECURITY.md item 28: the compiled server, as a child process on a real database (PostgreSQL, or PGlite
 * with its data directory), is killed with SIGKILL during a storm of submissions, receipts and adoptions
 * from HTTP clients, restarted, and the invariants are checked by SQL (scripts/crash/harness.ts): every
 * acknowledged write present, no item or hop in an impossible state, events matching state changes with
 * their audit rows, the audit chain intact and sealed, no duplicated numbers, the ledger matching the
 * adoptions. A few rounds here; `npm run crash -- --rounds 50` runs fifty.
 */
const ROUNDS = Number(process.env.ZX_CRASH_ROUNDS ?? (ENGINE === 'pglite' ? 2 : 3));
let target: CrashTarget;

beforeAll(async () => {
  await buildServer();
  target = await prepareCrashTarget(ENGINE, process.env.TEST_DATABASE_URL);
}, 600_000);

afterAll(async () => target?.cleanup());

describe('crash safety', () => {
  it(`SEC-28 SIGKILL during a write storm, ${ROUNDS} rounds: nothing acknowledged lost, invariants hold`, async () => {
    let acked = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await crashRound(target, round);
      expect(r.problems, `round ${round}`).toEqual([]);
      expect(r.acked, `round ${round}: the storm wrote before the kill`).toBeGreaterThan(0);
      acked += r.acked;
    }
    expect(target.acks).toHaveLength(acked);
    expect(target.acks.some((a) => a.kind === 'adopt')).toBe(true);
  }, 600_000);

  it('SEC-28 the invariant checks see a lost write, a state change without its event and a broken ledger', async () => {
    // Run after the rounds: the same database, damaged inside a transaction that is rolled back.
    const database = await openDatabase({ url: target.url, dataDir: target.dataDir });
    const problems: string[] = [];
    try {
      await database.db
        .transaction(async (tx) => {
          await tx.execute(sql`update hops set state = 'received', row_version = row_version + 1
                               where id = (select hop_id from adoptions order by adopted_at limit 1)`);
          await tx.execute(sql`delete from score_entries where id = (select id from score_entries limit 1)`);
          await tx.execute(sql`update items set state = 'draft' where id = (
                                 select id from items where state = 'submitted' order by created_at limit 1)`);
          problems.push(...(await checkInvariants(tx, target)).problems);
          throw new Error('rollback');
        })
        .catch((e: unknown) => {
          if (!(e instanceof Error && e.message === 'rollback')) throw e;
        });
      expect(problems.join('\n')).toMatch(/adoptions whose hop is not handled/);
      expect(problems.join('\n')).toMatch(/current state differs from the last event/);
      expect(problems.join('\n')).toMatch(/without exactly one ledger row/);
      expect(problems.join('\n')).toMatch(/unsubmitted items with a hop/);
      expect((await checkInvariants(database.db, target)).problems).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
