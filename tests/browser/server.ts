import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { openDatabase } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';
import { loadDemoData } from '../../src/demo/seed.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Builds the SPA (with its precompressed copies) when dist/web is missing or older than its sources, the
 * way `npm start` decides it: scripts/build.mjs owns that rule.
 */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale', '--only', 'web'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** The real server on an in-memory PGlite with the demo data, on a random local port. */
export async function startTestServer(
  overrides: Partial<Config> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  ensureWebBuilt();
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrate(database);
  const config = {
    ...loadConfig({}),
    dataDir: mkdtempSync(join(tmpdir(), 'zx-browser-data-')),
    host: '127.0.0.1',
    port: 0,
    loginPerMinute: 10_000,
    mode: 'demo' as const,
    logLevel: 'warn',
    ...overrides,
  };
  const app = await buildApp({ database, config, logger: false });
  // After buildApp, which installs the audit key: the demo's audit rows are chained with it (as in main.ts).
  await loadDemoData(database.db);
  await app.listen({ host: '127.0.0.1', port: 0 });
  app.mailSender?.start(1_000); // as main.ts does (a configured mail channel only)
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
