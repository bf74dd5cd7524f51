/**
 * `npm run bench:profile -- <file.cpuprofile>…` — where a profiled server's CPU went, by package and module:
 * the self time of every sample of a V8 CPU profile (`BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'
 * npm run bench -- --only inbox …`), mapped through the bundle's source map (dist/server/*.mjs.map) to the
 * file it was written in and grouped: an npm package by name (`pg`, `fastify`, `zod`…), our code by module
 * (`src/server/modules/items`…), Node's own JavaScript by subsystem (`node:http`, `node:net`…), and V8's
 * pseudo-frames (`(garbage collector)`, `(program)`: native work outside JavaScript, such as socket writes
 * and parsing HTTP). Idle time is reported apart and left out of the shares.
 *
 *   npm run bench:profile -- /tmp/prof/CPU.*.cpuprofile [--top 25] [--functions 15]
 *
 * Prints a table; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { groupOf, type CpuProfile } from './profile-groups.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, functions: { type: 'string', default: '15' } },
});
if (positionals.length === 0) {
  console.error('usage: npm run bench:profile -- <file.cpuprofile>… [--top 25] [--functions 15]');
  process.exit(2);
}

const maps = new Map<string, SourceMap | null>();
function sourceMapOf(url: string): SourceMap | null {
  if (maps.has(url)) return maps.get(url) ?? null;
  let map: SourceMap | null;
  try {
    const file = url.startsWith('file:') ? fileURLToPath(url) : url;
    // The payload's type is not exported by node:module; the file is the bundle's own map (esbuild).
    map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as never);
  } catch {
    map = null; // no map beside it (Node's own files, another package's bundle): grouped by its url
  }
  maps.set(url, map);
  return map;
}

/** The file a frame was written in: the bundle's source for our server, the url otherwise. */
function originalFile(f: CpuProfile['nodes'][number]['callFrame']): string {
  if (!f.url) return '';
  const map = f.url.endsWith('.mjs') || f.url.endsWith('.js') ? sourceMapOf(f.url) : null;
  if (!map || f.lineNumber < 0) return f.url;
  const entry = map.findEntry(f.lineNumber, f.columnNumber);
  return 'originalSource' in entry ? entry.originalSource : f.url;
}

const selfUs = new Map<string, number>();
const fnUs = new Map<string, number>();
let idleUs = 0;
let totalUs = 0;
for (const path of positionals) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const groupCache = new Map<number, { group: string; fn: string }>();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += dt;
      return;
    }
    let g = groupCache.get(id);
    if (!g) {
      const f = node.callFrame;
      const file = originalFile(f);
      const group = groupOf(f.functionName, file);
      g = { group, fn: `${f.functionName || '(anonymous)'}  ${group}` };
      groupCache.set(id, g);
    }
    totalUs += dt;
    selfUs.set(g.group, (selfUs.get(g.group) ?? 0) + dt);
    fnUs.set(g.fn, (fnUs.get(g.fn) ?? 0) + dt);
  });
}

const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);

console.log(
  `${positionals.length} profile(s): ${(totalUs / 1000).toFixed(0)} ms busy, ${(idleUs / 1000).toFixed(0)} ms idle`,
);
console.log('\nself time by package / module');
for (const [group, us] of top(selfUs, Number(values.top))) console.log(`${pct(us)} ${ms(us)}  ${group}`);
console.log('\nself time by function');
for (const [fn, us] of top(fnUs, Number(values.functions))) console.log(`${pct(us)} ${ms(us)}  ${fn}`);
