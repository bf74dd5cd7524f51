/**
 * `npm run bench` — performance at province scale. Prints a table; asserts nothing (speed targets are
 * never timed tests). See README.md, 性能 / Performance.
 *
 *   npm run bench                          1,000,000 items on PostgreSQL (built once, then reused), 20,000 on PGlite
 *   npm run bench -- --items 20000         a small data set (development)
 *   options: --rebuild  --seconds 8  --max-requests 2000  --clients 4,16  --pglite-items 20000
 *            --no-pglite  --no-postgres  --no-pgbench  --no-statements  --only <name part> (repeatable)
 *            --no-multi  --multi-clients 4,16  --database <name> (the data set's database; default by size:
 *            zx_bench_province for 1,000,000 items, zx_bench_province_<items> otherwise; the run copy is <name>_run)
 *   environment: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://root@127.0.0.1:5432/test)
 *
 * After the single-instance PostgreSQL rows, two instances on the same run database behind nginx (round
 * robin, keepalive upstream) run the workflow writes and the inbox/list reads again ('PostgreSQL ×2 (nginx)').
 * Every write takes a fresh target once in the whole run: a pool is shared out between all the rows that draw
 * from it (what a row leaves goes on to the next), and a row whose share ran out says so in the table.
 *
 * Run it under `nice -n 19` on a shared machine: the build of a million items takes minutes.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { startBalanced } from './balancer.js';
import { Budget } from './budget.js';
import { refreshAccounts } from './dataset.js';
import { pgliteRunner, pgRunner, preparePglite, preparePostgres } from './db.js';
import { loadFixture, type Fixture } from './fixture.js';
import {
  login,
  operations,
  runOp,
  Sessions,
  startServer,
  formatMemory,
  type Operation,
  type RunningServer,
} from './http-harness.js';
import { runCommitCeiling, runPgbench, type PgbenchResult } from './pgbench.js';
import {
  formatErrors,
  formatMultiComparison,
  formatPoolWarnings,
  formatTable,
  isWorkflowWrite,
  judge,
  MULTI,
  onPostgres,
  toRow,
  type Row,
} from './report.js';
import { PgDialect } from 'drizzle-orm/pg-core';
import { namedQuery } from '../../src/server/modules/scoring/sql.js';
import { countStatements, formatStatements, type CountedRequest } from './statements.js';

const ROOT = join(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000000' },
    rebuild: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '8' },
    'max-requests': { type: 'string', default: '2000' },
    clients: { type: 'string', default: '4,16' },
    'pglite-items': { type: 'string', default: '20000' },
    'no-pglite': { type: 'boolean', default: false },
    'no-postgres': { type: 'boolean', default: false },
    'no-pgbench': { type: 'boolean', default: false },
    'no-statements': { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    'no-multi': { type: 'boolean', default: false },
    'multi-clients': { type: 'string' },
    database: { type: 'string' },
  },
});
const items = Number(args.items);
const pgliteItems = Number(args['pglite-items']);
const limits = { seconds: Number(args.seconds), maxRequests: Number(args['max-requests']) };
const clientCounts = args.clients.split(',').map(Number);
/** The computed and changing rankings also with one client: one viewer after a change. */
const rankingClientCounts = [...new Set([1, ...clientCounts])];
const multiClientCounts = (args['multi-clients'] ?? args.clients).split(',').map(Number);
const base =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const log = (line: string) => console.log(line);

function buildIfStale(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('build failed');
}

const selected = (ops: Operation[]) =>
  args.only ? ops.filter((o) => args.only!.some((part) => o.name.includes(part))) : ops;

/** What the two-instance section measures: the workflow writes and the inbox and list reads. */
const inMulti = (o: Operation) =>
  isWorkflowWrite(o.name) || o.name.startsWith('inbox') || o.name.startsWith('item list');

/** The process ids of started servers (a child that failed to spawn has none, and no CPU to report). */
const pidsOf = (servers: readonly RunningServer[]): number[] =>
  servers.flatMap((s) => (s.child.pid === undefined ? [] : [s.child.pid]));
const serverTarget = (s: RunningServer) => ({ base: s.base, pids: pidsOf([s]) });

