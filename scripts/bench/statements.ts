/**
 * Evidence for the slow paths: the product's app built in this process on the run database, with every
 * statement node-postgres sends counted and timed (a session-level counter around pg.Client#query). One
 * request of each operation is sent through it; the count of statements (BEGIN and COMMIT included) and
 * the slowest ones are reported, the slowest SELECT with its EXPLAIN (ANALYZE, BUFFERS).
 */
import pg from 'pg';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { openDatabase } from '../../src/server/db/client.js';
import { BENCH_PASSWORD } from './dataset.js';
import type { RequestSpec } from './http-harness.js';

interface Statement {
  text: string;
  values: unknown[];
  ms: number;
}

let recording: Statement[] | null = null;

type QueryFn = (...args: unknown[]) => unknown;
const proto = pg.Client.prototype as unknown as { query: QueryFn };
const original = proto.query;

function install(): void {
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '');
    const values =
      (Array.isArray(args[1]) ? args[1] : (first as { values?: unknown[] } | null)?.values) ?? [];
    const t = performance.now();
    const target = recording;
    const last = args[args.length - 1];
    if (target && typeof last === 'function') {
      // The callback form (pg.Pool#query): record when the callback runs.
      const cb = last as (...a: unknown[]) => unknown;
      args[args.length - 1] = (...a: unknown[]) => {
        target.push({ text: a[0] ? `${text} -- failed` : text, values, ms: performance.now() - t });
        return cb(...a);
      };
    }
    const result = original.apply(this, args);
    if (target && result && typeof (result as Promise<unknown>).then === 'function')
      void (result as Promise<unknown>).then(
        () => target.push({ text, values, ms: performance.now() - t }),
        () => target.push({ text: `${text} -- failed`, values, ms: performance.now() - t }),
      );
    return result;
  };
}

export interface StatementReport {
  op: string;
  status: number;
  statements: number;
  totalMs: number;
  slowest: Statement[];
  plan: string[];
}

/** A request in the shape of `RequestSpec`, but logged in here (users by name, not sessions). */
export interface CountedRequest {
  op: string;
  user: string | null;
  spec: Omit<RequestSpec, 'session'>;
}

export async function countStatements(url: string, requests: CountedRequest[]): Promise<StatementReport[]> {
  install();
  const database = await openDatabase({ url, dataDir: '' });
  const config = {
    ...loadConfig({ ZX_MODE: 'production', ZX_AUDIT_KEY: 'zhengxun-bench-audit-key' }),
    loginPerMinute: 1_000_000,
    // The change feed's reads on its own timer are no request's: only a ranking's catch-up is counted.
    changeFeedPollMs: 60_000,
  };
  const app = await buildApp({ database, config, logger: false });
  await app.ready();
  const explain = new pg.Client({ connectionString: url });
  await explain.connect();
  const out: StatementReport[] = [];
  try {
    const sessions = new Map<string, { cookie: string; csrf: string }>();
    for (const r of requests) {
      if (r.user && !sessions.has(r.user)) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: r.user, password: BENCH_PASSWORD },
        });
        const c = res.cookies.find((x) => x.name === 'zx_session');
        sessions.set(r.user, {
          cookie: `zx_session=${c?.value ?? ''}`,
          csrf: res.json<{ csrfToken: string }>().csrfToken,
        });
      }
      const s = r.user ? sessions.get(r.user)! : null;
      const stmts: Statement[] = [];
      recording = stmts;
      const t = performance.now();
      const res = await app.inject({
        method: r.spec.method,
        url: r.spec.url,
        ...(r.spec.body !== undefined ? { payload: r.spec.body as object } : {}),
        headers: s
          ? { cookie: s.cookie, ...(r.spec.method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}) }
          : {},
      });
      const totalMs = performance.now() - t;
      await new Promise((resolve) => setTimeout(resolve, 20));
      recording = null;
      const slowest = [...stmts].sort((a, b) => b.ms - a.ms).slice(0, 3);
      const worstSelect = slowest.find(
        (x) => /^\s*(select|with)\b/i.test(x.text) && !/-- failed$/.test(x.text),
      );
      let plan: string[] = [];
      if (worstSelect && worstSelect.ms > 2) {
        try {
          const p = await explain.query(`explain (analyze, buffers) ${worstSelect.text}`, worstSelect.values);
          plan = (p.rows as { 'QUERY PLAN': string }[]).map((x) => x['QUERY PLAN']);
        } catch (err) {
          plan = [`(explain failed: ${String(err)})`];
        }
      }
      out.push({ op: r.op, status: res.statusCode, statements: stmts.length, totalMs, slowest, plan });
    }
  } finally {
    recording = null;
    proto.query = original;
    await explain.end();
    await app.close();
    await database.close();
  }
  return out;
}

export function formatStatements(reports: StatementReport[]): string {
  const lines: string[] = [
    '',
    'SQL statements per request (in-process app, one request each, BEGIN/COMMIT included):',
  ];
  for (const r of reports)
    lines.push(
      `  ${r.op.padEnd(40)} status ${r.status}  ${String(r.statements).padStart(3)} statements  ${r.totalMs.toFixed(1).padStart(7)} ms`,
    );
  for (const r of reports) {
    if (r.slowest.length === 0 || r.slowest[0]!.ms < 5) continue;
    lines.push('', `${r.op}: slowest statements`);
    for (const s of r.slowest)
      lines.push(`  ${s.ms.toFixed(1).padStart(7)} ms  ${s.text.replace(/\s+/g, ' ').slice(0, 400)}`);
    if (r.plan.length)
      lines.push('  EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECT:', ...r.plan.map((l) => `    ${l}`));
  }
  return lines.join('\n');
}
