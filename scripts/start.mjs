#!/usr/bin/env node
// `npm start`: builds the web UI and the server when missing or older than their sources, then runs the
// compiled server (embedded PGlite in ./data with demo data unless DATABASE_URL / ZX_MODE say otherwise).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12))
  console.warn(
    `警告：Node.js ${process.versions.node} 已停止维护，请使用 Node.js 24 LTS（≥ 22.12）。运行 bash .ci/ensure-node.sh 可安装。`,
  );

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'dist/server/zhengxun.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
