import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser } from '../helpers/factories.js';
import { adoptedAtK, draftIssue, world, type Issue, type World } from './periodicals-fixture.js';

/**
 * SECURITY.md §30 (issue 8, failure 5 — lost updates): every edited record carries a row version. Two editors
 * who read the same version and save at once: exactly one gets 200, the other 409 in Chinese, and the
 * loser's data is not written. Runs on PGlite and PostgreSQL (ZX_TEST_ENGINE).
 */
let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(async () => w.t.close());

/** Sends both at once; returns which one won (0 or 1) after checking one 200 and one 409. */
async function race(
  a: () => Promise<LightMyRequestResponse>,
  b: () => Promise<LightMyRequestResponse>,
): Promise<0 | 1> {
  const [ra, rb] = await Promise.all([a(), b()]);
  expect([ra.statusCode, rb.statusCode].sort(), `${ra.body}\n${rb.body}`).toEqual([200, 409]);
  const loser = ra.statusCode === 409 ? ra : rb;
  expect(loser.json<{ message: string }>().message).toMatch(/已被他人修改，请刷新后重试/);
  return ra.statusCode === 200 ? 0 : 1;
}

describe('SEC-30 optimistic concurrency on every edited record', () => {
  it('SEC-30 issue entries: two editors from the same read, one wins, the other 409 and nothing of it written', async () => {
    const { K } = w.tree;
    const a = await adoptedAtK(w, '并发编辑的文章');
    const id = await draftIssue(w, K, [a.adoptionId]);
    const editorB = await buildUser(w.t.app.database.db, K.id, ['editor'], '第二位编辑');
    const [e1, e2] = [await w.as(K.editor), await w.as(editorB.username)];
    const read = (await e1.get(`/api/issues/${id}`)).json<Issue>();
    const entry = read.entries[0]!;
    const url = `/api/issues/${id}/entries/${entry.id}`;
    const titles = ['甲编辑的标题', '乙编辑的标题'];
    const won = await race(
      () => e1.send('PATCH', url, { rowVersion: entry.rowVersion, title: titles[0] }),
      () => e2.send('PATCH', url, { rowVersion: entry.rowVersion, title: titles[1] }),
    );
    const after = (await e1.get(`/api/issues/${id}`)).json<Issue>().entries[0]!;
    expect(after.title).toBe(titles[won]);
    expect(after.rowVersion).toBe(entry.rowVersion + 1);
    // The stale version stays refused after the race, too.
    const again = await e2.send('PATCH', url, { rowVersion: entry.rowVersion, title: '再改' });
    expect(again.statusCode).toBe(409);
    // The version is required: a body without it is refused naming the field.
    const missing = await e2.send('PATCH', url, { title: '无版本' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<{ details: { field: string } }>().details.field).toBe('rowVersion');
  });

  it('SEC-30 issues: header edits and reordering from the same read', async () => {
    const { K } = w.tree;
    const a1 = await adoptedAtK(w, '排序一');
    const a2 = await adoptedAtK(w, '排序二');
    const id = await draftIssue(w, K, [a1.adoptionId, a2.adoptionId]);
    const e = await w.as(K.editor);
    const read = (await e.get(`/api/issues/${id}`)).json<Issue>();
    const won = await race(
      () => e.send('PATCH', `/api/issues/${id}`, { rowVersion: read.rowVersion, copies: 11 }),
      () => e.send('PATCH', `/api/issues/${id}`, { rowVersion: read.rowVersion, copies: 22 }),
    );
    const after = (await e.get(`/api/issues/${id}`)).json<Issue & { copies: number }>();
    expect(after.copies).toBe([11, 22][won]);
    const ids = after.entries.map((x) => x.id);
    const orders = [ids, [...ids].reverse()];
    const wonOrder = await race(
      () => e.put(`/api/issues/${id}/entries/order`, { rowVersion: after.rowVersion, entryIds: orders[0] }),
      () => e.put(`/api/issues/${id}/entries/order`, { rowVersion: after.rowVersion, entryIds: orders[1] }),
    );
    const final = (await e.get(`/api/issues/${id}`)).json<Issue>();
    expect(final.entries.map((x) => x.id)).toEqual(orders[wonOrder]);
  });

  it('SEC-30 periodical settings', async () => {
    const { K } = w.tree;
    const chief = await w.as(K.chief);
    const p = (await chief.get(`/api/periodicals/${K.periodicalId}`)).json<{ rowVersion: number }>();
    const url = `/api/periodicals/${K.periodicalId}`;
    const won = await race(
      () => chief.send('PATCH', url, { rowVersion: p.rowVersion, defaultCopies: 31 }),
      () => chief.send('PATCH', url, { rowVersion: p.rowVersion, defaultCopies: 32 }),
    );
    expect((await chief.get(url)).json<{ defaultCopies: number }>().defaultCopies).toBe([31, 32][won]);
  });

  it('SEC-30 orgs and their direct-report hubs', async () => {
    const { P, C, T } = w.tree;
    const sys = await buildUser(w.t.app.database.db, P.id, ['sys_admin'], '系统管理员');
    const admin = await w.as(sys.username);
    type Org = { id: string; rowVersion: number; sortOrder: number; directReportHubIds: string[] };
    const orgOf = async (id: string) =>
      (await admin.get('/api/orgs')).json<Org[]>().find((o) => o.id === id)!;
    const read = await orgOf(T.id);
    const won = await race(
      () => admin.send('PATCH', `/api/orgs/${T.id}`, { rowVersion: read.rowVersion, sortOrder: 7 }),
      () => admin.send('PATCH', `/api/orgs/${T.id}`, { rowVersion: read.rowVersion, sortOrder: 8 }),
    );
    const after = await orgOf(T.id);
    expect(after.sortOrder).toBe([7, 8][won]);
    expect(after.rowVersion).toBe(read.rowVersion + 1);
    const hubs = [[C.id], [P.id]];
    const wonHubs = await race(
      () =>
        admin.put(`/api/orgs/${T.id}/direct-report-hubs`, { rowVersion: after.rowVersion, hubIds: hubs[0] }),
      () =>
        admin.put(`/api/orgs/${T.id}/direct-report-hubs`, { rowVersion: after.rowVersion, hubIds: hubs[1] }),
    );
    expect((await orgOf(T.id)).directReportHubIds).toEqual(hubs[wonHubs]);
  });

  it('SEC-30 hub stages', async () => {
    const { K } = w.tree;
    const chief = await w.as(K.chief);
    const url = `/api/orgs/${K.id}/stages`;
    const read = (await chief.get(url)).json<{ rowVersion: number; stages: unknown[] }>();
    const variants = [[{ name: '初审', role: 'editor' }], [{ name: '复审', role: 'chief_editor' }]];
    const won = await race(
      () => chief.put(url, { rowVersion: read.rowVersion, stages: variants[0] }),
      () => chief.put(url, { rowVersion: read.rowVersion, stages: variants[1] }),
    );
    const after = (await chief.get(url)).json<{ rowVersion: number; stages: { name: string }[] }>();
    expect(after.stages.map((s) => s.name)).toEqual([variants[won]![0]!.name]);
    expect(after.rowVersion).toBe(read.rowVersion + 1);
  });

  it('SEC-30 users', async () => {
    const { K } = w.tree;
    const db = w.t.app.database.db;
    const orgAdmin = await buildUser(db, K.id, ['org_admin'], '单位管理员');
    const target = await buildUser(db, K.id, ['writer'], '被修改的人');
    const orgAdmin2 = await buildUser(db, K.id, ['org_admin'], '另一位单位管理员');
    const [a, b] = [await w.as(orgAdmin.username), await w.as(orgAdmin2.username)];
    type U = { id: string; displayName: string; rowVersion: number };
    const userOf = async () =>
      (await a.get(`/api/users?orgId=${K.id}`)).json<U[]>().find((u) => u.id === target.id)!;
    const read = await userOf();
    const names = ['张三', '李四'];
    const won = await race(
      () =>
        a.send('PATCH', `/api/users/${target.id}`, { rowVersion: read.rowVersion, displayName: names[0] }),
      () =>
        b.send('PATCH', `/api/users/${target.id}`, { rowVersion: read.rowVersion, displayName: names[1] }),
    );
    const after = await userOf();
    expect(after.displayName).toBe(names[won]);
    expect(after.rowVersion).toBe(read.rowVersion + 1);
  });

  it('SEC-30 quotas', async () => {
    const { K } = w.tree;
    const chief = await w.as(K.chief);
    const created = await chief.post(`/api/hubs/${K.id}/quotas`, { period: 'month', minAdopted: 1 });
    expect(created.statusCode, created.body).toBe(201);
    const q = created.json<{ id: string; rowVersion: number }>();
    const url = `/api/hubs/${K.id}/quotas/${q.id}`;
    const won = await race(
      () => chief.send('PATCH', url, { rowVersion: q.rowVersion, minAdopted: 5 }),
      () => chief.send('PATCH', url, { rowVersion: q.rowVersion, minAdopted: 6 }),
    );
    const rows = (await chief.get(`/api/hubs/${K.id}/quotas`)).json<{
      rows: { id: string; minAdopted: number; rowVersion: number }[];
    }>().rows;
    const after = rows.find((r) => r.id === q.id)!;
    expect(after.minAdopted).toBe([5, 6][won]);
    expect(after.rowVersion).toBe(q.rowVersion + 1);
  });

  it('SEC-30 scoring rules, including two first saves over the defaults', async () => {
    const { K } = w.tree;
    const chief = await w.as(K.chief);
    const url = `/api/hubs/${K.id}/scoring-rules`;
    type View = { rowVersion: number; isDefault: boolean; rules: Record<string, unknown> };
    const read = (await chief.get(url)).json<View>();
    expect(read).toMatchObject({ rowVersion: 0, isDefault: true });
    const body = (zeroAt: number, rowVersion: number) => ({
      ...read.rules,
      missedSolicitationsZeroAt: zeroAt,
      rowVersion,
    });
    const won = await race(
      () => chief.put(url, body(3, 0)),
      () => chief.put(url, body(4, 0)),
    );
    const after = (await chief.get(url)).json<View>();
    expect(after.rules.missedSolicitationsZeroAt).toBe([3, 4][won]);
    expect(after.rowVersion).toBe(1);
    const wonAgain = await race(
      () => chief.put(url, body(5, 1)),
      () => chief.put(url, body(6, 1)),
    );
    expect((await chief.get(url)).json<View>().rules.missedSolicitationsZeroAt).toBe([5, 6][wonAgain]);
  });
});
