import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../helpers/db.js';

/**
 * The real entry point as a process, as `npm start` runs it (the compiled server in dist/server): migrations at start, demo data only in demo
 * mode, nothing at all in production mode. PGlite only: the entry point is the same on PostgreSQL.
 */
const root = new URL('../..', import.meta.url).pathname;
let child: ChildProcess | null = null;
let dir: string | null = null;

beforeAll(() => {
  if (ENGINE === 'pglite')
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root });
}, 300_000);

afterEach(() => {
  child?.kill('SIGTERM');
  child = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'zx-start-'));
  const port = String(20000 + Math.floor(Math.random() * 20000));
  child = spawn(process.execPath, [join(root, 'dist/server/zhengxun.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: port,
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // A limit for hangs, not a speed check: the first start writes the demo year, slow on a busy machine.
  for (let i = 0; i < 720; i++) {
    // The address a newcomer opens is the one the server prints.
    const printed = /打开浏览器访问：\s*(http:\/\/\S+)/.exec(output)?.[1];
    if (printed) return printed.replace(/\/$/, '');
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not start: ${output}`);
}

const login = (url: string, username: string, password: string) =>
  fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

describe.runIf(ENGINE === 'pglite')('start-up', () => {
  it('production mode creates no account and loads no demo data', async () => {
    const url = await start({ ZX_MODE: 'production', ZX_AUDIT_KEY: 'test-production-key' });
    expect((await (await fetch(`${url}/api/health`)).json()).status).toBe('ok');
    expect((await login(url, 'sysadmin', 'Zhengxun@2026')).status).toBe(401);
    expect((await login(url, 'thq_xxy', 'Zhengxun@2026')).status).toBe(401);
  });

  it('the launcher keeps the compiled bundle beside it for the next start (V8 compile cache)', async () => {
    const cache = join(root, 'dist/server/.compile-cache');
    rmSync(cache, { recursive: true, force: true });
    await start({ ZX_MODE: 'production', ZX_AUDIT_KEY: 'test-production-key' });
    // Written when the server listens (module.flushCompileCache), before it prints its address.
    const [version] = readdirSync(cache);
    expect(version).toMatch(/^v\d+/);
    const entries = readdirSync(join(cache, version!));
    const bytes = entries.reduce((n, f) => n + statSync(join(cache, version!, f)).size, 0);
    // The bundle's eagerly compiled code (1.4 MB on Node 24), not an empty folder.
    expect(bytes).toBeGreaterThan(500_000);
  });

  it('production mode refuses to start without an audit key', async () => {
    await expect(start({ ZX_MODE: 'production', ZX_AUDIT_KEY: '' })).rejects.toThrow(/ZX_AUDIT_KEY/);
  });

  it('demo mode loads the demo tree on first start and the accounts log in', async () => {
    const url = await start({});
    // The printed address and a reload of any page answer the app, not an error.
    for (const path of ['/', '/inbox', '/items/mine']) {
      const page = await fetch(`${url}${path}`);
      expect(page.status, path).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    }
    const res = await login(url, 'thq_xxy', 'Zhengxun@2026');
    expect(res.status).toBe(200);
    expect((await res.json()).units[0].name).toBe('汾阳市太和桥街道办事处');
  }, 240_000);
});