/** Runs each operation at each client count against a started server (or nginx in front of several). */
async function measure(
  engine: Row['engine'],
  target: { base: string; pids: readonly number[] },
  ops: Operation[],
  counts: number[],
  budget: Budget,
): Promise<Row[]> {
  const { base, pids } = target;
  const sessions = new Sessions();
  const rows: Row[] = [];
  for (const op of ops) {
    const next = () => op.next(sessions);
    if (op.warm) await runOp(base, 1, next, { seconds: 30, maxRequests: 2 });
    for (const c of counts) {
      const share = budget.take(op);
      let row: Row;
      let clientCpu = '';
      if (share === 0) {
        row = toRow(
          engine,
          op.name,
          op.kind,
          c,
          { samples: [], seconds: 0, errors: [] },
          'pool empty: no fresh targets left for this row',
        );
      } else {
        const cap = Math.min(limits.maxRequests, share);
        const stop = op.during?.();
        const r = await runOp(base, c, next, { seconds: limits.seconds, maxRequests: cap }, pids).finally(
          () => stop?.(),
        );
        const short =
          r.exhausted || (cap < limits.maxRequests && r.samples.length >= cap && r.seconds < limits.seconds);
        const note = short
          ? r.exhausted
            ? `pool ran out after ${r.samples.length} requests in ${r.seconds.toFixed(1)} s`
            : `pool share of ${cap} targets used up in ${r.seconds.toFixed(1)} s (limit ${limits.seconds} s)`
          : '';
        row = toRow(engine, op.name, op.kind, c, r, note);
        const perRequest = (ms: number) => (ms / r.samples.length).toFixed(2);
        if (r.samples.length)
          clientCpu = `; CPU per request: server ${r.serverCpuMs === null ? '-' : perRequest(r.serverCpuMs)} ms, load generator ${perRequest(r.clientCpuMs)} ms`;
      }
      rows.push(row);
      log(
        `  ${engine} ${op.name} c=${c}: n=${row.n} ${row.rps.toFixed(1)}/s p50 ${row.p50.toFixed(1)} p95 ${row.p95.toFixed(1)} p99 ${row.p99.toFixed(1)} max ${row.max.toFixed(1)} ms${clientCpu}${row.non2xx ? `  !!! ${row.non2xx} non-2xx` : ''}${row.note ? `  !! ${row.note}` : ''}`,
      );
    }
  }
  return rows;
}

const poolSizes = (f: Fixture) =>
  `receive ${f.receive.length}, return ${f.return.length}, forward ${f.forward.length}, adopt ${f.adopt.length}, edit ${f.edit.length}, submit ${f.submit.length}`;

/** One target of each operation, kept out of the pools, for the statement count. */
function reserveForStatements(f: Fixture): CountedRequest[] {
  const out: CountedRequest[] = [];
  const r = f.receive.pop();
  if (r)
    out.push({ op: 'receive', user: r.user, spec: { method: 'POST', url: `/api/hops/${r.hopId}/receive` } });
  const rt = f.return.pop();
  if (rt)
    out.push({
      op: 'return',
      user: rt.user,
      spec: { method: 'POST', url: `/api/hops/${rt.hopId}/return`, body: { reason: '请补充' } },
    });
  const fw = f.forward.pop();
  if (fw)
    out.push({
      op: 'forward',
      user: fw.user,
      spec: { method: 'POST', url: `/api/hops/${fw.hopId}/forward`, body: { targetOrgId: fw.cityId } },
    });
  const a = f.adopt.pop();
  if (a)
    out.push({
      op: 'adopt',
      user: a.user,
      spec: {
        method: 'POST',
        url: `/api/hops/${a.hopId}/adopt`,
        body: { periodicalId: a.periodicalId, type: 'single' },
      },
    });
  const e = f.edit.pop();
  if (e)
    out.push({
      op: 'item edit',
      user: e.user,
      spec: {
        method: 'PUT',
        url: `/api/items/${e.itemId}`,
        body: { rowVersion: 1, title: '修改稿', bodyHtml: '<p>修改后的正文。</p>' },
      },
    });
  const s = f.submit.pop();
  if (s)
    out.push({ op: 'submit', user: s.user, spec: { method: 'POST', url: `/api/items/${s.itemId}/submit` } });
  out.push({
    op: 'inbox province, first page',
    user: f.provinceEditor,
    spec: { method: 'GET', url: '/api/inbox?limit=20' },
  });
  out.push({
    op: 'item list, first page',
    user: f.listUser,
    spec: { method: 'GET', url: '/api/items?box=unit&limit=20' },
  });
  out.push({
    op: `ranking province, year ${f.year}`,
    user: f.provinceChief,
    spec: {
      method: 'GET',
      url: `/api/hubs/${f.provinceId}/rankings?period=year&year=${f.year}&page=1&pageSize=100`,
    },
  });
  out.push({
    op: `ranking 2,100 units, year ${f.year}, page of 100`,
    user: f.wideHubChief,
    spec: {
      method: 'GET',
      url: `/api/hubs/${f.wideHubId}/rankings?period=year&year=${f.year}&page=1&pageSize=100`,
    },
  });
  out.push({
    op: 'notice generation',
    user: f.provinceEditor,
    spec: {
      method: 'POST',
      url: `/api/hubs/${f.provinceId}/notices`,
      body: { period: 'month', month: f.month, title: '基准通报（计数）' },
    },
  });
  return out;
}

