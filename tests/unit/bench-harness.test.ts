import { describe, expect, it } from 'vitest';
import { nginxConfig } from '../../scripts/bench/balancer.js';
import { Budget } from '../../scripts/bench/budget.js';
import type { Fixture } from '../../scripts/bench/fixture.js';
import { operations, processCpuMs, processMemoryMb, Sessions } from '../../scripts/bench/http-harness.js';
import { groupOf } from '../../scripts/bench/profile-groups.js';
import {
  formatMultiComparison,
  formatPoolWarnings,
  formatTable,
  judge,
  MULTI,
  toRow,
  type Row,
} from '../../scripts/bench/report.js';

/** The benchmark's own bookkeeping (scripts/bench): pools, their shares, the two-instance rows. */
function fixture(n: number): Fixture {
  const hops = (p: string) =>
    Array.from({ length: n }, (_, i) => ({
      hopId: `${p}${i}`,
      user: 'e2_1',
      cityId: 'c',
      periodicalId: 'p',
    }));
  const items = (p: string) => Array.from({ length: n }, (_, i) => ({ itemId: `${p}${i}`, user: 'w1' }));
  return {
    provinceId: 'prov',
    provinceEditor: 'e1_1',
    provinceChief: 'e1_5',
    wideHubId: 'wide',
    wideHubChief: 'e1_5',
    receive: hops('rc'),
    return: hops('rt'),
    forward: hops('fw'),
    adopt: hops('ad'),
    edit: items('ed'),
    submit: items('sb'),
    loginUsers: ['w1'],
    countyInboxUser: 'e2_2',
    countyInboxDeepCursor: null,
    provinceInboxDeepCursor: null,
    listUser: 'w1',
    listDeepCursor: null,
    month: '2026-10',
    year: 2026,
    issueIds: [],
    pgbenchPool: 0,
  };
}

const row = (engine: Row['engine'], op: string, clients: number, n: number, seconds: number, note = '') =>
  toRow(
    engine,
    op,
    'write',
    clients,
    { samples: Array.from({ length: n }, () => ({ ms: 10, status: 200 })), seconds, errors: [] },
    note,
  );

describe('bench pools', () => {
  it('takes every target once across all the operation lists built on one fixture', () => {
    const f = fixture(3);
    const sessions = new Sessions();
    const a = operations(f, sessions).find((o) => o.name.startsWith('return'))!;
    const b = operations(f, sessions).find((o) => o.name.startsWith('return'))!;
    const urls = [a.next(sessions), b.next(sessions), a.next(sessions), b.next(sessions)].map(
      (r) => r?.url ?? null,
    );
    expect(urls.filter(Boolean)).toHaveLength(3);
    expect(new Set(urls.filter(Boolean)).size).toBe(3);
    expect(urls[3]).toBeNull();
    expect(a.pool).toBe(f.return);
  });

  it('shares a pool between the rows still to come, leftovers going on to later rows', () => {
    const pool = Array.from({ length: 100 }, (_, i) => i);
    const single = { pool };
    const multi = { pool };
    const budget = new Budget();
    budget.plan([single], 2);
    budget.plan([multi], 2);
    expect(budget.take(single)).toBe(25);
    pool.splice(0, 10); // the first row was time-bound: it used 10 of its 25
    expect(budget.take(single)).toBe(30);
    pool.splice(0, 30);
    expect(budget.take(multi)).toBe(30);
    pool.splice(0, 30);
    expect(budget.take(multi)).toBe(30);
    expect(budget.take({})).toBe(Infinity);
  });
});

describe('bench report', () => {
  it('judges the two-instance rows against pgbench and names the empty pool', () => {
    const rows = [
      row('PostgreSQL', 'receive 签收', 16, 100, 1),
      row(MULTI, 'receive 签收', 16, 180, 1),
      row('PGlite', 'return 退回', 16, 0, 0, 'pool empty: no fresh targets left for this row'),
    ];
    judge(rows, 300);
    expect(rows[0]!.ofRaw).toBeCloseTo(1 / 3);
    expect(rows[1]!.ofRaw).toBeCloseTo(0.6);
    expect(rows[1]!.verdict).toBe('PASS');
    expect(rows[0]!.verdict).toBe('FAIL');
    expect(rows[2]!.verdict).toBe('FAIL');
    expect(rows[2]!.target).toContain('no targets');
    const table = formatTable(rows);
    expect(table).toContain(`${MULTI}  receive`);
    expect(table).toContain('60.0%');
    expect(table).toContain('!! pool empty');
    expect(formatPoolWarnings(rows)).toContain('PGlite return 退回 c=16: n=0');
    expect(formatMultiComparison(rows)).toMatch(
      /receive 签收\s+c=16:\s+180\.0 vs\s+100\.0 req\/s =\s+1\.80×/,
    );
  });
});

