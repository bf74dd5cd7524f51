import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptedAtK, issuedIssue, world, type World } from './periodicals-fixture.js';

let w: World;
beforeAll(async () => {
  w = await world();
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