/**
 * The rankings again on a server whose rankings cache is off (ZX_RANKING_CACHE_SECONDS=0): what each request
 * costs when the ranking is computed, as after every change to its hub's ledger or its units' submissions.
 */
async function computedRankings(
  engine: Row['engine'],
  env: { databaseUrl?: string; dataDir?: string },
  ops: Operation[],
  budget: Budget,
): Promise<Row[]> {
  const rankings = ops
    .filter((o) => o.rankedHubId !== undefined)
    .map((o) => ({ ...o, name: `${o.name}, computed (cache off)` }));
  if (!rankings.length) return [];
  const server = await startServer({ ...env, extra: { ZX_RANKING_CACHE_SECONDS: '0' } });
  try {
    return await measure(engine, serverTarget(server), rankings, rankingClientCounts, budget);
  } finally {
    await server.stop();
  }
}

/** How often `changingRankings` tells the server that a ranked hub's figures changed. */
const CHANGE_EVERY_MS = 100;

/**
 * The rankings with the cache on while their hub's figures change every 100 ms — tens of times a real hub's
 * rate of change: what readers see when each view may come after a change. The change is what the scoring
 * triggers write when the hub's ledger moves for one unit, as an adoption does (a `<hub>/<unit>` row on the
 * change feed, drizzle/0029), for a unit drawn at random among those it evaluates, written by the benchmark on
 * its own connection: the servers mark that unit, and the next reader recomputes its figures (readers
 * arriving meanwhile share that refresh) and ranks the hub again. PostgreSQL only: an embedded database
 * cannot be written from outside its process.
 */
function changingRankings(url: string, ops: Operation[]): Operation[] {
  return ops.flatMap((o) => {
    const hubId = o.rankedHubId;
    if (hubId === undefined) return [];
    const name = `${o.name}, a change every ${CHANGE_EVERY_MS} ms`;
    return [{ ...o, name, during: () => notifyingChanges(url, hubId) }];
  });
}

/** The units `hubId` evaluates: sql/evaluated-unit-ids.sql with its parameters bound as the server binds them. */
function evaluatedUnits(hubId: string): { text: string; values: unknown[] } {
  const q = new PgDialect().sqlToQuery(namedQuery('evaluated-unit-ids', { hubId }));
  return { text: q.sql, values: q.params };
}

/** Puts a change of `hubId`'s figures on the feed every CHANGE_EVERY_MS on a connection of its own; the function returned stops. */
function notifyingChanges(url: string, hubId: string): () => Promise<void> {
  const client = new pg.Client({ connectionString: url });
  let stopped = false;
  const notifying = (async () => {
    await client.connect();
    const { text, values } = evaluatedUnits(hubId);
    const units = (await client.query<{ org_id: string }>(text, values)).rows.map((r) => r.org_id);
    if (!units.length) throw new Error(`hub ${hubId} evaluates no unit`);
    while (!stopped) {
      const unit = units[Math.floor(Math.random() * units.length)]!;
      await client.query(`insert into change_feed (channel, subject) values ('zx_scoring', $1)`, [
        `${hubId}/${unit}`,
      ]);
      await sleep(CHANGE_EVERY_MS);
    }
    await client.end();
  })();
  return async () => {
    stopped = true;
    await notifying;
  };
}

