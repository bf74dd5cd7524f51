import { and, eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { adoptions, hops, itemEvents, itemVersions } from '../../src/server/modules/items/schema.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { hubStages } from '../../src/server/modules/orgs/schema.js';
import {
  issueEntries,
  issueEntrySources,
  issueRecipients,
  issueReviews,
} from '../../src/server/modules/periodicals/schema.js';
import { followUpTasks, instructionFlags } from '../../src/server/modules/instructions/schema.js';
import { Client } from '../helpers/app.js';
import { buildUser, PASSWORD } from '../helpers/factories.js';
import { adoptedAtK, signedIssue, submitted, world, type World } from './periodicals-fixture.js';

/**
 * Races: two simultaneous identical requests from different users with the right role (or one user in two
 * sessions) give one success and 409s, or succeed idempotently with one effect — never two effects or a
 * 500. Each race runs RUNS times (PROBE_RUNS). On PostgreSQL they really overlap; on PGlite (one
 * connection) they queue, which the same assertions must also hold for.
 */
const RUNS = Number(process.env.PROBE_RUNS ?? 3);
let w: World;
const db = () => w.t.app.database.db;
/** A second user of `orgId` with `roles`, logged in. */
const another = async (orgId: string, roles: Parameters<typeof buildUser>[2]) =>
  Client.login(w.t.app, (await buildUser(db(), orgId, roles)).username, PASSWORD);

function codes(rs: LightMyRequestResponse[]) {
  return rs.map((r) => r.statusCode).sort();
}
/** Exactly one 2xx, the others 409; the bodies are shown on failure. */
function oneWins(rs: LightMyRequestResponse[], label: string) {
  const ok = rs.filter((r) => r.statusCode >= 200 && r.statusCode < 300);
  expect(
    codes(rs).map((c) => (c >= 200 && c < 300 ? 'ok' : c)),
    `${label}: ${rs.map((r) => `${r.statusCode} ${r.body.slice(0, 160)}`).join(' | ')}`,
  ).toEqual(['ok', ...Array(rs.length - 1).fill(409)]);
  return ok[0]!;
}
/** The same request from every client at once. */
const atOnce = (clients: Client[], send: (c: Client) => Promise<LightMyRequestResponse>) =>
  Promise.all(clients.map(send));
/** Hub K's editor and chief editor, both allowed every hop action there. */
const hubKEditors = async () => [await w.as(w.tree.K.editor), await w.as(w.tree.K.chief)] as const;
const eventsOf = async (itemId: string, action: string) =>
  (await db().select().from(itemEvents).where(eq(itemEvents.itemId, itemId))).filter(
    (e) => e.action === action,
  );

beforeAll(async () => {
  w = await world();
  // Hub K2 gets three receiving stages, each for an editor (its chief editor may act at any stage).
  await db()
    .insert(hubStages)
    .values(
      [1, 2, 3].map((position) => ({
        hubId: w.tree.K2.id,
        position,
        name: `第${position}审`,
        role: 'editor' as const,
      })),
    );
});
afterAll(async () => w?.t.close());

describe('hop actions, raced', () => {
  it('receive', async () => {
    for (let i = 0; i < RUNS; i++) {
      const s = await submitted(w, w.tree.T, `签收${i}`);
      const [a, b] = await hubKEditors();
      oneWins(await atOnce([a, b], (client) => client.post(`/api/hops/${s.hopId}/receive`)), 'receive');
      expect(await eventsOf(s.itemId, 'hop_receive')).toHaveLength(1);
    }
  });

  it('advance (three stages at K2)', async () => {
    for (let i = 0; i < RUNS; i++) {
      const s = await submitted(w, w.tree.U, `环节${i}`);
      const [a, b] = [await w.as(w.tree.K2.editor), await w.as(w.tree.K2.chief)];
      expect((await a.post(`/api/hops/${s.hopId}/receive`)).statusCode).toBe(200);
      const rs = await atOnce([a, b], (client) =>
        client.post(`/api/hops/${s.hopId}/advance`, { opinion: '同意', stage: 1 }),
      );
      const [hop] = await db().select().from(hops).where(eq(hops.id, s.hopId));
      const adv = await eventsOf(s.itemId, 'hop_advance');
      expect({ codes: codes(rs), stage: hop!.stage, events: adv.length }, 'advance').toEqual({
        codes: [200, 409],
        stage: 2,
        events: 1,
      });
    }
  });

  for (const action of ['return', 'reject', 'archive'] as const) {
    it(action, async () => {
      for (let i = 0; i < RUNS; i++) {
        const s = await submitted(w, w.tree.T, `${action}${i}`);
        const [a, b] = await hubKEditors();
        await a.post(`/api/hops/${s.hopId}/receive`);
        const body = action === 'archive' ? { comment: '存档' } : { reason: '理由' };
        oneWins(
          await atOnce([a, b], (client) => client.post(`/api/hops/${s.hopId}/${action}`, body)),
          action,
        );
        expect(await eventsOf(s.itemId, `hop_${action}`)).toHaveLength(1);
        if (action === 'return') expect(await eventsOf(s.itemId, 'revise_requested')).toHaveLength(1);
      }
    });
  }

  it('withdraw a pending hop', async () => {
    for (let i = 0; i < RUNS; i++) {
      const s = await submitted(w, w.tree.T, `撤回${i}`);
      const [a, b] = [await w.as(w.tree.T.writer), await w.as(w.tree.T.signer)];
      const rs = await atOnce([a, b], (client) => client.post(`/api/hops/${s.hopId}/withdraw`, {}));
      oneWins(rs, 'withdraw hop');
      expect(await eventsOf(s.itemId, 'hop_withdraw')).toHaveLength(1);
    }
  });

  it('editAtHub with the same row version', async () => {
    for (let i = 0; i < RUNS; i++) {
      const s = await submitted(w, w.tree.T, `修改${i}`);
      const [a, b] = await hubKEditors();
      const rv = (await a.post(`/api/hops/${s.hopId}/receive`)).json<{ rowVersion: number }>().rowVersion;
      const body = { rowVersion: rv, title: '上级改', bodyHtml: '<p>上级改了</p>' };
      oneWins(
        await atOnce([a, b], (client) => client.put(`/api/hops/${s.hopId}/content`, body)),
        'edit at hub',
      );
      expect(await db().select().from(itemVersions).where(eq(itemVersions.itemId, s.itemId))).toHaveLength(2);
    }
  });

  it('adopt into the same periodical, from received and from handled', async () => {
    for (let i = 0; i < RUNS; i++) {
      for (const from of ['received', 'handled'] as const) {
        const s = await submitted(w, w.tree.T, `采用${from}${i}`);
        const [a, b] = await hubKEditors();
        await a.post(`/api/hops/${s.hopId}/receive`);
        if (from === 'handled')
          expect(
            (await a.post(`/api/hops/${s.hopId}/forward`, { targetOrgId: w.tree.C.id })).statusCode,
          ).toBe(200);
        const body = { periodicalId: w.tree.K.periodicalId, type: 'single' };
        oneWins(
          await atOnce([a, b], (client) => client.post(`/api/hops/${s.hopId}/adopt`, body)),
          `adopt ${from}`,
        );
        expect(await db().select().from(adoptions).where(eq(adoptions.hopId, s.hopId))).toHaveLength(1);
        expect(await eventsOf(s.itemId, 'hop_adopt')).toHaveLength(1);
      }
    }
  });

  it('revoke an adoption', async () => {
    for (let i = 0; i < RUNS; i++) {
      const s = await adoptedAtK(w, `撤销${i}`);
      const [a, b] = await hubKEditors();
      const body = { reason: '撤销' };
      oneWins(
        await atOnce([a, b], (client) => client.post(`/api/adoptions/${s.adoptionId}/revoke`, body)),
        'revoke',
      );
      expect(await eventsOf(s.itemId, 'hop_revoke_adoption')).toHaveLength(1);
    }
  });

  it('resubmit a forwarded hop sent back', async () => {
    for (let i = 0; i < RUNS; i++) {
      const s = await submitted(w, w.tree.T, `重报${i}`);
      const [a, b] = await hubKEditors();
      await a.post(`/api/hops/${s.hopId}/receive`);
      const hopC = (await a.post(`/api/hops/${s.hopId}/forward`, { targetOrgId: w.tree.C.id })).json<{
        createdHopId: string;
      }>().createdHopId;
      const c = await w.as(w.tree.C.editor);
      await c.post(`/api/hops/${hopC}/receive`);
      expect((await c.post(`/api/hops/${hopC}/return`, { reason: '核实' })).statusCode).toBe(200);
      oneWins(await atOnce([a, b], (client) => client.post(`/api/hops/${hopC}/resubmit`, {})), 'resubmit');
      expect(await eventsOf(s.itemId, 'hop_resubmit')).toHaveLength(1);
    }
  });

  it('forward from handled (after adoption)', async () => {
    for (let i = 0; i < RUNS; i++) {
      const s = await adoptedAtK(w, `采用后转报${i}`);
      const [a, b] = await hubKEditors();
      const body = { targetOrgId: w.tree.C.id };
      oneWins(
        await atOnce([a, b], (client) => client.post(`/api/hops/${s.hopId}/forward`, body)),
        'forward handled',
      );
      expect(await db().select().from(hops).where(eq(hops.parentHopId, s.hopId))).toHaveLength(1);
    }
  });

  it('two hubs edit the same item at once (different hops): both kept, numbered in turn', async () => {
    for (let i = 0; i < RUNS; i++) {
      const s = await submitted(w, w.tree.T, `两级修改${i}`);
      const k = await w.as(w.tree.K.editor);
      await k.post(`/api/hops/${s.hopId}/receive`);
      const hopC = (await k.post(`/api/hops/${s.hopId}/forward`, { targetOrgId: w.tree.C.id })).json<{
        createdHopId: string;
      }>().createdHopId;
      const c = await w.as(w.tree.C.editor);
      const rvC = (await c.post(`/api/hops/${hopC}/receive`)).json<{ rowVersion: number }>().rowVersion;
      const [hk] = await db().select().from(hops).where(eq(hops.id, s.hopId));
      const rs = await Promise.all([
        k.put(`/api/hops/${s.hopId}/content`, {
          rowVersion: hk!.rowVersion,
          title: '县改',
          bodyHtml: '<p>县改</p>',
        }),
        c.put(`/api/hops/${hopC}/content`, { rowVersion: rvC, title: '市改', bodyHtml: '<p>市改</p>' }),
      ]);
      // Each hub locks only its own hop: both take the next version number, the second to insert collides
      // and runs again (app.ts inTransaction), taking the one after.
      expect(codes(rs), rs.map((r) => r.body.slice(0, 160)).join(' | ')).toEqual([200, 200]);
      const nos = (await db().select().from(itemVersions).where(eq(itemVersions.itemId, s.itemId))).map(
        (v) => v.no,
      );
      expect(nos.sort()).toEqual([1, 2, 3]);
    }
  });
});

describe('unit withdraws while the hub returns (locks taken in opposite orders)', () => {
  it('one succeeds, the other answers 409', async () => {
    const seen: number[][] = [];
    for (let i = 0; i < RUNS * 2; i++) {
      const s = await submitted(w, w.tree.T, `撤回对退回${i}`);
      const k = await w.as(w.tree.K.editor);
      await k.post(`/api/hops/${s.hopId}/receive`);
      const rs = await Promise.all([
        (await w.as(w.tree.T.writer)).post(`/api/items/${s.itemId}/withdraw`, {}),
        k.post(`/api/hops/${s.hopId}/return`, { reason: '补充' }),
      ]);
      seen.push(rs.map((r) => r.statusCode));
    }
    // They lock the item and the hop in opposite orders: PostgreSQL breaks the deadlock, the loser runs again
    // (app.ts inTransaction) and finds the other's change.
    for (const codesOfRace of seen) expect(codesOfRace.sort()).toEqual([200, 409]);
  });
});

describe('item actions, raced', () => {
  const newDraft = async (title: string) => {
    const wr = await w.as(w.tree.T.writer);
    const res = await wr.post('/api/items', {
      orgId: w.tree.T.id,
      title,
      bodyHtml: '<p>今年以来推行网格化治理，办结群众诉求1260件。</p>',
      category: 'experience',
      urgency: 'normal',
      disclosure: 'internal',
    });
    return res.json<{ id: string }>().id;
  };

  it('submit for review, approve, return, sign, withdraw', async () => {
    const writer2 = await another(w.tree.T.id, ['writer']);
    const reviewer2 = await another(w.tree.T.id, ['reviewer']);
    const signer2 = await another(w.tree.T.id, ['signer']);
    for (let i = 0; i < RUNS; i++) {
      const id = await newDraft(`单位内${i}`);
      const wr = await w.as(w.tree.T.writer);
      oneWins(await atOnce([wr, writer2], (client) => client.post(`/api/items/${id}/submit`)), 'submit');
      const rv = await w.as(w.tree.T.reviewer);
      oneWins(
        await atOnce([rv, reviewer2], (client) =>
          client.post(`/api/items/${id}/approve`, { opinion: '同意' }),
        ),
        'approve',
      );
      const sg = await w.as(w.tree.T.signer);
      oneWins(
        await atOnce([sg, signer2], (client) => client.post(`/api/items/${id}/return`, { opinion: '再改' })),
        'return',
      );
      await wr.post(`/api/items/${id}/submit`);
      await rv.post(`/api/items/${id}/approve`, { opinion: '同意' });
      oneWins(
        await atOnce([sg, signer2], (client) => client.post(`/api/items/${id}/sign`, { opinion: '发' })),
        'sign',
      );
      expect(await db().select().from(hops).where(eq(hops.itemId, id))).toHaveLength(1);
      oneWins(
        await atOnce([wr, writer2], (client) => client.post(`/api/items/${id}/withdraw`, {})),
        'withdraw item',
      );
      expect(await eventsOf(id, 'hop_withdraw')).toHaveLength(1);
      expect(await eventsOf(id, 'withdraw')).toHaveLength(1);
    }
  });

  it('re-sign after a hub sent it back (resubmits the returned hop)', async () => {
    const signer2 = await another(w.tree.T.id, ['signer']);
    for (let i = 0; i < RUNS; i++) {
      const s = await submitted(w, w.tree.T, `退回重签${i}`);
      const k = await w.as(w.tree.K.editor);
      await k.post(`/api/hops/${s.hopId}/receive`);
      await k.post(`/api/hops/${s.hopId}/return`, { reason: '补充' });
      await (await w.as(w.tree.T.writer)).post(`/api/items/${s.itemId}/submit`);
      await (await w.as(w.tree.T.reviewer)).post(`/api/items/${s.itemId}/approve`, { opinion: '同意' });
      const sg = await w.as(w.tree.T.signer);
      oneWins(
        await atOnce([sg, signer2], (client) => client.post(`/api/items/${s.itemId}/sign`, {})),
        're-sign',
      );
      expect(await eventsOf(s.itemId, 'hop_resubmit')).toHaveLength(1);
      expect(await db().select().from(hops).where(eq(hops.itemId, s.itemId))).toHaveLength(1);
    }
  });
});

describe('issue actions, raced', () => {
  const newIssue = async () =>
    (await (await w.as(w.tree.K.editor)).post(`/api/periodicals/${w.tree.K.periodicalId}/issues`, {})).json<{
      id: string;
    }>().id;

  it('add one adoption to one issue twice, and to two issues at once', async () => {
    for (let i = 0; i < RUNS; i++) {
      const a = await adoptedAtK(w, `编入${i}`);
      const [e, c] = await hubKEditors();
      const issue = await newIssue();
      oneWins(
        await atOnce([e, c], (client) =>
          client.post(`/api/issues/${issue}/entries`, { adoptionIds: [a.adoptionId] }),
        ),
        'add entry same issue',
      );
      expect(await db().select().from(issueEntries).where(eq(issueEntries.issueId, issue))).toHaveLength(1);
      const b = await adoptedAtK(w, `编入两期${i}`);
      const [i1, i2] = [await newIssue(), await newIssue()];
      oneWins(
        await Promise.all([
          e.post(`/api/issues/${i1}/entries`, { adoptionIds: [b.adoptionId] }),
          c.post(`/api/issues/${i2}/entries`, { adoptionIds: [b.adoptionId] }),
        ]),
        'add entry two issues',
      );
      expect(
        await db().select().from(issueEntrySources).where(eq(issueEntrySources.adoptionId, b.adoptionId)),
      ).toHaveLength(1);
      expect(
        await db()
          .select()
          .from(issueEntries)
          .where(inArray(issueEntries.issueId, [i1, i2])),
      ).toHaveLength(1);
    }
  });

  it('submit, sign, issue, distribute, recall; two issues numbered at once', async () => {
    const chief2 = await another(w.tree.K.id, ['chief_editor']);
    const editor2 = await another(w.tree.K.id, ['editor']);
    for (let i = 0; i < RUNS; i++) {
      const a = await adoptedAtK(w, `印发${i}`);
      const e = await w.as(w.tree.K.editor);
      const issue = await newIssue();
      await e.post(`/api/issues/${issue}/entries`, { adoptionIds: [a.adoptionId] });
      oneWins(
        await atOnce([e, editor2], (client) => client.post(`/api/issues/${issue}/submit`, {})),
        'issue submit',
      );
      const c = await w.as(w.tree.K.chief);
      oneWins(
        await atOnce([c, chief2], (client) => client.post(`/api/issues/${issue}/sign`, {})),
        'issue sign',
      );
      expect(await db().select().from(issueReviews).where(eq(issueReviews.issueId, issue))).toHaveLength(1);
      oneWins(
        await atOnce([e, editor2], (client) =>
          client.post(`/api/issues/${issue}/issue`, { recipientOrgIds: [w.tree.T.id] }),
        ),
        'issue issue',
      );
      expect(await eventsOf(a.itemId, 'issue_published')).toHaveLength(1);
      oneWins(
        await atOnce([e, editor2], (client) =>
          client.post(`/api/issues/${issue}/distribute`, { orgIds: [w.tree.S.id] }),
        ),
        'distribute',
      );
      oneWins(
        await atOnce([c, chief2], (client) => client.post(`/api/issues/${issue}/recall`, { reason: '收回' })),
        'recall',
      );
      expect(
        await db().select().from(issueRecipients).where(eq(issueRecipients.issueId, issue)),
      ).toHaveLength(2);
      // Two different signed issues issued at once get different numbers.
      const [x, y] = [await adoptedAtK(w, `编号甲${i}`), await adoptedAtK(w, `编号乙${i}`)];
      const [s1, s2] = [
        await signedIssue(w, w.tree.K, [x.adoptionId]),
        await signedIssue(w, w.tree.K, [y.adoptionId]),
      ];
      const rs = await Promise.all([
        e.post(`/api/issues/${s1}/issue`, {}),
        editor2.post(`/api/issues/${s2}/issue`, {}),
      ]);
      expect(codes(rs), rs.map((r) => r.body.slice(0, 160)).join(' | ')).toEqual([200, 200]);
      const nos = rs.map((r) => r.json<{ totalNo: number }>().totalNo);
      expect(new Set(nos).size).toBe(2);
    }
  });

  it('review (agree) twice by the same reviewer in two sessions, and once more afterwards', async () => {
    for (let i = 0; i < RUNS; i++) {
      const a = await adoptedAtK(w, `审核${i}`);
      const e = await w.as(w.tree.K.editor);
      const issue = await newIssue();
      await e.post(`/api/issues/${issue}/entries`, { adoptionIds: [a.adoptionId] });
      await e.post(`/api/issues/${issue}/submit`, {});
      const c1 = await w.as(w.tree.K.chief);
      const c2 = await Client.login(w.t.app, w.tree.K.chief, PASSWORD);
      oneWins(
        await atOnce([c1, c2], (client) => client.post(`/api/issues/${issue}/review`, { decision: 'agree' })),
        'review agree',
      );
      const again = await c1.post(`/api/issues/${issue}/review`, { decision: 'agree' });
      expect(again.statusCode).toBe(409);
      expect(await db().select().from(issueReviews).where(eq(issueReviews.issueId, issue))).toHaveLength(1);
    }
  });
});

describe('instructions, raced', () => {
  it('flag, instruct, answer follow-up, mark read', async () => {
    const leaderId = async (username: string) => (await Client.login(w.t.app, username, PASSWORD)).userId;
    const kLeader = await leaderId(w.tree.K.leader);
    for (let i = 0; i < RUNS; i++) {
      const a = await adoptedAtK(w, `批示${i}`);
      const [e, c] = await hubKEditors();
      const rs = await atOnce([e, c], (client) =>
        client.post('/api/instruction-flags', { itemId: a.itemId, leaderIds: [kLeader] }),
      );
      expect(
        codes(rs).every((x) => x < 300),
        rs.map((r) => r.body).join(' | '),
      ).toBe(true);
      const flags = await db().select().from(instructionFlags).where(eq(instructionFlags.itemId, a.itemId));
      expect(flags).toHaveLength(1);
      // Mark read twice (same leader, two sessions).
      const l1 = await w.as(w.tree.K.leader);
      const l2 = await Client.login(w.t.app, w.tree.K.leader, PASSWORD);
      oneWins(
        await atOnce([l1, l2], (client) =>
          client.post('/api/instructions/desk/read', { flagId: flags[0]!.id }),
        ),
        'mark flag read',
      );
      // Instruct with a follow-up, then the unit answers twice at once.
      const ins = await l1.post('/api/instructions', {
        itemId: a.itemId,
        text: '请推广',
        followUp: { days: 5 },
      });
      expect(ins.statusCode, ins.body).toBe(201);
      const [task] = await db().select().from(followUpTasks).where(eq(followUpTasks.itemId, a.itemId));
      const [t1, t2] = [await w.as(w.tree.T.writer), await w.as(w.tree.T.signer)];
      oneWins(
        await atOnce([t1, t2], (client) =>
          client.post(`/api/follow-ups/${task!.id}/answer`, { answer: '已落实' }),
        ),
        'answer follow-up',
      );
      const audits = await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.objectId, task!.id), like(auditLog.event, '%follow_up_answer%')));
      expect(audits).toHaveLength(1);
    }
  });

  it('a recipient leader marks an issued issue read twice at once', async () => {
    for (let i = 0; i < RUNS; i++) {
      const a = await adoptedAtK(w, `已阅${i}`);
      const s = await signedIssue(w, w.tree.K, [a.adoptionId]);
      const issued = await (
        await w.as(w.tree.K.editor)
      ).post(`/api/issues/${s}/issue`, { recipientOrgIds: [w.tree.C.id] });
      expect(issued.statusCode, issued.body).toBe(200);
      const l1 = await w.as(w.tree.C.leader);
      const l1b = await Client.login(w.t.app, w.tree.C.leader, PASSWORD);
      const rs = await atOnce([l1, l1b], (client) =>
        client.post('/api/instructions/desk/read', { issueId: s }),
      );
      const rows = await db()
        .select()
        .from(instructionFlags)
        .where(and(eq(instructionFlags.issueId, s), eq(instructionFlags.leaderId, l1.userId)));
      expect(
        codes(rs).every((x) => x < 300),
        rs.map((r) => r.body).join(' | '),
      ).toBe(true);
      expect(rows).toHaveLength(1);
      // Once read, reading again records nothing more.
      const again = await l1.post('/api/instructions/desk/read', { issueId: s });
      expect(again.statusCode).toBeLessThan(300);
      const after = await db()
        .select()
        .from(instructionFlags)
        .where(and(eq(instructionFlags.issueId, s), eq(instructionFlags.leaderId, l1.userId)));
      expect(after).toHaveLength(rows.length);
    }
  });
});
