/** Shared steps of the scoring integration tests: real items walked through the workflow over HTTP. */
import { expect } from 'vitest';
import type { Db } from '../../src/server/db/client.js';
import { beijingDate, resolvePeriod, type PeriodSpec } from '../../src/server/modules/scoring/periods.js';
import { aggregateDifferences, loadRules } from '../../src/server/modules/scoring/repo.js';
import { unitStats } from '../../src/server/modules/scoring/use-cases/stats.js';
import { Client, type TestApp } from '../helpers/app.js';
import { PASSWORD, type OrgTree } from '../helpers/factories.js';

export interface Detail {
  id: string;
  hops: { id: string; toOrgId: string; parentHopId: string | null; state: string }[];
  adoptions: { id: string; periodicalName: string; revokedAt: string | null }[];
}

export function flow(t: () => TestApp, tree: () => OrgTree) {
  const clients = new Map<string, Client>();
  const as = async (username: string) => {
    let c = clients.get(username);
    if (!c) {
      c = await Client.login(t().app, username, PASSWORD);
      clients.set(username, c);
    }
    return c;
  };

  /** Drafts, submits, approves and signs an item of unit T (optionally co-reported) to hub K. */
  async function submittedItem(title: string, extra: object = {}): Promise<Detail> {
    const T = tree().T;
    const w = await as(T.writer);
    const created = await w.post('/api/items', {
      orgId: T.id,
      title,
      bodyHtml: '<p>今年以来，某街道在12个小区推行网格化治理，办结群众诉求1260件。</p>',
      category: 'experience',
      urgency: 'normal',
      disclosure: 'internal',
      ...extra,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<Detail>().id;
    expect((await w.post(`/api/items/${id}/submit`)).statusCode).toBe(200);
    expect(
      (await (await as(T.reviewer)).post(`/api/items/${id}/approve`, { opinion: '同意' })).statusCode,
    ).toBe(200);
    const signer = await as(T.signer);
    const signed = await signer.post(`/api/items/${id}/sign`, { opinion: '同意报送' });
    expect(signed.statusCode, signed.body).toBe(200);
    // A transition answers with what changed; the item itself is read again.
    return (await signer.get(`/api/items/${id}`)).json<Detail>();
  }

  async function receive(editor: string, hopId: string) {
    const r = await (await as(editor)).post(`/api/hops/${hopId}/receive`);
    expect(r.statusCode, r.body).toBe(200);
  }

  async function adopt(
    editor: string,
    hopId: string,
    periodicalId: string,
    type: 'single' | 'combined' = 'single',
  ) {
    const c = await as(editor);
    const r = await c.post(`/api/hops/${hopId}/adopt`, { periodicalId, type });
    expect(r.statusCode, r.body).toBe(200);
    return (await c.get(`/api/items/${r.json<{ itemId: string }>().itemId}`)).json<Detail>();
  }

  /** Forwards a hop and returns the new hop's id. */
  async function forward(editor: string, hopId: string, targetOrgId: string): Promise<string> {
    const r = await (await as(editor)).post(`/api/hops/${hopId}/forward`, { targetOrgId });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ createdHopId: string }>().createdHopId;
  }

  return { as, submittedItem, receive, adopt, forward };
}

/** The current month in Beijing time, as the rankings query wants it. */
export function thisMonth(): string {
  const d = beijingDate(new Date());
  return `${d.year}-${String(d.month).padStart(2, '0')}`;
}

export function thisYear(): number {
  return beijingDate(new Date()).year;
}

/** A PUT body of scoring rules; rowVersion 0 is the first save over the defaults. */
export const rules = (over: object) => ({
  rowVersion: 0,
  periodicals: [],
  forwardMultipliers: {},
  creditForwarders: true,
  instructionBonus: {},
  missedSolicitationsZeroAt: 2,
  penalties: { late: -2, missed: -5, concealed: -10, wrong: -3 },
  rewards: { province: 200, city: 100, county: 50 },
  ...over,
});

/**
 * After the workflow's real writes (adopt, revoke, recompute, manual rows, withdraw …): every pre-aggregated
 * bucket equals its recomputation from the ledger and hops, and each hub's statistics read from the
 * aggregates equal those read from the ledger, for this month, this year and a range with ragged edges.
 */
export async function expectAggregatesMatchLedger(db: Db, hubIds: string[]): Promise<void> {
  expect(await aggregateDifferences(db)).toEqual([]);
  const d = beijingDate(new Date());
  const specs: PeriodSpec[] = [
    { kind: 'month', year: d.year, month: d.month },
    { kind: 'year', year: d.year },
    { kind: 'custom', from: `${d.year - 1}-12-15`, to: `${d.year + 1}-01-10` },
  ];
  for (const hubId of hubIds) {
    const { rules } = await loadRules(db, hubId);
    for (const spec of specs) {
      const period = resolvePeriod(spec)!;
      expect(await unitStats(db, hubId, rules, period)).toEqual(
        await unitStats(db, hubId, rules, period, 'ledger'),
      );
    }
  }
}
