import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import type { LiveOptions } from '../../src/server/modules/notifications/live.js';
import { testDatabase } from './db.js';

export interface TestApp {
  app: App;
  close(): Promise<void>;
}

export async function buildTestApp(
  opts: { live?: Partial<LiveOptions>; config?: Partial<Config> } = {},
): Promise<TestApp> {
  const database = await testDatabase();
  // A data directory of its own (attachments are written there), never the working copy's ./data.
  const dataDir = mkdtempSync(join(tmpdir(), 'zx-test-data-'));
  const config = {
    ...loadConfig({}),
    dataDir,
    loginPerMinute: 10_000,
    mode: 'demo' as const,
    // Tests change users and sessions behind the server's back and ask again at once, quicker than a
    // notification crosses PostgreSQL's LISTEN connection: the session cache has tests of its own
    // (session-cache.test.ts, multi-instance.test.ts) and the browser tests run with it on.
    sessionCacheSeconds: 0,
    // Likewise the rankings cache: its own tests are scoring-aggregates.test.ts (every change notified) and
    // multi-instance.test.ts; the browser tests run with it on.
    rankingCacheSeconds: 0,
    ...opts.config,
  };
  const app = await buildApp({ database, config, logger: false, live: opts.live ?? {} });
  await app.ready();
  return {
    app,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** A logged-in user talking to the app through HTTP, with the session cookie and CSRF token. */
export class Client {
  constructor(
    readonly app: App,
    readonly cookie: string,
    readonly csrf: string,
    readonly userId: string,
  ) {}

  static async login(app: App, username: string, password: string): Promise<Client> {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'zx_session');
    const me = res.json<{ csrfToken: string; user: { id: string } }>();
    return new Client(app, `zx_session=${cookie!.value}`, me.csrfToken, me.user.id);
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'GET', url, headers: { cookie: this.cookie } });
  }

  send(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload: object = {},
  ): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url,
      payload,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf },
    });
  }

  post(url: string, payload: object = {}): Promise<LightMyRequestResponse> {
    return this.send('POST', url, payload);
  }

  put(url: string, payload: object = {}): Promise<LightMyRequestResponse> {
    return this.send('PUT', url, payload);
  }
}
