#!/usr/bin/env node
// Supply chain (SECURITY.md item 32). Two checks, each usable alone:
//   node scripts/supply-chain.mjs lockfile [path]   lockfile-lint: every package from https://registry.npmjs.org,
//                                                    sha512 integrity, names matching their URLs
//   node scripts/supply-chain.mjs sbom [out]        CycloneDX SBOM of the production dependencies with npm's own
//                                                    `npm sbom` (default dist/sbom.cdx.json), checked to list them
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

export const ALLOWED_HOST = 'registry.npmjs.org';

/** Runs lockfile-lint on a package-lock.json; returns its exit status and output. */
export function lintLockfile(path = join(root, 'package-lock.json')) {
  const bin = join(root, 'node_modules/lockfile-lint/bin/lockfile-lint.js');
  const r = spawnSync(
    process.execPath,
    [
      bin,
      '--path',
      path,
      '--type',
      'npm',
      '--allowed-hosts',
      ALLOWED_HOST,
      '--allowed-schemes',
      'https:',
      '--empty-hostname',
      'false',
      '--validate-integrity',
      '--validate-package-names',
      '--format',
      'plain',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/**
 * Writes the SBOM and checks it: CycloneDX JSON naming this package, with every production dependency of
 * package.json among its components. Returns the problems found (empty when good).
 */
export function writeSbom(out = join(root, 'dist/sbom.cdx.json')) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(
    npm,
    ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev', '--sbom-type', 'application'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0) return [`npm sbom failed (${r.status}): ${r.stderr}`];
  let text = r.stdout;
  try {
    text = `${JSON.stringify(completeFromLockfile(JSON.parse(text)), null, 2)}\n`;
  } catch {
    // Not JSON: checkSbom says so.
  }
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, text);
  return checkSbom(text);
}

/**
 * npm sbom (11.x) leaves out production packages it first reaches through a development-only path: pg-types
 * and pg-protocol, which @types/pg also depends on, were missing although pg needs them at run time. Every
 * installed package the lockfile does not mark as development-only is added in npm's own component form
 * (name, version, purl, SHA-512 from the lockfile's integrity, licence).
 */
function completeFromLockfile(bom) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const components = Array.isArray(bom.components) ? bom.components : (bom.components = []);
  const have = new Set(components.map((c) => c['bom-ref']));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!path || entry.dev || entry.link || !entry.version) continue;
    if (!existsSync(join(root, path))) continue; // an optional package for another platform
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const ref = `${name}@${entry.version}`;
    if (have.has(ref)) continue;
    have.add(ref);
    const [alg, digest] = String(entry.integrity ?? '').split('-');
    components.push({
      'bom-ref': ref,
      type: 'library',
      name,
      version: entry.version,
      scope: entry.optional || entry.devOptional ? 'optional' : 'required',
      purl: `pkg:npm/${name.replace('@', '%40')}@${entry.version}`,
      properties: [],
      hashes:
        alg === 'sha512' && digest
          ? [{ alg: 'SHA-512', content: Buffer.from(digest, 'base64').toString('hex') }]
          : [],
      licenses: !entry.license
        ? []
        : /[\s()]/.test(entry.license)
          ? [{ expression: entry.license }]
          : [{ license: { id: entry.license } }],
    });
  }
  return bom;
}

export function checkSbom(text) {
  let bom;
  try {
    bom = JSON.parse(text);
  } catch {
    return ['the SBOM is not JSON'];
  }
  const problems = [];
  if (bom.bomFormat !== 'CycloneDX') problems.push(`bomFormat is ${bom.bomFormat}, not CycloneDX`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (bom.metadata?.component?.purl !== `pkg:npm/${pkg.name}@${pkg.version}`)
    problems.push(`metadata.component is not ${pkg.name}@${pkg.version}`);
  const components = Array.isArray(bom.components) ? bom.components : [];
  const names = new Set(components.map((c) => (c.group ? `${c.group}/${c.name}` : c.name)));
  for (const dep of Object.keys(pkg.dependencies ?? {}))
    if (!names.has(dep)) problems.push(`dependency ${dep} is missing from the SBOM`);
  for (const c of components)
    if (!c.version || !c.purl) problems.push(`component ${c.name} has no version or purl`);
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const [what, arg] = process.argv.slice(2);
  if (what === 'lockfile') {
    const r = lintLockfile(arg);
    process.stdout.write(r.output);
    process.exit(r.status);
  } else if (what === 'sbom') {
    const problems = writeSbom(arg);
    if (problems.length) {
      console.error(`SBOM check failed:\n- ${problems.join('\n- ')}`);
      process.exit(1);
    }
    console.log(`SBOM (CycloneDX) written to ${arg ?? 'dist/sbom.cdx.json'}`);
  } else {
    console.error('usage: node scripts/supply-chain.mjs lockfile [package-lock.json] | sbom [out.json]');
    process.exit(2);
  }
}
