#!/usr/bin/env node
// `npm start`: builds the web UI when it is missing or older than its sources, then runs the server
// (embedded PGlite in ./data with demo data unless DATABASE_URL / ZX_MODE say otherwise).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'dist/web/index.html');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = [join(root, 'src/web'), join(root, 'src/server/modules/items/domain')].filter(existsSync);
const stale =
  !existsSync(built) ||
  Math.max(...sources.map(newest), statSync(join(root, 'vite.config.ts')).mtimeMs) > statSync(built).mtimeMs;
if (stale) {
  console.log('正在构建前端（首次启动约需半分钟）…');
  // Vite build, then precompressed .br/.gz copies of every asset (scripts/build-web.mjs).
  const r = spawnSync(process.execPath, [join(root, 'scripts/build-web.mjs'), '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/server/main.ts')], {
  cwd: root,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
