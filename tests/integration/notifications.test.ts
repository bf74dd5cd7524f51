import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptedAtK, issuedIssue, world, type World } from './periodicals-fixture.js';

let w: World;
let base = '';
beforeAll(async () => {
  // A short heartbeat, so that the live stream notices a logout within the test.
  w = await world({ live: { heartbeatMs: 300, perUser: 2 } });
  await w.t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(w.t.app.server.address() as { port: number }).port}`;
});
afterAll(async () => w.t.close());

interface List {
  rows: { id: string; title: string; readAt: string | null; link: { type: string; id: string } | null }[];
  nextCursor: string | null;
  unreadCount: number;
}

describe('notifications', () => {
  it('lists a unit’s notifications newest first, pages them, and records each person’s reading', async () => {
    const { K, T } = w.tree;
    for (const title of ['通知测试稿件一', '通知测试稿件二'])
      await issuedIssue(w, K, [(await adoptedAtK(w, title)).adoptionId]);
    const writer = await w.as(T.writer);
    const all = (await writer.get('/api/notifications')).json<List>();
    expect(all.rows.map((n) => n.title.replace(/^.*采用了/, ''))).toEqual([
      '《通知测试稿件二》',
      '《通知测试稿件一》',
    ]);
    expect(all.unreadCount).toBe(2);
    expect(all.rows[0]!.link).toMatchObject({ type: 'item' });
    const page = (await writer.get('/api/notifications?limit=1')).json<List>();
    const next = (await writer.get(`/api/notifications?limit=1&cursor=${page.nextCursor}`)).json<List>();
    expect([...page.rows, ...next.rows].map((n) => n.id)).toEqual(all.rows.map((n) => n.id));

    const read = await writer.post(`/api/notifications/${all.rows[1]!.id}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect((await writer.post(`/api/notifications/${all.rows[1]!.id}/read`)).statusCode).toBe(200);
    const after = (await writer.get('/api/notifications')).json<List>();
    expect(after.unreadCount).toBe(1);
    expect((await writer.get('/api/notifications?unread=true')).json<List>().rows.map((n) => n.id)).toEqual([
      all.rows[0]!.id,
    ]);
    // Another person of the unit has their own read state.
    expect((await (await w.as(T.signer)).get('/api/notifications')).json<List>().unreadCount).toBe(2);
    // Someone outside the unit cannot see or mark it.
    const outsider = await w.as(w.tree.U.writer);
    expect((await outsider.post(`/api/notifications/${all.rows[0]!.id}/read`)).statusCode).toBe(404);
    expect((await outsider.get('/api/notifications')).json<List>().rows).toHaveLength(0);
    expect((await writer.get('/api/notifications?cursor=bad')).statusCode).toBe(400);
  });
});

/** An open Server-Sent Events stream read as text, with a wait for what it should come to contain. */
async function openStream(cookie: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/notifications/stream`, {
    headers: { cookie, ...headers },
    signal: controller.signal,
  });
  let text = '';
  let ended = false;
  const reading = (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  const until = async (what: string, pred: () => boolean) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!pred()) throw new Error(`stream never ${what}; got: ${text}`);
  };
  return {
    res,
    text: () => text,
    ended: () => ended,
    events: (name: string) => text.split(`event: ${name}\n`).length - 1,
    until,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

describe('live notifications (Server-Sent Events)', () => {
  it('pushes an event to the told unit’s people only, when the change commits', async () => {
    const { K, T, U } = w.tree;
    const writer = await w.as(T.writer);
    const outsider = await w.as(U.writer);
    const mine = await openStream(writer.cookie);
    const theirs = await openStream(outsider.cookie);
    expect(mine.res.status).toBe(200);
    expect(mine.res.headers.get('content-type')).toContain('text/event-stream');
    expect(mine.res.headers.get('cache-control')).toBe('no-store');
    expect(mine.res.headers.get('x-accel-buffering')).toBe('no');
    await mine.until('became ready', () => mine.events('ready') === 1);
    await theirs.until('became ready', () => theirs.events('ready') === 1);

    await issuedIssue(w, K, [(await adoptedAtK(w, '推送测试稿件')).adoptionId]);
    await mine.until('told the writer', () => mine.events('notifications') >= 1);
    // The event carries nothing but "look again": the list is read through the usual route and policy.
    expect(mine.text()).toMatch(/event: notifications\ndata: \{\}\n\n/);
    const list = (await writer.get('/api/notifications?unread=true')).json<List>();
    expect(list.rows.some((n) => n.title.includes('推送测试稿件'))).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(theirs.events('notifications')).toBe(0);
    await mine.close();
    await theirs.close();
  });

  it('refuses anonymous callers and ends the stream at logout', async () => {
    const anonymous = await fetch(`${base}/api/notifications/stream`);
    expect(anonymous.status).toBe(401);
    const signer = await w.as(w.tree.T.signer);
    const s = await openStream(signer.cookie);
    await s.until('became ready', () => s.events('ready') === 1);
    await s.until('sent a heartbeat', () => s.text().includes(': ping'));
    expect((await signer.post('/api/auth/logout')).statusCode).toBe(200);
    await s.until('ended after logout', () => s.ended());
    await s.close();
  });

  it('holds a bounded number of streams per person, closing the oldest', async () => {
    const reviewer = await w.as(w.tree.T.reviewer);
    const streams: Awaited<ReturnType<typeof openStream>>[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await openStream(reviewer.cookie);
      await s.until('became ready', () => s.events('ready') === 1);
      streams.push(s);
    }
    await streams[0]!.until('closed the oldest', () => streams[0]!.ended());
    expect(streams[2]!.ended()).toBe(false);
    for (const s of streams) await s.close();
  });

  it('is no activity: a stream and the bell’s background poll never extend an idle session', async () => {
    const db = w.t.app.database.db;
    const editor = await w.as(w.tree.K.editor);
    const before = new Date(Date.now() - 10 * 60_000);
    const { sessions } = await import('../../src/server/modules/auth/schema.js');
    const { eq } = await import('drizzle-orm');
    await db.update(sessions).set({ lastSeenAt: before }).where(eq(sessions.userId, editor.userId));
    const s = await openStream(editor.cookie);
    await s.until('became ready', () => s.events('ready') === 1);
    await s.close();
    const polled = await w.t.app.inject({
      method: 'GET',
      url: '/api/notifications',
      headers: { cookie: editor.cookie, 'x-zx-background': '1' },
    });
    expect(polled.statusCode).toBe(200);
    const [row] = await db.select().from(sessions).where(eq(sessions.userId, editor.userId));
    expect(row!.lastSeenAt.getTime()).toBe(before.getTime());
    // A request the person makes is activity.
    expect((await editor.get('/api/notifications')).statusCode).toBe(200);
    const [after] = await db.select().from(sessions).where(eq(sessions.userId, editor.userId));
    expect(after!.lastSeenAt.getTime()).toBeGreaterThan(before.getTime());
  });
});
