import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrgTree, PASSWORD } from '../helpers/factories.js';

/**
 * Bad input never yields a 500 (SECURITY.md §31): every documented route gets malformed ids, bodies and
 * query strings from a seeded generator, as a logged-in user with a valid CSRF token.
 */
let t: TestApp;
let client: Client;
beforeAll(async () => {
  t = await buildTestApp();
  const tree = await buildOrgTree(t.app.database.db);
  client = await Client.login(t.app, tree.K.editor, PASSWORD);
});
afterAll(async () => t.close());

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const ATOMS: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  '',
  ' ',
  'x'.repeat(5000),
  '秘密★',
  '<script>alert(1)</script>',
  "' or 1=1 --",
  '00000000-0000-4000-8000-000000000000',
  '../../etc/passwd',
  '\u0000',
  [],
  {},
  [1, 'a'],
  { $ne: 1 },
];

function randomValue(r: () => number, depth = 0): unknown {
  if (depth > 2 || r() < 0.6) return ATOMS[Math.floor(r() * ATOMS.length)];
  if (r() < 0.5) return Array.from({ length: Math.floor(r() * 3) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (const k of [
    'title',
    'bodyHtml',
    'orgId',
    'rowVersion',
    'reason',
    'opinion',
    'periodicalId',
    'targetOrgId',
    'type',
    'category',
    'zz',
  ])
    if (r() < 0.4) o[k] = randomValue(r, depth + 1);
  return o;
}

describe('fuzz', () => {
  it('answers every documented route with a 4xx or 2xx, never a 500', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const r = rng(20261123);
    const ids = ['not-a-uuid', '00000000-0000-4000-8000-000000000000', '%00', 'x'.repeat(300)];
    let calls = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        if (path === '/api/auth/logout' || path === '/api/auth/password') continue;
        for (let i = 0; i < 12; i++) {
          const url =
            path.replace(/\{[^}]+\}/g, () => encodeURIComponent(ids[Math.floor(r() * ids.length)]!)) +
            (r() < 0.5
              ? `?limit=${encodeURIComponent(String(randomValue(r)))}&cursor=${encodeURIComponent(String(randomValue(r)))}&box=${r()}`
              : '');
          const res = await client.app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            headers: {
              cookie: client.cookie,
              'x-csrf-token': client.csrf,
              'content-type': 'application/json',
            },
            ...(method === 'get'
              ? {}
              : { payload: r() < 0.1 ? '{"broken json' : JSON.stringify(randomValue(r)) }),
          });
          calls++;
          expect(res.statusCode, `${method.toUpperCase()} ${url} → ${res.body}`).toBeLessThan(500);
        }
      }
    }
    expect(calls).toBeGreaterThan(200);
  });
});
