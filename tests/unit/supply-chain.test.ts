import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * SECURITY.md item 32: the lockfile names only https://registry.npmjs.org with sha512 integrity, and CI
 * writes a CycloneDX SBOM listing every production dependency (scripts/supply-chain.mjs, run by .ci/run).
 */
const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'zx-supply-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'scripts/supply-chain.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });

describe('supply chain', () => {
  it('SEC-32 lockfile-lint passes on the committed package-lock.json', () => {
    const r = run('lockfile', join(root, 'package-lock.json'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('SEC-32 lockfile-lint refuses a package from another host, over http or git, or without sha512 integrity', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; resolved?: string; integrity?: string }>;
    };
    // This machine's npm omits registry URLs from the lockfile (omit-lockfile-registry-resolved): packages
    // come from the configured registry, and any URL that is written (git, tarball) must pass the policy.
    const name = 'node_modules/fastify';
    const version = lock.packages[name]!.version!;
    const tarball = (host: string, scheme = 'https:') =>
      `${scheme}//${host}/fastify/-/fastify-${version}.tgz`;
    const cases: [string, (e: { resolved?: string; integrity?: string }) => void, boolean][] = [
      ['registry.npmjs.org over https', (e) => (e.resolved = tarball('registry.npmjs.org')), true],
      ['foreign host', (e) => (e.resolved = tarball('registry.npm.example.com')), false],
      ['plain http', (e) => (e.resolved = tarball('registry.npmjs.org', 'http:')), false],
      ['git', (e) => (e.resolved = 'git+ssh://git@github.com/fastify/fastify.git#abc'), false],
      ['sha1 integrity', (e) => (e.integrity = 'sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk='), false],
    ];
    for (const [what, change, passes] of cases) {
      const copy = JSON.parse(JSON.stringify(lock)) as typeof lock;
      change(copy.packages[name]!);
      const file = join(dir, `${what.replace(/\W/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(copy));
      const r = run('lockfile', file);
      expect(r.status === 0, `${what}: ${r.stdout}`).toBe(passes);
    }
  });

  it('SEC-32 the CycloneDX SBOM lists every production dependency', () => {
    const out = join(dir, 'sbom.cdx.json');
    const r = run('sbom', out);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const bom = JSON.parse(readFileSync(out, 'utf8')) as {
      bomFormat: string;
      components: { name: string; group?: string; version: string; purl: string }[];
    };
    expect(bom.bomFormat).toBe('CycloneDX');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const names = new Set(bom.components.map((c) => (c.group ? `${c.group}/${c.name}` : c.name)));
    for (const dep of ['fastify', 'drizzle-orm', 'pg', '@electric-sql/pglite', 'zod'])
      expect(names.has(dep), dep).toBe(true);
    for (const dep of Object.keys(pkg.dependencies)) expect(names.has(dep), dep).toBe(true);
    // What the production packages need in turn, also where a development package needs it too (npm sbom
    // left out pg's pg-types and pg-protocol, which @types/pg also depends on).
    for (const dep of ['pg-types', 'pg-protocol', 'pg-pool', 'postgres-date', 'semver'])
      expect(names.has(dep), dep).toBe(true);
    // Production only: a tool used for building and testing is not shipped.
    expect(names.has('vitest')).toBe(false);
    expect(names.has('lockfile-lint')).toBe(false);
  });
});
