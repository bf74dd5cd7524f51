import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments } from '../../src/server/modules/attachments/schema.js';
import { autosaves } from '../../src/server/modules/autosave/schema.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrgTree, PASSWORD, type OrgTree } from '../helpers/factories.js';

let t: TestApp;
let tree: OrgTree;
const clients = new Map<string, Client>();
const as = async (username: string) => {
  let c = clients.get(username);
  if (!c) {
    c = await Client.login(t.app, username, PASSWORD);
    clients.set(username, c);
  }
  return c;
};

/** A 1×1 PNG, and the smallest GIF. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function upload(c: Client, bytes: Buffer, name: string, type = 'image/jpeg') {
  return t.app.inject({
    method: 'POST',
    url: '/api/attachments',
    payload: bytes,
    headers: {
      cookie: c.cookie,
      'x-csrf-token': c.csrf,
      'content-type': type,
      'x-file-name': encodeURIComponent(name),
    },
  });
}

const body = (src: string, caption = '图为网格员入户走访') =>
  `<p>今年以来，某街道推行网格化治理。</p><figure><img src="${src}" alt=""><figcaption>${caption}</figcaption></figure>`;

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildOrgTree(t.app.database.db);
});
afterAll(async () => t.close());

describe('SEC-21 attachments', () => {
  it('stores an image under its hash and serves it at /files/<id> to the uploader', async () => {
    const w = await as(tree.T.writer);
    const res = await upload(w, PNG, '现场.jpg'); // a PNG renamed .jpg is a PNG
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json<{ id: string; url: string; mime: string; width: number; height: number }>();
    expect(a).toMatchObject({ mime: 'image/png', width: 1, height: 1, url: `/files/${a.id}` });
    const get = await w.get(a.url);
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('image/png');
    expect(get.headers['x-content-type-options']).toBe('nosniff');
    expect(get.rawPayload.equals(PNG)).toBe(true);
    const [row] = await t.app.database.db.select().from(attachments).where(eq(attachments.id, a.id));
    expect(row!.storageKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['an HTML file named .png', Buffer.from('<html><script>alert(1)</script></html>'), 'x.png', 'image/png'],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'x.svg', 'image/svg+xml'],
    ['a PDF named .jpg', Buffer.from('%PDF-1.4 ...'), 'x.jpg', 'image/jpeg'],
    ['an empty file', Buffer.alloc(0), 'x.gif', 'image/gif'],
  ])('refuses %s with 400 naming the file', async (_l, bytes, name, type) => {
    const res = await upload(await as(tree.T.writer), bytes, name, type);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().details.field).toBe('file');
  });

  it('refuses an image over 5 MB with 413 and a message saying how large it was', async () => {
    const big = Buffer.concat([GIF, Buffer.alloc(Math.round(8.2 * 1024 * 1024))]);
    const res = await upload(await as(tree.T.writer), big, '大图.gif', 'image/gif');
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toBe('图片过大（8.2 MB），请压缩到 5 MB 以内后重新插入');
  });

  it('needs a session and the CSRF token', async () => {
    const anon = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      payload: PNG,
      headers: { 'content-type': 'image/png' },
    });
    expect(anon.statusCode).toBe(401);
    const w = await as(tree.T.writer);
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      payload: PNG,
      headers: { cookie: w.cookie, 'content-type': 'image/png' },
    });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('follows the item: its unit sees the image once the item uses it; other units get 404', async () => {
    const w = await as(tree.T.writer);
    const a = (await upload(w, GIF, '走访.gif', 'image/gif')).json<{ id: string; url: string }>();
    const outsider = await as(tree.U.writer);
    const sibling = await as(tree.S.writer);
    const colleague = await as(tree.T.reviewer);
    expect((await colleague.get(a.url)).statusCode).toBe(404); // not used by any item yet
    const created = await w.post('/api/items', {
      orgId: tree.T.id,
      title: '某街道推行网格化治理',
      bodyHtml: body(a.url),
      category: 'experience',
      urgency: 'normal',
      disclosure: 'internal',
      targetOrgIds: [tree.K.id],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect((await colleague.get(a.url)).statusCode).toBe(200);
    const missing = await outsider.get('/files/00000000-0000-4000-8000-000000000000');
    for (const c of [outsider, sibling]) {
      const res = await c.get(a.url);
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe(missing.body);
    }
    // Another unit cannot make the image visible to itself by naming it in its own item.
    const steal = await outsider.post('/api/items', {
      orgId: tree.U.id,
      title: '引用他人图片',
      bodyHtml: body(a.url),
      category: 'experience',
      urgency: 'normal',
      disclosure: 'internal',
    });
    expect(steal.statusCode).toBe(400);
    expect(steal.json().details.field).toBe('bodyHtml');
    expect((await outsider.get(a.url)).statusCode).toBe(404);
  });

  it('refuses a picture without a caption, and rich text pointing at /api/ loses that reference', async () => {
    const w = await as(tree.T.writer);
    const a = (await upload(w, PNG, 'a.png', 'image/png')).json<{ url: string }>();
    const bare = await w.post('/api/items', {
      orgId: tree.T.id,
      title: '无图注',
      bodyHtml: body(a.url, ''),
      category: 'experience',
      urgency: 'normal',
      disclosure: 'internal',
    });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().message).toContain('图注');
    const api = await w.post('/api/items', {
      orgId: tree.T.id,
      title: '引用接口',
      bodyHtml: '<p>正文</p><img src="/api/items">',
      category: 'experience',
      urgency: 'normal',
      disclosure: 'internal',
    });
    expect(api.statusCode, api.body).toBe(201);
    const detail = (await w.get(`/api/items/${api.json<{ id: string }>().id}`)).json<{
      content: { bodyHtml: string };
    }>();
    expect(detail.content.bodyHtml).toBe('<p>正文</p>');
  });
});

describe('autosave', () => {
  const save = (c: Client, target: string, title: string, baseRowVersion: number | null = null) =>
    c.put(`/api/autosaves/${target}`, {
      baseRowVersion,
      title,
      bodyHtml: `<p>${title}的正文</p><script>alert(1)</script>`,
      fields: { category: 'dynamic', targetOrgIds: [tree.K.id] },
    });

  it('saves idempotently, restores, and is private to its user', async () => {
    const w = await as(tree.T.writer);
    expect((await save(w, 'new', '第一稿')).statusCode).toBe(200);
    const second = await save(w, 'new', '第二稿');
    expect(second.statusCode, second.body).toBe(200);
    const got = await w.get('/api/autosaves/new');
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({
      target: 'new',
      title: '第二稿',
      bodyHtml: '<p>第二稿的正文</p>',
      fields: { category: 'dynamic' },
    });
    const rows = await t.app.database.db.select().from(autosaves).where(eq(autosaves.userId, w.userId));
    expect(rows).toHaveLength(1);
    // A colleague in the same unit has no access to it.
    expect((await (await as(tree.T.reviewer)).get('/api/autosaves/new')).statusCode).toBe(404);
  });

  it('an autosave of an item is 404 for someone who cannot see the item, and is cleared by saving the item', async () => {
    const w = await as(tree.T.writer);
    const created = await w.post('/api/items', {
      orgId: tree.T.id,
      title: '自动保存测试',
      bodyHtml: '<p>原文</p>',
      category: 'dynamic',
      urgency: 'normal',
      disclosure: 'internal',
    });
    const item = created.json<{ id: string; rowVersion: number }>();
    // Creating the item cleared the `new` autosave of the test above.
    expect((await w.get('/api/autosaves/new')).statusCode).toBe(404);
    expect((await save(w, item.id, '改了一半', item.rowVersion)).statusCode).toBe(200);
    expect((await w.get(`/api/autosaves/${item.id}`)).json()).toMatchObject({
      baseRowVersion: item.rowVersion,
    });
    const outsider = await as(tree.U.writer);
    expect((await outsider.get(`/api/autosaves/${item.id}`)).statusCode).toBe(404);
    expect((await save(outsider, item.id, '越权')).statusCode).toBe(404);
    const edited = await w.put(`/api/items/${item.id}`, {
      rowVersion: item.rowVersion,
      title: '自动保存测试',
      bodyHtml: '<p>改好了</p>',
      category: 'dynamic',
      urgency: 'normal',
      disclosure: 'internal',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await w.get(`/api/autosaves/${item.id}`)).statusCode).toBe(404);
  });

  it('refuses classified markings and bad targets; concurrent saves leave one row', async () => {
    const w = await as(tree.S.writer);
    const secret = await w.put('/api/autosaves/new', {
      baseRowVersion: null,
      title: '秘密★1年',
      bodyHtml: '<p>内容</p>',
      fields: {},
    });
    expect(secret.statusCode).toBe(422);
    expect((await save(w, 'not-a-target', 'x')).statusCode).toBe(400);
    const all = await Promise.all(Array.from({ length: 25 }, (_, i) => save(w, 'new', `并发${i}`)));
    expect(all.map((r) => r.statusCode)).toEqual(Array(25).fill(200));
    const rows = await t.app.database.db.select().from(autosaves).where(eq(autosaves.userId, w.userId));
    expect(rows).toHaveLength(1);
    const del = await w.send('DELETE', '/api/autosaves/new');
    expect(del.json()).toEqual({ deleted: true });
    expect((await w.get('/api/autosaves/new')).statusCode).toBe(404);
  });
});
