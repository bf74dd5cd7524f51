import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_FOUND_BODY } from '../../src/server/http/errors.js';
import { adoptedAtK, issuedIssue, submitted, world, type World } from './periodicals-fixture.js';

/**
 * SECURITY.md §11: a record outside the caller's scope answers exactly like a missing one — same status,
 * same body — on every kind of id (item, hop, issue, notice, attachment, unknown route).
 */
let w: World;
const ids: Record<string, string> = {};
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  w = await world();
  const { tree } = w;
  const s = await submitted(w, tree.T, '某街道推进老旧小区改造');
  ids.item = s.itemId;
  ids.hop = s.hopId;
  const a = await adoptedAtK(w, '某街道网格化治理办结率达98.6%');
  ids.issue = (await issuedIssue(w, tree.K, [a.adoptionId], [tree.T.id])).id;
  const notice = await (
    await w.as(tree.K.editor)
  ).post(`/api/hubs/${tree.K.id}/notices`, {
    title: '关于本月政务信息报送情况的通报',
    period: 'year',
    year: 2026,
  });
  expect(notice.statusCode, notice.body).toBe(201);
  ids.notice = notice.json<{ id: string }>().id;
  const writer = await w.as(tree.T.writer);
  const up = await w.t.app.inject({
    method: 'POST',
    url: '/api/attachments',
    payload: PNG,
    headers: { cookie: writer.cookie, 'x-csrf-token': writer.csrf, 'content-type': 'image/png' },
  });
  expect(up.statusCode, up.body).toBe(200);
  ids.attachment = up.json<{ id: string }>().id;
});
afterAll(async () => w.t.close());

const ROUTES: [string, (id: string) => string][] = [
  ['item', (id) => `/api/items/${id}`],
  ['item', (id) => `/api/items/${id}/versions/1`],
  ['item', (id) => `/api/items/${id}/diff?from=1&to=2`],
  ['hop', (id) => `/api/hops/${id}/forward-targets`],
  ['issue', (id) => `/api/issues/${id}`],
  ['issue', (id) => `/api/issues/${id}/print`],
  ['issue', (id) => `/api/issues/${id}/docx`],
  ['notice', (id) => `/api/notices/${id}`],
  ['notice', (id) => `/api/notices/${id}/xlsx`],
  ['attachment', (id) => `/files/${id}`],
];

describe('SEC-11 one 404 for missing and out-of-scope ids', () => {
  it.each(ROUTES)('SEC-11 %s: %s answers a foreign id exactly like a random one', async (kind, url) => {
    const outsider = await w.as(w.tree.U.writer);
    const foreign = await outsider.get(url(ids[kind]!));
    const missing = await outsider.get(url(randomUUID()));
    expect(missing.statusCode).toBe(404);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).toBe(missing.body);
    expect(foreign.json()).toEqual(NOT_FOUND_BODY);
  });

  it('SEC-11 state-changing routes too, and an unknown API path', async () => {
    const outsider = await w.as(w.tree.U.writer);
    const bodies = new Set<string>();
    for (const url of [
      `/api/hops/${ids.hop}/receive`,
      `/api/hops/${randomUUID()}/receive`,
      `/api/items/${ids.item}/submit`,
      `/api/items/${randomUUID()}/submit`,
      `/api/notices/${ids.notice}/issue`,
      `/api/notices/${randomUUID()}/issue`,
    ]) {
      const res = await outsider.post(url);
      expect(res.statusCode, url).toBe(404);
      bodies.add(res.body);
    }
    bodies.add((await outsider.get('/api/no-such-route')).body);
    expect([...bodies]).toEqual([JSON.stringify(NOT_FOUND_BODY)]);
  });
});
