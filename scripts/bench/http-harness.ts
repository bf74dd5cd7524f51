/**
 * Drives the real compiled server over HTTP on 127.0.0.1: starts it (PostgreSQL or PGlite), logs the actors
 * in (session cookie + CSRF token from the login answer), and runs each operation with N concurrent
 * clients for a bounded time and count, every write on a fresh row of its pool, recording each request's
 * latency and status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BENCH_PASSWORD } from './dataset.js';
import type { Fixture } from './fixture.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Everything the bench started (server instances, nginx) and the clean-ups to run: on a normal exit, an
 * uncaught error and Ctrl-C alike nothing is left running.
 */
const children = new Set<ChildProcess>();
const cleanups: (() => void)[] = [];
let handlersInstalled = false;
function cleanUpNow(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  children.clear();
  for (const f of cleanups.splice(0)) {
    try {
      f();
    } catch {
      // best effort on the way out
    }
  }
}
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => {
      cleanUpNow();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
}
/** Stops `child` when the bench exits, however it exits. */
export function track(child: ChildProcess): void {
  installHandlers();
  children.add(child);
  child.once('exit', () => children.delete(child));
}
/** Runs `f` when the bench exits (synchronous clean-ups only: temporary directories). */
export function onExit(f: () => void): void {
  installHandlers();
  cleanups.push(f);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  base: string;
  child: ChildProcess;
  /** Milliseconds from spawn until GET / answered 200. */
  startMs: number;
  stop(): Promise<void>;
}

