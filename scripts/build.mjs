#!/usr/bin/env node
// `npm run build`: the web UI (Vite → dist/web) and the server (tsc → dist/server, plus the SQL files the
// server reads at run time). `node scripts/build.mjs --if-stale` rebuilds only what is older than its
// sources (used by `npm start` and the tests); `--only web|server` builds one of the two. Production runs the compiled JavaScript; tsx is for dev only.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ifStale = process.argv.includes('--if-stale');
// `--only web` or `--only server`: one target (the browser tests need only the web UI).
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const entry of readdirSync(path)) t = Math.max(t, newest(join(path, entry)));
  return t;
}

function run(args, label) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`  ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Every file below dir whose name ends with one of exts. */
function filesBelow(dir, exts) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .map((f) => join(dir, f));
}

const targets = [
  {
    name: 'web',
    output: join(root, 'dist/web/index.html'),
    // The web UI imports vocabularies, labels and types from many server modules: all of src/server counts.
    sources: ['src/web', 'src/server', 'vite.config.ts', 'package-lock.json'],
    build() {
      // Vite (always a production bundle), then precompressed .br/.gz copies of every asset.
      run([join(root, 'scripts/build-web.mjs'), '--quiet'], 'web (vite + brotli/gzip)');
    },
  },
  {
    name: 'server',
    output: join(root, 'dist/server/zhengxun.mjs'),
    sources: [
      'src/server',
      'src/demo',
      'src/cli',
      'tsconfig.json',
      'tsconfig.server.json',
      'package-lock.json',
    ],
    build() {
      run([join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json'], 'server (tsc)');
      // Files the compiled server reads next to its modules (checked-in SQL).
      for (const file of filesBelow(join(root, 'src'), ['.sql'])) {
        const target = join(root, 'dist/server', relative(join(root, 'src'), file));
        cpSync(file, target);
      }
      return bundleServer();
    },
  },
];

/**
 * The server as one ES module (dist/server/zhengxun-server.mjs): resolving and loading the ~2,000 small
 * files of drizzle-orm, fastify and zod one by one was most of the start-up time. Packages with native
 * code, WebAssembly, worker threads or a large lazily used API stay external and load from node_modules
 * as usual. `npm start` runs dist/server/zhengxun.mjs, a launcher that turns on V8's compile cache before
 * it imports the bundle: compiling the 5 MB bundle and the external packages' CommonJS was a third of a
 * second start's CPU, and from the second start on it is read from dist/server/.compile-cache instead.
 */
const LAUNCHER = `// Written by scripts/build.mjs. The compile cache lives beside the bundle, in a folder only the
// installation's owner writes (not a shared temporary folder: V8 trusts its cached code); when it cannot be
// written the server starts as before. NODE_COMPILE_CACHE=<dir> chooses another folder,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

module.enableCompileCache?.(fileURLToPath(new URL('./.compile-cache', import.meta.url)));
await import('./zhengxun-server.mjs');
`;

async function bundleServer() {
  const t0 = Date.now();
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'dist/server/server/main.js')],
    outfile: join(root, 'dist/server/zhengxun-server.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    sourcemap: true,
    logLevel: 'warning',
    external: [
      '@electric-sql/pglite',
      '@node-rs/argon2',
      'pg-native',
      '@aws-sdk/*',
      'pino',
      'exceljs',
      'docx',
      // Loaded on first use (password checks), not at start-up.
      'pinyin-pro',
    ],
    // Bundled CommonJS packages call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __zxRequire } from 'node:module'; const require = __zxRequire(import.meta.url);",
    },
  });
  writeFileSync(join(root, 'dist/server/zhengxun.mjs'), LAUNCHER);
  rmSync(join(root, 'dist/server/zhengxun.mjs.map'), { force: true }); // the bundle's map before the launcher

  console.log(`  server bundle (esbuild): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

for (const t of targets.filter((x) => !only || x.name === only)) {
  const stale =
    !existsSync(t.output) ||
    Math.max(...t.sources.map((s) => newest(join(root, s)))) > statSync(t.output).mtimeMs;
  if (ifStale && !stale) continue;
  if (ifStale) console.log(`正在构建${t.name === 'web' ? '前端' : '服务端'}…`);
  await t.build();
}
