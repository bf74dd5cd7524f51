import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../helpers/db.js';

/**
 * Two server instances on one PostgreSQL behind nginx (round robin), as a province would run them: a
 * session made on one instance works on the other, the login failure counter and lockout are shared, and
 * both instances' audit sealers produce one intact chain. PostgreSQL only (PGlite is one process).
 */
const root = new URL('../..', import.meta.url).pathname;
const procs: ChildProcess[] = [];
let dir = '';
let dbName = '';
let base = '';
let instances: string[] = [];
let dbUrl = '';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function waitFor(url: string, proc: ChildProcess, output: () => string) {
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`exited: ${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer at ${url}: ${output()}`);
}

function start(cmd: string, args: string[], env: Record<string, string> = {}) {
  const p = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  procs.push(p);
  return { p, output: () => out };
}

describe.runIf(ENGINE === 'postgres')('two instances behind nginx', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root });
    const admin = process.env.TEST_DATABASE_URL!;
    dbName = `zx_multi_${randomBytes(4).toString('hex')}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${dbName}`);
    await c.end();
    const url = new URL(admin);
    url.pathname = `/${dbName}`;
    dir = mkdtempSync(join(tmpdir(), 'zx-multi-'));
    const ports = [await freePort(), await freePort()];
    instances = ports.map((p) => `http://127.0.0.1:${p}`);
    dbUrl = url.toString();
    const env = {
      DATABASE_URL: url.toString(),
      ZX_MODE: 'demo',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: dir,
      ZX_LOGIN_PER_MINUTE: '1000',
      // Far beyond the test: only the invalidation notifications can end a kept session in time.
      ZX_SESSION_CACHE_SECONDS: '60',
      ZX_RANKING_CACHE_SECONDS: '600',
    };
    // The first instance migrates and loads the demo data; the second starts on the migrated database.
    const a = start(process.execPath, ['dist/server/zhengxun.mjs'], { ...env, PORT: String(ports[0]) });
    await waitFor(`http://127.0.0.1:${ports[0]}/api/health`, a.p, a.output);
    const b = start(process.execPath, ['dist/server/zhengxun.mjs'], { ...env, PORT: String(ports[1]) });
    await waitFor(`http://127.0.0.1:${ports[1]}/api/health`, b.p, b.output);
    const lb = await freePort();
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream zx { server 127.0.0.1:${ports[0]}; server 127.0.0.1:${ports[1]}; }
  server {
    listen 127.0.0.1:${lb};
    location / {
      proxy_pass http://zx; proxy_set_header Host $host:$server_port;
      proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Forwarded-Proto $scheme;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`,
    );
    const n = start('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir]);
    base = `http://127.0.0.1:${lb}`;
    await waitFor(`${base}/api/health`, n.p, n.output);
  }, 600_000);

  afterAll(async () => {
    for (const p of procs) p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    if (dbName) {
      const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const login = (username: string, password: string) =>
    fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ username, password }),
    });

  /** The Cookie header a browser would send back after this answer. */
  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

  it('serves the app shell at the root through the balancer', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('a session made on one instance is honoured by the other', async () => {
    const res = await login('thq_xxy', 'Zhengxun@2026');
    expect(res.status).toBe(200);
    const cookie = cookieOf(res);
    const upstreams = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const me = await fetch(`${base}/api/items?box=mine`, { headers: { cookie } });
      expect(me.status).toBe(200);
      upstreams.add(me.headers.get('x-upstream') ?? '');
    }
    expect(upstreams.size).toBe(2);
  });

  it('a session ended or changed through one instance is no longer honoured from the other’s cache', async () => {
    const res = await login('thq_xxy', 'Zhengxun@2026');
    expect(res.status).toBe(200);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const cookie = cookieOf(res);
    const units = async (at: string) => {
      const me = await fetch(`${at}/api/auth/me`, { headers: { cookie } });
      return me.status === 200 ? ((await me.json()) as { units: unknown[] }).units.length : me.status;
    };
    // Both instances read the session and keep it.
    const [a, b] = instances as [string, string];
    const before = await units(b);
    expect(before).toBeGreaterThan(0);
    expect(await units(a)).toBe(before);
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ org_id: string; role: string }>(
        `delete from memberships m using users u where u.id = m.user_id and u.username = 'thq_xxy' returning m.*`,
      );
      await expect.poll(() => units(b), { timeout: 3_000, interval: 20 }).toBe(0);
      await c.query(
        `insert into memberships (user_id, org_id, role, confirmed_at)
           select u.id, r.org_id, r.role, now() from users u, jsonb_to_recordset($1::jsonb) r(org_id uuid, role text)
           where u.username = 'thq_xxy'`,
        [JSON.stringify(rows.map((r) => ({ org_id: r.org_id, role: r.role })))],
      );
      await expect.poll(() => units(b), { timeout: 3_000, interval: 20 }).toBe(before);
    } finally {
      await c.end();
    }
    const out = await fetch(`${a}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(out.status).toBe(200);
    await expect.poll(() => units(b), { timeout: 3_000, interval: 20 }).toBe(401);
  });

  it('a ranking one instance keeps follows a score entry committed through the other, at its next read', async () => {
    const res = await login('fy_zb', 'Zhengxun@2026');
    expect(res.status).toBe(200);
    const me = (await res.json()) as { csrfToken: string; units: { id: string; isHub?: boolean }[] };
    const hubId = me.units.find((u) => u.isHub)!.id;
    const cookie = cookieOf(res);
    const [a, b] = instances as [string, string];
    const d = new Date(Date.now() + 8 * 3_600_000);
    const month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    const ranking = async (at: string) => {
      const r = await fetch(
        `${at}/api/hubs/${hubId}/rankings?period=month&month=${month}&page=1&pageSize=100`,
        {
          headers: { cookie },
        },
      );
      expect(r.status).toBe(200);
      return ((await r.json()) as { rows: { orgId: string; points: number }[] }).rows;
    };
    // Both instances compute the ranking and keep it.
    const before = await ranking(b);
    expect(await ranking(a)).toEqual(before);
    expect(await ranking(b)).toEqual(before);
    const unit = before[before.length - 1]!;
    const added = await fetch(`${a}/api/hubs/${hubId}/score-entries`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'manual_bonus',
        orgId: unit.orgId,
        points: 7,
        reason: '两个实例的排名缓存',
      }),
    });
    expect(added.status, await added.text()).toBe(201);
    const pointsOf = async (at: string) => (await ranking(at)).find((r) => r.orgId === unit.orgId)?.points;
    // The other instance's very next read: it catches up with the change feed before serving what it kept.
    expect(await pointsOf(b)).toBe(unit.points + 7);
    expect(await pointsOf(a)).toBe(unit.points + 7);
  });

  it('counts failed logins across instances and locks the account for both', async () => {
    const results = [];
    for (let i = 0; i < 8; i++) results.push((await login('thq_shr', 'wrong-password')).status);
    expect(results.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    const right = await login('thq_shr', 'Zhengxun@2026');
    expect(right.status).not.toBe(200);
    expect(right.headers.get('retry-after')).toBeTruthy();
  });

  it('pushes a notification committed anywhere to the streams on every instance and through nginx', async () => {
    const res = await login('thq_xxy', 'Zhengxun@2026');
    const cookie = cookieOf(res);
    const streams = await Promise.all(
      [...instances, base].map(async (at) => {
        const controller = new AbortController();
        const r = await fetch(`${at}/api/notifications/stream`, {
          headers: { cookie },
          signal: controller.signal,
        });
        expect(r.status).toBe(200);
        const reader = r.body!.getReader();
        const state = { text: '' };
        const decoder = new TextDecoder();
        const reading = (async () => {
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              state.text += decoder.decode(value, { stream: true });
            }
          } catch {
            // aborted
          }
        })();
        return { state, stop: async () => (controller.abort(), await reading) };
      }),
    );
    const waitAll = async (needle: string) => {
      for (let i = 0; i < 200 && !streams.every((s) => s.state.text.includes(needle)); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(streams.map((s) => s.state.text.includes(needle))).toEqual([true, true, true]);
    };
    await waitAll('event: ready');
    // A write committed by a third connection (as another instance's transaction would): the row, whose
    // trigger puts its unit on the change feed in the same transaction (drizzle/0028), read by both.
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    const { rows } = await c.query<{ org_id: string }>(
      `select m.org_id from memberships m join users u on u.id = m.user_id where u.username = 'thq_xxy'`,
    );
    const orgId = rows[0]!.org_id;
    await c.query('begin');
    await c.query(
      `insert into notifications (id, org_id, kind, title, created_at) values (gen_random_uuid(), $1, 'notice', '跨实例推送测试', now())`,
      [orgId],
    );
    await c.query('commit');
    await c.end();
    await waitAll('event: notifications');
    for (const s of streams) await s.stop();
  });

  it('both instances seal into one intact audit chain', async () => {
    for (let i = 0; i < 10; i++) await login('thq_qfr', 'Zhengxun@2026');
    await new Promise((r) => setTimeout(r, 2500));
    const out = execFileSync(process.execPath, ['dist/server/cli/main.js', 'verify-audit'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL!.replace(/\/[^/]*$/, `/${dbName}`) },
      encoding: 'utf8',
    });
    expect(out).toContain('审计日志完好');
  });
});