/** Spawns `node dist/server/zhengxun.mjs` and waits until the printed address answers. */
export async function startServer(env: {
  databaseUrl?: string;
  dataDir?: string;
  /** More of the server's environment (e.g. a cache turned off). */
  extra?: Record<string, string>;
}): Promise<RunningServer> {
  const port = await freePort();
  const t0 = performance.now();
  // BENCH_NODE_ARGS: flags for the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/server/zhengxun.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      ZX_MODE: 'production',
      ZX_AUDIT_KEY: 'zhengxun-bench-audit-key',
      LOG_LEVEL: 'warn',
      ZX_LOGIN_PER_MINUTE: '1000000',
      ZX_SESSION_IDLE_MINUTES: '600',
      ZX_INACTIVE_DISABLE_DAYS: '100000',
      ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
      ...(process.env.ZX_DB_POOL_SIZE ? { ZX_DB_POOL_SIZE: process.env.ZX_DB_POOL_SIZE } : {}),
      ...(env.dataDir ? { DATA_DIR: env.dataDir } : {}),
      ...env.extra,
    },
  });
  track(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
    if (process.env.BENCH_SERVER_LOG) process.stderr.write(d);
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited) throw new Error(`server exited during start:\n${output}`);
    try {
      const r = await fetch(`${base}/`);
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 300_000) throw new Error(`server did not answer in 300 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const startMs = performance.now() - t0;
  return {
    base,
    child,
    startMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Session {
  cookie: string;
  csrf: string;
}

export async function login(base: string, username: string): Promise<Session> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: BENCH_PASSWORD }),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${body}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('zx_session='));
  const me = JSON.parse(body) as { csrfToken: string };
  if (!cookie) throw new Error(`login ${username}: no session cookie`);
  return { cookie, csrf: me.csrfToken };
}

/**
 * The actors' sessions: rows the fixture put into `sessions` for every bench user (token `bench-<name>`,
 * CSRF `csrf-<name>`), so hundreds of actors need no argon2id login before a run; login itself is measured
 * as an operation of its own.
 */
export class Sessions {
  get(user: string): Session {
    return { cookie: `zx_session=bench-${user}`, csrf: `csrf-${user}` };
  }
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  /** null: anonymous (login). */
  session: Session | null;
  body?: unknown;
}

export interface Sample {
  ms: number;
  status: number;
}

export interface OpResult {
  samples: Sample[];
  seconds: number;
  errors: string[];
  /** `next()` returned null: the run ended because its targets were used up. */
  exhausted: boolean;
  /** CPU the load generator (this process, user + system) spent during the run, in ms: what it took from the server's cores. */
  clientCpuMs: number;
  /** CPU the server instances (user + system) spent during the run, in ms; null where /proc cannot tell. */
  serverCpuMs: number | null;
}

/** Clock ticks per second of /proc's CPU times (Linux: USER_HZ, 100 on every common build). */
const USER_HZ = 100;

/**
 * CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat; null off Linux or once the
 * process is gone. 10 ms resolution: enough over a row's seconds and thousands of requests.
 */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): state is the first, utime the 12th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}

/**
 * A process's resident memory now and at its peak (MB, from /proc/<pid>/status VmRSS and VmHWM); null off
 * Linux or once the process is gone.
 */
export function processMemoryMb(pid: number | undefined): { rss: number; peak: number } | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rss = kb('VmRSS');
    const peak = kb('VmHWM');
    return Number.isFinite(rss) && Number.isFinite(peak) ? { rss: rss / 1024, peak: peak / 1024 } : null;
  } catch {
    return null;
  }
}

/** What a server's memory reads after its rows, for the run's notes. */
export function formatMemory(label: string, pid: number | undefined): string {
  const m = processMemoryMb(pid);
  return m
    ? `${label} server memory after its rows: resident ${m.rss.toFixed(0)} MB, peak ${m.peak.toFixed(0)} MB`
    : `${label} server memory: not readable here`;
}

function serversCpuMs(pids: readonly number[]): number | null {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    total += ms;
  }
  return pids.length ? total : null;
}

/**
 * The load generator shares the machine's two cores with the server and PostgreSQL, so it is kept as light
 * as the instrument can be: an undici pool per server address on kept-alive sockets (one connection per client, no
 * pipelining — each client waits for its answer as a browser does). Measured on the province set, inbox at
 * 16 clients: node:http cost the bench process about 0.34 ms of CPU per request (fetch about 1 ms), undici
 * about half of node:http — CPU the server and PostgreSQL get instead, as pgbench's C client leaves it to
 * the database in the raw-SQL figure.
 */
const pools = new Map<string, Pool>();
/** One pool per server address (an instance, or nginx), told the origin once: no URL parsed per request. */
function poolFor(base: string): Pool {
  let p = pools.get(base);
  if (!p) {
    p = new Pool(base, { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 });
    pools.set(base, p);
  }
  return p;
}

async function send(base: string, r: RequestSpec): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (r.session) headers.cookie = r.session.cookie;
  if (r.session && r.method !== 'GET') headers['x-csrf-token'] = r.session.csrf;
  const body = r.body === undefined ? undefined : JSON.stringify(r.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await poolFor(base).request({ path: r.url, method: r.method, headers, body });
  const status = res.statusCode;
  // The body is read whole (the server's work includes sending it); its text kept only for error messages.
  if (status < 300) {
    await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
    return { status, text: '' };
  }
  return { status, text: (await res.body.text()).slice(0, 300) };
}

/**
 * Runs `next()`'s requests with `clients` concurrent workers until `seconds` elapse, `maxRequests` are done
 * or `next()` returns null (the pool is used up).
 */
export async function runOp(
  base: string,
  clients: number,
  next: () => RequestSpec | null,
  limits: { seconds: number; maxRequests: number },
  /** The server instances' process ids: their CPU over the run is reported with the load generator's. */
  serverPids: readonly number[] = [],
): Promise<OpResult> {
  const samples: Sample[] = [];
  const errors: string[] = [];
  const cpu0 = process.cpuUsage();
  const server0 = serversCpuMs(serverPids);
  const t0 = performance.now();
  const deadline = t0 + limits.seconds * 1000;
  let issued = 0;
  let exhausted = false;
  const worker = async () => {
    for (;;) {
      if (performance.now() > deadline || issued >= limits.maxRequests) return;
      const spec = next();
      if (!spec) {
        exhausted = true;
        return;
      }
      issued++;
      const s = performance.now();
      let status = 0;
      try {
        const r = await send(base, spec);
        status = r.status;
        if (status >= 300 && errors.length < 5)
          errors.push(`${spec.method} ${spec.url} → ${status} ${r.text}`);
      } catch (err) {
        if (errors.length < 5) errors.push(`${spec.method} ${spec.url} → ${String(err)}`);
      }
      samples.push({ ms: performance.now() - s, status });
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const cpu = process.cpuUsage(cpu0);
  const server1 = serversCpuMs(serverPids);
  return {
    samples,
    seconds: (performance.now() - t0) / 1000,
    errors,
    exhausted,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs: server0 !== null && server1 !== null ? server1 - server0 : null,
  };
}

export interface Operation {
  name: string;
  kind: 'write' | 'read' | 'login';
  /** A fresh request for each call; null when the pool is used up. */
  next: (sessions: Sessions) => RequestSpec | null;
  /** Requests issued once, unmeasured, before the first measured run (warms plans and caches). */
  warm: boolean;
  /**
   * The fixture's array of fresh targets a write consumes (each target once in the whole run: `next()` takes
   * it out of the array, so sections built on one fixture share what is left); absent for repeatable requests.
   */
  pool?: readonly unknown[];
  /**
   * Something else the row runs with (e.g. changes notified while rankings are read): started before each
   * measured run, and the function it returns stops it after.
   */
  during?: () => () => Promise<void>;
  /** A ranking's hub (the rankings' rows only): whose change the changing-rankings rows notify. */
  rankedHubId?: string;
}

/** Each call takes one target out of `rows` for good (pop: the rows are in random order already). */
function pool<T>(rows: T[], make: (row: T) => RequestSpec): (sessions: Sessions) => RequestSpec | null {
  return () => {
    const row = rows.pop();
    return row === undefined ? null : make(row);
  };
}

const qs = (params: Record<string, string | null | undefined>) =>
  new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string'),
  ).toString();

/** Every measured operation of the issue, built on a run's fixture. */
export function operations(f: Fixture, sessions: Sessions): Operation[] {
  const s = (u: string) => sessions.get(u);
  let loginIx = 0;
  let issueIx = 0;
  let noticeIx = 0;
  const get = (user: string, url: string) => () => ({ method: 'GET' as const, url, session: s(user) });
  return [
    {
      name: 'receive 签收',
      kind: 'write',
      warm: false,
      pool: f.receive,
      next: pool(f.receive, (r) => ({
        method: 'POST',
        url: `/api/hops/${r.hopId}/receive`,
        session: s(r.user),
      })),
    },
    {
      name: 'return 退回',
      kind: 'write',
      warm: false,
      pool: f.return,
      next: pool(f.return, (r) => ({
        method: 'POST',
        url: `/api/hops/${r.hopId}/return`,
        session: s(r.user),
        body: { reason: '请补充具体数据后再报' },
      })),
    },
    {
      name: 'forward 转报',
      kind: 'write',
      warm: false,
      pool: f.forward,
      next: pool(f.forward, (r) => ({
        method: 'POST',
        url: `/api/hops/${r.hopId}/forward`,
        session: s(r.user),
        body: { targetOrgId: r.cityId },
      })),
    },
    {
      name: 'adopt 采用',
      kind: 'write',
      warm: false,
      pool: f.adopt,
      next: pool(f.adopt, (r) => ({
        method: 'POST',
        url: `/api/hops/${r.hopId}/adopt`,
        session: s(r.user),
        body: { periodicalId: r.periodicalId, type: 'single' },
      })),
    },
    {
      name: 'item edit 修改稿件',
      kind: 'write',
      warm: false,
      pool: f.edit,
      next: pool(f.edit, (r) => ({
        method: 'PUT',
        url: `/api/items/${r.itemId}`,
        session: s(r.user),
        body: {
          rowVersion: 1,
          title: '某县推进政务公开标准化建设（修改稿）',
          bodyHtml: `<p>${'近日，某县召开专题会议，部署推进政务信息报送工作。'.repeat(8)}</p>`,
        },
      })),
    },
    {
      name: 'submit 提交审核',
      kind: 'write',
      warm: false,
      pool: f.submit,
      next: pool(f.submit, (r) => ({
        method: 'POST',
        url: `/api/items/${r.itemId}/submit`,
        session: s(r.user),
      })),
    },
    {
      name: 'login 登录',
      kind: 'login',
      warm: false,
      next: () => ({
        method: 'POST',
        url: '/api/auth/login',
        session: null,
        body: { username: f.loginUsers[loginIx++ % f.loginUsers.length], password: BENCH_PASSWORD },
      }),
    },
    {
      name: 'inbox 收件箱 county, first page',
      kind: 'read',
      warm: true,
      next: get(f.countyInboxUser, `/api/inbox?limit=20`),
    },
    {
      name: 'inbox 收件箱 county, deep page',
      kind: 'read',
      warm: true,
      next: get(f.countyInboxUser, `/api/inbox?${qs({ limit: '20', cursor: f.countyInboxDeepCursor })}`),
    },
    {
      name: 'inbox 收件箱 province, first page',
      kind: 'read',
      warm: true,
      next: get(f.provinceEditor, `/api/inbox?limit=20`),
    },
    {
      name: 'inbox 收件箱 province, deep page',
      kind: 'read',
      warm: true,
      next: get(f.provinceEditor, `/api/inbox?${qs({ limit: '20', cursor: f.provinceInboxDeepCursor })}`),
    },
    {
      name: 'item list 本单位稿件, first page',
      kind: 'read',
      warm: true,
      next: get(f.listUser, `/api/items?box=unit&limit=20`),
    },
    {
      name: 'item list 本单位稿件, deep page',
      kind: 'read',
      warm: true,
      next: get(f.listUser, `/api/items?${qs({ box: 'unit', limit: '20', cursor: f.listDeepCursor })}`),
    },
    {
      name: `ranking province, month ${f.month}`,
      kind: 'read',
      warm: true,
      rankedHubId: f.provinceId,
      next: get(
        f.provinceChief,
        `/api/hubs/${f.provinceId}/rankings?period=month&month=${f.month}&page=1&pageSize=100`,
      ),
    },
    {
      name: `ranking province, year ${f.year}`,
      kind: 'read',
      warm: true,
      rankedHubId: f.provinceId,
      next: get(
        f.provinceChief,
        `/api/hubs/${f.provinceId}/rankings?period=year&year=${f.year}&page=1&pageSize=100`,
      ),
    },
    {
      // A hub whose 直报点 are all 2,100 reporting units (fixture.ts): the ranking "for 2,000 units", every
      // unit ranked per request, the answer the page the UI asks for (100 rows, the sums, the chart).
      name: `ranking 2,100 units, year ${f.year}, page of 100`,
      kind: 'read',
      warm: true,
      rankedHubId: f.wideHubId,
      next: get(
        f.wideHubChief,
        `/api/hubs/${f.wideHubId}/rankings?period=year&year=${f.year}&page=1&pageSize=100`,
      ),
    },
    {
      name: 'notice generation 编制通报 (month)',
      kind: 'write',
      warm: false,
      next: () => ({
        method: 'POST',
        url: `/api/hubs/${f.provinceId}/notices`,
        session: s(f.provinceEditor),
        body: { period: 'month', month: f.month, title: `基准测试通报${++noticeIx}` },
      }),
    },
    {
      name: 'issue DOCX export 期刊导出',
      kind: 'read',
      warm: true,
      next: () =>
        f.issueIds.length === 0
          ? null
          : {
              method: 'GET',
              url: `/api/issues/${f.issueIds[issueIx++ % f.issueIds.length]}/docx`,
              session: s(f.provinceEditor),
            },
    },
  ];
}
