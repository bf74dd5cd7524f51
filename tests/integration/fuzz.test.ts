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
  'a\u0000b',
  '\uD800',
  '尾\uDFFF',
  '😀\uD83D 正文',
  { title: '正常', nested: ['ok', 'x\uDC00'] },
  [],
  {},
  [1, 'a'],
  { $ne: 1 },
];

/** Percent-encoding; a lone surrogate has no UTF-8 form, so it goes as NUL instead. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%00';
  }
}

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
    const ids = ['not-a-uuid', '00000000-0000-4000-8000-000000000000', '%00', 'a\u0000', 'x'.repeat(300)];
    let calls = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        if (path === '/api/auth/logout' || path === '/api/auth/password') continue;
        for (let i = 0; i < 12; i++) {
          const url =
            path.replace(/\{[^}]+\}/g, () => enc(ids[Math.floor(r() * ids.length)]!)) +
            (r() < 0.5
              ? `?limit=${enc(String(randomValue(r)))}&cursor=${enc(String(randomValue(r)))}&box=${r()}`
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

/**
 * Text PostgreSQL cannot store (issue 8 failure 4): NUL and lone UTF-16 surrogates, alone or mixed with good
 * text, in the body, the query string and the path parameters of every documented route, logged in and not.
 * Each answer is a 400 naming the field, never a 500.
 */
describe('NUL and lone surrogates', () => {
  const BAD = ['\u0000', 'a\u0000b', '\uD800', 'x\uDBFFy', '\uDC00', '尾\uDFFF', '😀\uD83D', '\u0000\uD800'];

  async function documented(): Promise<[string, string][]> {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    return Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => [m.toUpperCase(), path] as [string, string]),
    );
  }

  const goodId = '00000000-0000-4000-8000-000000000000';

  function expectNamed(res: { statusCode: number; body: string }, what: string, field: string) {
    expect(res.statusCode, `${what} → ${res.body}`).toBe(400);
    const body = JSON.parse(res.body) as { code: string; message: string; details: { field: string } };
    expect(body.code, what).toBe('validation');
    expect(body.details.field, what).toBe(field);
    expect(body.message, what).toContain(field);
  }

  for (const session of ['logged in', 'anonymous'] as const) {
    it(`refuses them in bodies, query strings and path parameters of every route (${session})`, async () => {
      const headers: Record<string, string> =
        session === 'logged in' ? { cookie: client.cookie, 'x-csrf-token': client.csrf } : {};
      const r = rng(8004);
      let calls = 0;
      for (const [method, path] of await documented()) {
        const base = path.replace(/\{[^}]+\}/g, goodId);
        const bad = () => BAD[Math.floor(r() * BAD.length)]!;
        if (method !== 'GET') {
          // A flat field, and one deep inside good text.
          const flat = bad();
          const res1 = await t.app.inject({
            method: method as 'POST',
            url: base,
            headers: { ...headers, 'content-type': 'application/json' },
            payload: JSON.stringify({ title: '正常标题', username: flat, password: 'x' }),
          });
          expectNamed(res1, `${method} ${path} body ${JSON.stringify(flat)}`, 'username');
          const res2 = await t.app.inject({
            method: method as 'POST',
            url: base,
            headers: { ...headers, 'content-type': 'application/json' },
            payload: JSON.stringify({
              bodyHtml: '<p>好</p>',
              blocks: [{ text: 'ok 😀' }, { text: `x${bad()}` }],
            }),
          });
          expectNamed(res2, `${method} ${path} nested body`, 'blocks.1.text');
          calls += 2;
        }
        // NUL in the query string (a lone surrogate cannot be percent-encoded in UTF-8).
        const res3 = await t.app.inject({
          method: method as 'GET',
          url: `${base}?limit=5&cursor=a%00b`,
          headers,
          ...(method === 'GET' ? {} : { payload: {} }),
        });
        expectNamed(res3, `${method} ${path} query`, 'cursor');
        calls++;
        // NUL in each path parameter.
        for (const name of path.match(/\{[^}]+\}/g) ?? []) {
          const url = path.replace(/\{[^}]+\}/g, (p) => (p === name ? 'ab%00cd' : goodId));
          const res4 = await t.app.inject({
            method: method as 'GET',
            url,
            headers,
            ...(method === 'GET' ? {} : { payload: {} }),
          });
          expectNamed(res4, `${method} ${url}`, name.slice(1, -1));
          calls++;
        }
      }
      expect(calls).toBeGreaterThan(200);
    });
  }

  it('refuses them in a login name before anything else, and the login still works afterwards', async () => {
    for (const username of ['adm\u0000in', '\uD800admin', 'admin\uDC00']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password: PASSWORD },
      });
      expectNamed(res, JSON.stringify(username), 'username');
    }
    const me = await client.get('/api/auth/me');
    expect(me.statusCode).toBe(200);
  });
});