describe('bench balancer', () => {
  it('balances round robin over a keepalive upstream of every instance', () => {
    const conf = nginxConfig('/tmp/x', 8080, ['http://127.0.0.1:4001', 'http://127.0.0.1:4002']);
    expect(conf).toContain('upstream zx { server 127.0.0.1:4001; server 127.0.0.1:4002; keepalive 64;');
    expect(conf).toContain('listen 127.0.0.1:8080');
    expect(conf).toContain('proxy_http_version 1.1; proxy_set_header Connection "";');
    expect(conf).toContain('daemon off;');
  });
});

describe.runIf(process.platform === 'linux')('the CPU a process used, from /proc', () => {
  it('counts this process’s busy work, and is null for a process that does not exist', () => {
    const before = processCpuMs(process.pid);
    expect(before).not.toBeNull();
    // Busy until the process has used 100 ms more of CPU by its own account, however the machine schedules it.
    const start = process.cpuUsage();
    let spin = 0;
    for (;;) {
      const used = process.cpuUsage(start);
      if (used.user + used.system >= 100_000) break;
      spin++;
    }
    expect(spin).toBeGreaterThan(0);
    const after = processCpuMs(process.pid)!;
    // /proc counts in 10 ms ticks: 100 ms used reads as at least 80.
    expect(after - before!).toBeGreaterThanOrEqual(80);
    expect(processCpuMs(2 ** 22 + 12345)).toBeNull();
    expect(processCpuMs(undefined)).toBeNull();
  });

  it('reads a process’s resident memory and its peak, and null for a process that does not exist', () => {
    const held = Buffer.alloc(64 * 1024 * 1024, 1); // 64 MB touched: resident
    const m = processMemoryMb(process.pid)!;
    expect(m.rss).toBeGreaterThan(64);
    expect(m.peak).toBeGreaterThanOrEqual(m.rss);
    expect(held[held.length - 1]).toBe(1);
    expect(processMemoryMb(2 ** 22 + 12345)).toBeNull();
    expect(processMemoryMb(undefined)).toBeNull();
  });
});

describe('a profile sample’s group (npm run bench:profile)', () => {
  it('names the npm package, our module, Node’s subsystem or V8’s pseudo-frame a sample ran in', () => {
    expect(groupOf('parseRow', '../../node_modules/pg/lib/result.js')).toBe('pg');
    expect(groupOf('x', 'file:///r/node_modules/@fastify/cookie/plugin.js')).toBe('@fastify/cookie');
    expect(groupOf('x', '/r/node_modules/fastify/node_modules/light-my-request/index.js')).toBe(
      'light-my-request',
    );
    expect(groupOf('mapFromDriverValue', '../../node_modules/src/pg-core/columns/timestamp.ts')).toBe(
      'drizzle-orm',
    );
    expect(groupOf('listInbox', '../../src/server/modules/items/queries.ts')).toBe(
      'src/server/modules/items',
    );
    expect(groupOf('gate', '../../src/server/http/gate.ts')).toBe('src/server/http/gate');
    expect(groupOf('buildApp', '../../src/server/app.ts')).toBe('src/server/app');
    expect(groupOf('x', '../../src/shared/labels.ts')).toBe('src/shared/labels');
    expect(groupOf('parserOnHeadersComplete', 'node:_http_common')).toBe('node:http');
    expect(groupOf('writeGeneric', 'node:internal/stream_base_commons')).toBe('node:stream_base_commons');
    expect(groupOf('(garbage collector)', '')).toBe('(garbage collector)');
    expect(groupOf('(program)', '')).toBe('(program)');
    expect(groupOf('hash', '')).toBe('(native)');
  });
});
