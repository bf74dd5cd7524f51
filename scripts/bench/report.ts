/** Figures of a run and the table `npm run bench` prints, with the targets judged per row. */
import type { OpResult } from './http-harness.js';

/** The engines a row was measured on; `MULTI` is two server instances on one PostgreSQL behind nginx. */
export const MULTI = 'PostgreSQL ×2 (nginx)';
export type Engine = 'PostgreSQL' | typeof MULTI | 'PGlite';

export interface Row {
  engine: Engine;
  op: string;
  kind: 'write' | 'read' | 'login';
  clients: number;
  n: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: string[];
  /** Requests/s as a share of pgbench's receive TPS (workflow writes on PostgreSQL at 16 clients). */
  ofRaw: number | null;
  /** A warning about the run itself (its pool of targets ran out, or was empty). */
  note: string;
  target: string;
  verdict: 'PASS' | 'FAIL' | '';
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function toRow(
  engine: Row['engine'],
  op: string,
  kind: Row['kind'],
  clients: number,
  r: Pick<OpResult, 'samples' | 'seconds' | 'errors'>,
  note = '',
): Row {
  const ms = r.samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    engine,
    op,
    kind,
    clients,
    n: r.samples.length,
    rps: r.samples.length / r.seconds,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: ms[ms.length - 1] ?? NaN,
    non2xx: r.samples.filter((s) => s.status < 200 || s.status >= 300).length,
    errors: r.errors,
    ofRaw: null,
    note,
    target: '',
    verdict: '',
  };
}

/** The workflow writes the 40%-of-raw-SQL target applies to. */
export const WORKFLOW_WRITES = ['receive', 'return', 'forward', 'adopt', 'item edit', 'submit'];
export const isWorkflowWrite = (op: string) => WORKFLOW_WRITES.some((w) => op.startsWith(w));
/** Rows measured on PostgreSQL, one instance or several behind nginx. */
export const onPostgres = (row: Row) => row.engine === 'PostgreSQL' || row.engine === MULTI;

/** Judges every row against the targets; `rawTps` is pgbench's receive TPS (null: not measured). */
export function judge(rows: Row[], rawTps: number | null): void {
  for (const row of rows) {
    const checks: [string, boolean][] = [];
    if (isWorkflowWrite(row.op) && row.clients === 16 && onPostgres(row) && rawTps !== null) {
      row.ofRaw = row.rps / rawTps;
      checks.push([`≥40% raw ${(0.4 * rawTps).toFixed(0)}/s`, row.rps >= 0.4 * rawTps]);
    }
    if (row.op.startsWith('adopt')) {
      const receive = rows.find(
        (r) => r.engine === row.engine && r.clients === row.clients && r.op.startsWith('receive'),
      );
      if (receive)
        checks.push([`p50 ≤2× receive ${(2 * receive.p50).toFixed(0)}ms`, row.p50 <= 2 * receive.p50]);
    }
    if (row.op.startsWith('inbox') || row.op.startsWith('item list'))
      checks.push(['p95 <20ms', row.p95 < 20]);
    if (row.op.startsWith('ranking') && row.op.includes('year')) checks.push(['p95 <100ms', row.p95 < 100]);
    checks.push(['max <1s', row.max < 1000]);
    if (row.n === 0) checks.push([row.note ? 'requests >0 (no targets)' : 'requests >0', false]);
    if (row.non2xx > 0) checks.push([`${row.non2xx} non-2xx`, false]);
    row.target = checks.map((c) => c[0]).join('; ');
    row.verdict = checks.every((c) => c[1]) ? 'PASS' : 'FAIL';
  }
}

/** Terminal width of a string: CJK and full-width characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
      ch,
    )
      ? 2
      : 1;
  return w;
}
const padEnd = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');

export function formatTable(rows: Row[]): string {
  const head = [
    'engine',
    'operation',
    'c',
    'n',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'non2xx',
    'of pgbench',
    'target',
    '',
    'note',
  ];
  const body = rows.map((r) => [
    r.engine,
    r.op,
    String(r.clients),
    String(r.n),
    f1(r.rps),
    f1(r.p50),
    f1(r.p95),
    f1(r.p99),
    f1(r.max),
    String(r.non2xx),
    r.ofRaw === null ? '' : `${(100 * r.ofRaw).toFixed(1)}%`,
    r.target,
    r.verdict,
    r.note ? `!! ${r.note}` : '',
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((line) => width(line[i]!))));
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? padStart(c, widths[i]!) : padEnd(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function formatErrors(rows: Row[]): string {
  const bad = rows.filter((r) => r.non2xx > 0);
  if (bad.length === 0) return '';
  return [
    '',
    '!!! NON-2XX ANSWERS — every one of these is a failure of the run:',
    ...bad.flatMap((r) => [
      `  ${r.engine} ${r.op} c=${r.clients}: ${r.non2xx} of ${r.n}`,
      ...r.errors.map((e) => `    ${e}`),
    ]),
  ].join('\n');
}

/** Rows whose pool of targets ran out or was empty: listed under the table so no short row goes unnoticed. */
export function formatPoolWarnings(rows: Row[]): string {
  const noted = rows.filter((r) => r.note);
  if (noted.length === 0) return '';
  return [
    '',
    'pool warnings (each write takes a fresh target once in the whole run; a share ends a row early):',
    ...noted.map((r) => `  ${r.engine} ${r.op} c=${r.clients}: n=${r.n} — ${r.note}`),
  ].join('\n');
}

/** Two instances behind nginx against one, operation by operation and client count by client count. */
export function formatMultiComparison(rows: Row[]): string {
  const multi = rows.filter((r) => r.engine === MULTI);
  if (multi.length === 0) return '';
  const lines = multi.map((m) => {
    const one = rows.find((r) => r.engine === 'PostgreSQL' && r.op === m.op && r.clients === m.clients);
    const ratio = one && one.rps > 0 && m.n > 0 ? `${(m.rps / one.rps).toFixed(2)}×` : '-';
    const p95 = one ? `p95 ${f1(m.p95)} vs ${f1(one.p95)} ms` : '';
    return `  ${padEnd(m.op, 40)} c=${padStart(String(m.clients), 2)}: ${padStart(f1(m.rps), 7)} vs ${padStart(one ? f1(one.rps) : '-', 7)} req/s = ${padStart(ratio, 6)}  ${p95}`;
  });
  return [`\n${MULTI} vs one instance (req/s two vs one, ratio; p95 two vs one):`, ...lines].join('\n');
}
