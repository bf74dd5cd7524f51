/**
 * `npm run crash -- --rounds 50 [--engine pglite|postgres|both]`: SIGKILL rounds (SECURITY.md item 28) on
 * a fresh database per engine, with a table of what each round wrote and whether the invariants held.
 * PostgreSQL is TEST_DATABASE_URL (default postgres://root@127.0.0.1:5432/test). Exit 1 on any problem.
 */
import { buildServer, crashRound, prepareCrashTarget, type Engine } from './harness.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(arg('--rounds') ?? 50);
const which = arg('--engine') ?? 'both';
const engines: Engine[] = which === 'both' ? ['postgres', 'pglite'] : [which as Engine];
const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

await buildServer();
const pad = (v: unknown, n: number) => String(v).padStart(n);
let failed = 0;
for (const engine of engines) {
  const target = await prepareCrashTarget(engine, baseUrl);
  console.log(`\n${engine === 'postgres' ? 'PostgreSQL' : 'PGlite'}: ${rounds} rounds`);
  console.log('round  acked  in flight  items  adoptions  audit rows  invariants');
  console.log('-----  -----  ---------  -----  ---------  ----------  ----------');
  try {
    for (let round = 1; round <= rounds; round++) {
      const r = await crashRound(target, round);
      if (r.problems.length) failed++;
      console.log(
        `${pad(round, 5)}  ${pad(r.acked, 5)}  ${pad(r.inFlight, 9)}  ${pad(r.items, 5)}  ${pad(r.adoptions, 9)}  ${pad(r.auditRows, 10)}  ${r.problems.length ? `FAIL: ${r.problems.join('; ')}` : 'hold'}`,
      );
    }
    console.log(`acknowledged writes checked: ${target.acks.length}`);
  } finally {
    await target.cleanup();
  }
}
console.log(failed ? `\n${failed} round(s) broke an invariant` : '\nevery round held');
process.exit(failed ? 1 : 0);
