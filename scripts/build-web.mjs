#!/usr/bin/env node
// `npm run build`: builds the web UI with Vite into dist/web, then writes a brotli (.br) and a gzip (.gz)
// copy next to every compressible file, which @fastify/static serves (preCompressed) to clients that accept
// them — no compression work per request.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist/web');
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;

export function compressDir(dir) {
  let raw = 0;
  let br = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const s = compressDir(p);
      raw += s.raw;
      br += s.br;
      files += s.files;
      continue;
    }
    if (!COMPRESSIBLE.test(entry.name) || statSync(p).size < 256) continue;
    const data = readFileSync(p);
    const b = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    writeFileSync(p + '.br', b);
    writeFileSync(p + '.gz', gzipSync(data, { level: 9 }));
    raw += data.length;
    br += b.length;
    files += 1;
  }
  return { raw, br, files };
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  const quiet = process.argv.includes('--quiet');
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', ...(quiet ? ['--logLevel', 'warn'] : [])],
    // Always a production bundle, even when started from a test runner that sets NODE_ENV=test.
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  const s = compressDir(out);
  const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`precompressed ${s.files} files: ${kb(s.raw)} → ${kb(s.br)} brotli`);
}