async function postgresSection(): Promise<{ rows: Row[]; pgbench: PgbenchResult[]; notes: string[] }> {
  const notes: string[] = [];
  const db = await preparePostgres(base, items, args.rebuild, log, args.database);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const counts = await client.query<Record<string, string>>(`select
    (select count(*) from items) as items, (select count(*) from hops) as hops,
    (select count(*) from item_events) as events, (select count(*) from adoptions) as adoptions,
    (select count(*) from score_entries) as ledger, (select count(*) from periodical_issues) as issues,
    (select count(*) from users) as users, (select count(*) from orgs) as orgs,
    pg_size_pretty(pg_database_size(current_database())) as size`);
  notes.push(
    `PostgreSQL data set: ${Object.entries(counts.rows[0]!)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  await refreshAccounts(pgRunner(client));
  const fixture = await loadFixture(pgRunner(client), { pgbench: !args['no-pgbench'] });
  await client.end();
  const counted = reserveForStatements(fixture);
  const sessions = new Sessions();
  const single = selected(operations(fixture, sessions));
  const multi = args['no-multi'] ? [] : selected(operations(fixture, sessions)).filter(inMulti);
  const budget = new Budget();
  budget.plan(single, clientCounts.length);
  budget.plan(multi, multiClientCounts.length);
  notes.push(
    `PostgreSQL pools: ${poolSizes(fixture)}, pgbench ${fixture.pgbenchPool}; shared out between ${clientCounts.length} single-instance${multi.length ? ` and ${multiClientCounts.length} two-instance` : ''} rows per write`,
  );
  log(notes.join('\n'));

  const server = await startServer({ databaseUrl: db.url });
  const pgbench: PgbenchResult[] = [];
  const perClient = Math.min(1500, Math.floor(fixture.pgbenchPool / 2 / 16));
  const raw = (label: string) => {
    if (args['no-pgbench'] || perClient < 10) return;
    const r = runPgbench(db.url, 16, perClient);
    pgbench.push(r);
    log(
      `pgbench receive ${label}: ${r.tps.toFixed(0)} tps, ${r.transactions} transactions, latency ${r.latencyMs ?? '-'} ms, failed ${r.failed}`,
    );
    if (r.transactions === 0) log(r.output);
  };
  let rows: Row[];
  try {
    await login(server.base, fixture.provinceEditor);
    raw('before');
    rows = await measure('PostgreSQL', serverTarget(server), single, clientCounts, budget);
    rows.push(
      ...(await measure(
        'PostgreSQL',
        serverTarget(server),
        changingRankings(db.url, single),
        rankingClientCounts,
        budget,
      )),
    );
    raw('after');
    notes.push(formatMemory('PostgreSQL', server.child.pid));
  } finally {
    await server.stop();
  }
  if (!args['no-pgbench']) {
    // Why the feed replaced NOTIFY for what every workflow write tells the instances (drizzle/0028).
    const c = runCommitCeiling(db.url, 5);
    const share = (r: PgbenchResult) =>
      `${r.tps.toFixed(0)} tps (${((100 * r.tps) / c.plain.tps).toFixed(0)}%)`;
    const line = `commit ceiling, 16 clients, 5 s each: an insert and its commit ${c.plain.tps.toFixed(0)} tps; with a NOTIFY ${share(c.notify)}; with a change-feed row instead ${share(c.feed)}`;
    log(line);
    notes.push(line);
  }
  rows.push(...(await computedRankings('PostgreSQL', { databaseUrl: db.url }, single, budget)));
  if (multi.length) {
    const balanced = await startBalanced(db.url, 2);
    log(
      `${MULTI}: instances ${balanced.instances.map((s) => s.base).join(', ')} behind ${balanced.base} (round robin, keepalive upstream)`,
    );
    try {
      rows.push(
        ...(await measure(
          MULTI,
          { base: balanced.base, pids: pidsOf(balanced.instances) },
          multi,
          multiClientCounts,
          budget,
        )),
      );
    } finally {
      await balanced.stop();
    }
    notes.push(`PostgreSQL pools left after both sections: ${poolSizes(fixture)}`);
  }
  if (!args['no-statements']) {
    const reports = await countStatements(db.url, counted);
    notes.push(formatStatements(reports));
  }
  return { rows, pgbench, notes };
}

async function pgliteSection(): Promise<{ rows: Row[]; notes: string[] }> {
  const notes: string[] = [];
  const { dataDir } = await preparePglite(join(ROOT, 'data', 'bench'), pgliteItems, args.rebuild, log);
  const client = new PGlite(join(dataDir, 'pgdata'));
  await client.waitReady;
  await refreshAccounts(pgliteRunner(client));
  const fixture = await loadFixture(pgliteRunner(client), { pgbench: false });
  await client.close();
  const ops = selected(operations(fixture, new Sessions()));
  const budget = new Budget();
  budget.plan(ops, clientCounts.length);
  notes.push(`PGlite pools: ${poolSizes(fixture)}; shared out between ${clientCounts.length} rows per write`);
  const first = await startServer({ dataDir });
  await first.stop();
  const server = await startServer({ dataDir });
  notes.push(
    `PGlite (${pgliteItems.toLocaleString('en')} items): first start ${(first.startMs / 1000).toFixed(2)} s, second start ${(server.startMs / 1000).toFixed(2)} s (spawn until GET / answers 200) — target < 3 s: ${server.startMs < 3000 ? 'PASS' : 'FAIL'}`,
  );
  log(notes.join('\n'));
  let rows: Row[];
  try {
    rows = await measure('PGlite', serverTarget(server), ops, clientCounts, budget);
    // The database runs inside this process: its memory is the embedded deployment's whole footprint.
    notes.push(formatMemory('PGlite', server.child.pid));
  } finally {
    await server.stop();
  }
  rows.push(...(await computedRankings('PGlite', { dataDir }, ops, budget)));
  return { rows, notes };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  buildIfStale();
  const pgVersion = spawnSync('psql', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const header = [
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${pgVersion}`,
    `run: ${items.toLocaleString('en')} items on PostgreSQL, ${pgliteItems.toLocaleString('en')} on PGlite; ${limits.seconds} s or ${limits.maxRequests} requests per operation and client count; clients ${clientCounts.join(', ')}${args['no-multi'] ? '' : `; two instances behind nginx: clients ${multiClientCounts.join(', ')}`}`,
  ];
  log(header.join('\n'));
  const rows: Row[] = [];
  const notes: string[] = [];
  let pgbench: PgbenchResult[] = [];
  if (!args['no-postgres']) {
    const r = await postgresSection();
    rows.push(...r.rows);
    notes.push(...r.notes);
    pgbench = r.pgbench;
  }
  if (!args['no-pglite']) {
    const r = await pgliteSection();
    rows.push(...r.rows);
    notes.push(...r.notes);
  }
  const rawTps = pgbench.length ? pgbench.reduce((s, r) => s + r.tps, 0) / pgbench.length : null;
  judge(rows, rawTps);
  console.log(`\n${'='.repeat(100)}\n${header.join('\n')}\n`);
  console.log(formatTable(rows));
  if (pgbench.length) {
    console.log(
      `\npgbench, receive transaction's SQL, 16 clients: ${pgbench.map((p, i) => `${i === 0 ? 'before' : 'after'} ${p.tps.toFixed(0)} tps`).join(', ')}; mean ${rawTps!.toFixed(0)} tps`,
    );
    for (const r of rows.filter((r) => onPostgres(r) && r.clients === 16 && r.op.startsWith('receive')))
      console.log(
        `HTTP receive at 16 clients, ${r.engine} / pgbench: ${r.rps.toFixed(1)} / ${rawTps!.toFixed(0)} = ${((100 * r.rps) / rawTps!).toFixed(1)}% (target ≥ 40%)`,
      );
  }
  const comparison = formatMultiComparison(rows);
  if (comparison) console.log(comparison);
  for (const n of notes) console.log(n);
  const warnings = formatPoolWarnings(rows);
  if (warnings) console.log(warnings);
  const errors = formatErrors(rows);
  if (errors) console.log(errors);
  const failed = rows.filter((r) => r.verdict === 'FAIL').length;
  console.log(
    `\n${rows.length - failed} rows PASS, ${failed} FAIL; ${((performance.now() - t0) / 1000).toFixed(0)} s in all`,
  );
}

await main();
