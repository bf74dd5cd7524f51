import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../browser/server.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

/**
 * How a browser arrives: the printed address, a reload on any client-side route, hashed assets, and
 * unknown API paths. Every path that is not /api/* and not a real file serves the app shell.
 */
let t: TestApp;
beforeAll(async () => {
  ensureWebBuilt();
  t = await buildTestApp();
});
afterAll(() => t.close());

const ASSETS = fileURLToPath(new URL('../../dist/web/assets/', import.meta.url));

describe('web shell', () => {
  it.each(['/', '/inbox', '/items/abc?tab=timeline', '/assets/', '/assets', '/admin/users/', '/login'])(
    'GET %s serves the app shell',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
    },
  );

  it('the shell carries a fresh CSP nonce on its scripts and styles; answers without inline code allow none', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/' });
      const csp = String(res.headers['content-security-policy']);
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, csp).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`);
      expect(res.body).toContain(`<meta name="csp-nonce" content="${nonce}" />`);
      // Every script and style element of the page carries it.
      for (const tag of res.body.match(/<(script|style)\b[^>]*>/g) ?? [])
        expect(tag).toContain(`nonce="${nonce}"`);
      nonces.add(nonce!);
    }
    expect(nonces.size).toBe(3);
    for (const url of ['/api/health', '/assets/missing-abc123.js', '/api/nowhere']) {
      const csp = String((await t.app.inject({ method: 'GET', url })).headers['content-security-policy']);
      expect(csp, url).not.toContain('nonce-');
      expect(csp, url).toContain("script-src 'self'; style-src 'self';");
      expect(csp, url).toContain("object-src 'none'");
    }
  });

  it('HEAD / answers 200 as well', async () => {
    const res = await t.app.inject({ method: 'HEAD', url: '/' });
    expect(res.statusCode).toBe(200);
  });

  it('a missing file is a plain 404, not the shell', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/missing-abc123.js' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<div id="root">');
  });

  it('hashed assets are cached as immutable', async () => {
    const file = readdirSync(ASSETS).find((f) => f.endsWith('.js'));
    const res = await t.app.inject({ method: 'GET', url: `/assets/${file}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('a path the static files refuse (too long for the file system, or not canonical) is an unknown path, never a 403', async () => {
    const long = 'a'.repeat(5000);
    const org = await buildOrg(t.app.database.db, { name: '长路径街道', parentId: null, level: 'county' });
    const c = await Client.login(
      t.app,
      (await buildUser(t.app.database.db, org, ['writer'])).username,
      PASSWORD,
    );
    for (const url of [`/api/items/${long}`, `/api/${long}`]) {
      const res = await c.get(url);
      expect(res.statusCode, url.slice(0, 20)).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
    }
    for (const url of [`/${long}`, `/${'a'.repeat(300)}`, '/x/./y']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url.slice(0, 20)).toBe(200);
      expect(res.body).toContain('<div id="root">');
    }
    const file = await t.app.inject({ method: 'GET', url: `/${long}.js` });
    expect(file.statusCode).toBe(404);
    expect(file.body).not.toContain('<div id="root">');
  });

  it('unknown API paths answer a JSON 404, however the path is spelled', async () => {
    const org = await buildOrg(t.app.database.db, { name: '测试街道', parentId: null, level: 'county' });
    const user = await buildUser(t.app.database.db, org, ['writer']);
    const c = await Client.login(t.app, user.username, PASSWORD);
    for (const url of ['/api/nope', '/api/items/x/nope', '/%61pi/nope']) {
      const res = await c.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
    }
  });
});
