#!/usr/bin/env node
// `npm test`: every test. Unit tests; integration tests on the embedded PGlite and, when
// TEST_DATABASE_URL is set, again on that PostgreSQL; browser tests in Debian's Chromium.
// Ends with one line "N passed, N failed" and a non-zero exit when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'test-results');
mkdirSync(out, { recursive: true });
const vitest = join(root, 'node_modules/vitest/vitest.mjs');

const runs = [
  { name: 'unit', project: 'unit', env: {} },
  { name: 'integration (PGlite)', project: 'integration', env: { ZX_TEST_ENGINE: 'pglite' } },
];
if (process.env.TEST_DATABASE_URL)
  runs.push({
    name: 'integration (PostgreSQL)',
    project: 'integration',
    env: { ZX_TEST_ENGINE: 'postgres' },
  });
else console.log('TEST_DATABASE_URL is not set: integration tests run on PGlite only.');
if (existsSync('/usr/bin/chromium')) runs.push({ name: 'browser (Chromium)', project: 'browser', env: {} });
else if (process.env.ZX_SKIP_BROWSER !== '1') {
  console.error(
    'Chromium is missing: apt-get install chromium fonts-noto-cjk (or ZX_SKIP_BROWSER=1 to skip browser tests).',
  );
  process.exit(1);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const run of runs) {
  const file = join(out, `${run.name.replace(/\W+/g, '-')}.json`);
  rmSync(file, { force: true });
  console.log(`\n=== ${run.name} ===`);
  const r = spawnSync(
    process.execPath,
    [
      vitest,
      'run',
      '--project',
      run.project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${file}`,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...run.env } },
  );
  if (!existsSync(file)) {
    failed++;
    failures.push(`${run.name}: the runner crashed (exit ${r.status})`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  if (report.numTotalTests === 0) failures.push(`${run.name}: ran no test`);
  if (r.status !== 0 && report.numFailedTests === 0) {
    failed++;
    failures.push(`${run.name}: exit ${r.status} (a suite failed to load)`);
  }
  console.log(`--- ${run.name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
if (failures.length) console.log(`\nProblems:\n- ${failures.join('\n- ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || failures.length > 0 ? 1 : 0);
