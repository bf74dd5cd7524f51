/**
 * The SIGKILL crash harness (SECURITY.md item 28). The compiled server runs as a child process on a fresh
 * database (PostgreSQL, or PGlite with its data directory); HTTP clients storm it with submissions (create,
 * submit, approve, sign) and the hub's receipts and adoptions; it is killed with SIGKILL mid-storm,
 * restarted, stopped cleanly, and the invariants are checked by SQL against what the clients saw
 * acknowledged. Used by tests/integration/crash.test.ts (a few rounds) and scripts/crash/main.ts (50).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { setCrypto } from '../../src/server/crypto/current.js';
import { nodeCryptoProvider } from '../../src/server/crypto/provider.js';
import { openDatabase, queryRows, type Database, type Db } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';
import { verifyAuditChain } from '../../src/server/modules/audit/audit.js';
import { DEFAULT_RULES } from '../../src/server/modules/scoring/domain.js';
import { scoringRuleSets } from '../../src/server/modules/scoring/schema.js';
import { buildOrgTree, PASSWORD, type OrgTree } from '../../tests/helpers/factories.js';

const root = new URL('../..', import.meta.url).pathname;
const AUDIT_KEY = 'crash-test-audit-key';

export type Engine = 'pglite' | 'postgres';

export interface CrashTarget {
  engine: Engine;
  url: string | undefined;
  dataDir: string;
  tree: OrgTree;
  /** Session cookies and CSRF tokens, kept across rounds (sessions live in the database). */
  sessions: Map<string, { cookie: string; csrf: string }>;
  /** Every write a client saw acknowledged (2xx), over all rounds. */
  acks: Ack[];
  /** Hops signed for and not yet adopted by a client, carried into the next round. */
  pendingHops: string[];
  receivedHops: string[];
  cleanup(): Promise<void>;
}

export type Ack =
  | { kind: 'create'; itemId: string }
  | { kind: 'submit_for_review' | 'approve' | 'sign'; itemId: string }
  | { kind: 'receive'; hopId: string }
  | { kind: 'adopt'; hopId: string; adoptionId: string };

export interface RoundResult {
  round: number;
  /** Acknowledged writes in this round before the kill. */
  acked: number;
  /** Requests sent and not answered when the server was killed. */
  inFlight: number;
  items: number;
  adoptions: number;
  auditRows: number;
  problems: string[];
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** A fresh database with the test organisation tree and a scoring rule set for the county hub. */
export async function prepareCrashTarget(engine: Engine, baseUrl?: string): Promise<CrashTarget> {
  setCrypto(nodeCryptoProvider(Buffer.from(AUDIT_KEY)));
  const dataDir = mkdtempSync(join(tmpdir(), 'zx-crash-'));
  let url: string | undefined;
  let dbName = '';
  if (engine === 'postgres') {
    if (!baseUrl) throw new Error('PostgreSQL needs a base URL (TEST_DATABASE_URL)');
    dbName = `zx_crash_${randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`create database ${dbName}`);
    await c.end();
    const u = new URL(baseUrl);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const database = await openDatabase({ url, dataDir });
  let tree: OrgTree;
  try {
    await migrate(database);
    tree = await buildOrgTree(database.db);
    await database.db.insert(scoringRuleSets).values({
      hubId: tree.K.id,
      rules: {
        ...DEFAULT_RULES,
        periodicals: [{ periodicalId: tree.K.periodicalId, single: 4, combined: 2 }],
      },
      updatedAt: new Date(),
    });
  } finally {
    await database.close();
  }
  return {
    engine,
    url,
    dataDir,
    tree,
    sessions: new Map(),
    acks: [],
    pendingHops: [],
    receivedHops: [],
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName) {
        const c = new pg.Client({ connectionString: baseUrl });
        await c.connect();
        await c.query(`drop database if exists ${dbName} with (force)`);
        await c.end();
      }
    },
  };
}

interface Server {
  proc: ChildProcess;
  base: string;
  output: () => string;
}

async function startServer(t: CrashTarget): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [join(root, 'dist/server/server/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: t.dataDir,
      DATABASE_URL: t.url ?? '',
      ZX_MODE: 'production',
      ZX_AUDIT_KEY: AUDIT_KEY,
      ZX_LOGIN_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}): ${out}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { proc, base, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not answer: ${out}`);
}

function exited(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

class Killed extends Error {}

/** One HTTP client per user: JSON in and out, session cookie and CSRF token. */
function clientFor(t: CrashTarget, base: string) {
  const call = async (user: string, method: string, path: string, body?: object) => {
    const s = t.sessions.get(user);
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          origin: base,
          ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}),
        },
        body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
      });
    } catch {
      throw new Killed();
    }
    const text = await res.text().catch(() => {
      throw new Killed();
    });
    return { status: res.status, json: () => JSON.parse(text) as Record<string, unknown>, text };
  };
  const login = async (user: string) => {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ username: user, password: PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${await res.text()}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const me = (await res.json()) as { csrfToken: string };
    t.sessions.set(user, { cookie, csrf: me.csrfToken });
  };
  return { call, login };
}

/**
 * One round: start, storm, SIGKILL after `killAfter` acknowledged writes (plus a moment, so requests are in
 * flight), restart (recovery, sealing), log in, stop cleanly, check the invariants.
 */
export async function crashRound(
  t: CrashTarget,
  round: number,
  opts: { killAfter?: number; writers?: number } = {},
): Promise<RoundResult> {
  const killAfter = opts.killAfter ?? 15 + Math.floor(Math.random() * 30);
  const server = await startServer(t);
  const { call, login } = clientFor(t, server.base);
  const { T, S, K } = t.tree;
  const users = [T.writer, T.reviewer, T.signer, S.writer, S.reviewer, S.signer, K.editor];
  for (const u of users) if (!t.sessions.has(u)) await login(u);

  let acked = 0;
  let inFlight = 0;
  let inFlightAtKill = 0;
  let adoptedNow = 0;
  let killed = false;
  let killTimer: NodeJS.Timeout | null = null;
  const ack = (a: Ack) => {
    t.acks.push(a);
    acked++;
    if (a.kind === 'adopt') adoptedNow++;
    // Killed once the storm has written `killAfter` acknowledged writes, adoptions among them.
    if (acked >= killAfter && adoptedNow > 0 && !killTimer)
      killTimer = setTimeout(
        () => {
          killed = true;
          inFlightAtKill = inFlight;
          server.proc.kill('SIGKILL');
        },
        Math.floor(Math.random() * 150),
      );
  };
  const send = async (user: string, method: string, path: string, body?: object) => {
    inFlight++;
    try {
      return await call(user, method, path, body);
    } finally {
      inFlight--;
    }
  };
  const fail = (what: string, r: { status: number; text: string }) => {
    throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}\n${server.output()}`);
  };

  const unitWorker = async (u: typeof T, n: number) => {
    for (let i = 0; !killed; i++) {
      const created = await send(u.writer, 'POST', '/api/items', {
        orgId: u.id,
        title: `第${round}轮压测稿件${n}-${i}：某街道推行网格化治理见成效`,
        bodyHtml: '<p>今年以来，某街道在12个小区推行网格化治理，办结群众诉求1260件。</p>',
        category: 'experience',
        urgency: 'normal',
        disclosure: 'internal',
      });
      if (created.status !== 201) fail('create', created);
      const itemId = String(created.json().id);
      ack({ kind: 'create', itemId });
      const steps: [string, 'submit_for_review' | 'approve' | 'sign', string, object][] = [
        [u.writer, 'submit_for_review', `/api/items/${itemId}/submit`, {}],
        [u.reviewer, 'approve', `/api/items/${itemId}/approve`, { opinion: '同意' }],
        [u.signer, 'sign', `/api/items/${itemId}/sign`, { opinion: '同意报送' }],
      ];
      for (const [user, kind, path, body] of steps) {
        const r = await send(user, 'POST', path, body);
        if (r.status !== 200) fail(kind, r);
        ack({ kind, itemId });
        if (kind === 'sign') {
          const hops = r.json().hops as { id: string }[];
          t.pendingHops.push(hops[0]!.id);
        }
      }
    }
  };
  const editorWorker = async () => {
    while (!killed) {
      const received = t.receivedHops.shift();
      if (received) {
        const r = await send(K.editor, 'POST', `/api/hops/${received}/adopt`, {
          periodicalId: K.periodicalId,
          type: 'single',
        });
        if (r.status !== 200) fail('adopt', r);
        const adoptions = r.json().adoptions as { id: string; revokedAt: string | null }[];
        ack({ kind: 'adopt', hopId: received, adoptionId: adoptions.find((a) => !a.revokedAt)!.id });
        continue;
      }
      const hopId = t.pendingHops.shift();
      if (!hopId) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const r = await send(K.editor, 'POST', `/api/hops/${hopId}/receive`);
      if (r.status !== 200) fail('receive', r);
      ack({ kind: 'receive', hopId });
      t.receivedHops.push(hopId);
    }
  };
  const guard = (p: Promise<void>) =>
    p.catch((e: unknown) => {
      if (!(e instanceof Killed)) {
        killed = true;
        server.proc.kill('SIGKILL');
        throw e;
      }
    });
  const writers = opts.writers ?? 2;
  const workers = [
    ...Array.from({ length: writers }, (_, n) => guard(unitWorker(T, n))),
    ...Array.from({ length: writers }, (_, n) => guard(unitWorker(S, n))),
    guard(editorWorker()),
    guard(editorWorker()),
  ];
  const results = await Promise.allSettled(workers);
  await exited(server.proc);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  if (!killed || server.proc.signalCode !== 'SIGKILL')
    throw new Error(`the server stopped by itself (${server.proc.exitCode}): ${server.output()}`);
  // A hop whose receipt or adoption was in flight may or may not have happened: the clients ask the server
  // again next round (the state decides), as a person would after reloading.
  // Restart: recovery, then the start-up seal of the audit rows the killed server left unsealed; a user's
  // list answers; a clean stop (PGlite's data directory is then free for the checks).
  const again = await startServer(t);
  const me = await clientFor(t, again.base)
    .call(T.writer, 'GET', '/api/items?box=mine')
    .catch((e: unknown) => ({ status: 0, text: String(e) }));
  again.proc.kill('SIGTERM');
  const code = await exited(again.proc);
  if (me.status !== 200) throw new Error(`after restart: ${me.status} ${me.text}`);
  if (code !== 0) throw new Error(`the restarted server did not stop cleanly (${code}): ${again.output()}`);
  const database = await openDatabase({ url: t.url, dataDir: t.dataDir });
  try {
    const check = await checkInvariants(database.db, t);
    await resyncQueues(database, t);
    return { round, acked, inFlight: inFlightAtKill, ...check };
  } finally {
    await database.close();
  }
}

/** Hops the clients lost track of in the kill go back into the queues by their real state. */
async function resyncQueues(database: Database, t: CrashTarget): Promise<void> {
  const rows = await queryRows<{ id: string; state: string; adopted: boolean }>(
    database.db,
    sql`select h.id, h.state,
          exists (select 1 from adoptions a where a.hop_id = h.id and a.revoked_at is null) as adopted
        from hops h where h.to_org_id = ${t.tree.K.id} order by h.submitted_at`,
  );
  t.pendingHops = rows.filter((r) => r.state === 'pending').map((r) => r.id);
  t.receivedHops = rows.filter((r) => r.state === 'received' && !r.adopted).map((r) => r.id);
}

/** The invariants, by SQL: returns the problems found (none when the round held) and a few counts. */
export async function checkInvariants(
  db: Db,
  t: CrashTarget,
): Promise<{ items: number; adoptions: number; auditRows: number; problems: string[] }> {
  const problems: string[] = [];
  const q = <T>(query: ReturnType<typeof sql>) => queryRows<T>(db, query);
  const none = async (what: string, query: ReturnType<typeof sql>) => {
    const rows = await q<Record<string, unknown>>(query);
    if (rows.length) problems.push(`${what}: ${rows.length} (${JSON.stringify(rows.slice(0, 3))})`);
  };

  // 1. Every acknowledged write is there.
  const ids = (kind: Ack['kind']) =>
    t.acks.filter((a) => a.kind === kind).map((a) => ('itemId' in a ? a.itemId : a.hopId));
  const json = (v: unknown) => JSON.stringify(v);
  await none(
    'acknowledged items missing',
    sql`select x.id from jsonb_array_elements_text(${json(ids('create'))}::jsonb) as x(id)
        where not exists (select 1 from items i where i.id = x.id::uuid)`,
  );
  for (const kind of ['submit_for_review', 'approve', 'sign'] as const)
    await none(
      `acknowledged ${kind} without its event`,
      sql`select x.id from jsonb_array_elements_text(${json(ids(kind))}::jsonb) as x(id)
          where not exists (select 1 from item_events e where e.item_id = x.id::uuid and e.hop_id is null
                              and e.action = ${kind})`,
    );
  await none(
    'acknowledged receipts missing',
    sql`select x.id from jsonb_array_elements_text(${json(ids('receive'))}::jsonb) as x(id)
        where not exists (select 1 from hops h where h.id = x.id::uuid and h.state in ('received', 'handled'))`,
  );
  const adopted = t.acks.filter((a) => a.kind === 'adopt').map((a) => a.adoptionId);
  await none(
    'acknowledged adoptions missing',
    sql`select x.id from jsonb_array_elements_text(${json(adopted)}::jsonb) as x(id)
        where not exists (select 1 from adoptions a where a.id = x.id::uuid and a.revoked_at is null)`,
  );

  // 2. No item or hop in an impossible state, no orphan.
  await none(
    'submitted items without a hop',
    sql`select i.id from items i where i.state = 'submitted' and not exists (select 1 from hops h where h.item_id = i.id)`,
  );
  await none(
    'unsubmitted items with a hop',
    sql`select i.id, i.state from items i
        where i.state in ('draft', 'in_review', 'awaiting_signoff') and exists (select 1 from hops h where h.item_id = i.id)`,
  );
  await none(
    'items without their current version',
    sql`select i.id from items i where not exists
          (select 1 from item_versions v where v.item_id = i.id and v.no = i.current_version_no)`,
  );
  await none(
    'hops received without a receipt time, or pending with one',
    sql`select id, state from hops where (state in ('received', 'handled') and received_at is null)
          or (state = 'pending' and received_at is not null)`,
  );
  await none(
    'adoptions whose hop is not handled or belongs to another item',
    sql`select a.id from adoptions a join hops h on h.id = a.hop_id
        where a.revoked_at is null and (h.state <> 'handled' or h.item_id <> a.item_id or h.to_org_id <> a.hub_id)`,
  );
  await none(
    'handled hops without an adoption',
    sql`select h.id from hops h where h.state = 'handled'
          and not exists (select 1 from adoptions a where a.hop_id = h.id and a.revoked_at is null)
          and not exists (select 1 from hops c where c.parent_hop_id = h.id)`,
  );

  // 3. Event rows match the state changes: each record's events form an unbroken chain of states ending
  //    in its current state, and every event has its audit row.
  for (const [what, key, table] of [
    ['items', sql`e.hop_id is null`, sql`items`],
    ['hops', sql`e.hop_id is not null`, sql`hops`],
  ] as const) {
    const owner = what === 'items' ? sql`e.item_id` : sql`e.hop_id`;
    await none(
      `${what}: an event's from-state is not the previous event's to-state`,
      sql`select * from (
            select ${owner} as owner, e.id, e.action, e.from_state,
                   lag(e.to_state) over (partition by ${owner} order by e.id) as prev
            from item_events e where ${key} and e.to_state is not null) x
          where x.prev is not null and x.from_state is distinct from x.prev`,
    );
    await none(
      `${what}: current state differs from the last event's to-state`,
      sql`select r.id, r.state, x.to_state from ${table} r
          left join lateral (select e.to_state from item_events e
                             where ${owner} = r.id and ${key} and e.to_state is not null
                             order by e.id desc limit 1) x on true
          where x.to_state is distinct from r.state`,
    );
  }
  await none(
    'events without their audit row (or audit rows without their event)',
    sql`select coalesce(e.obj, a.obj) as obj, coalesce(e.ev, a.ev) as ev, e.n as events, a.n as audit from
          (select coalesce(hop_id, item_id)::text as obj, 'item.' || action as ev, count(*)::int as n
             from item_events group by 1, 2) e
          full join (select object_id as obj, event as ev, count(*)::int as n
                       from audit_log where event like 'item.%' and result = 'success' group by 1, 2) a
            on a.obj = e.obj and a.ev = e.ev
        where e.n is distinct from a.n`,
  );

  // 4. The audit chain verifies, with nothing left unsealed after the restart.
  const chain = await verifyAuditChain(db, nodeCryptoProvider(Buffer.from(AUDIT_KEY)));
  if (!chain.ok) problems.push(`audit chain: ${chain.problem}`);
  if (chain.unsealed !== 0) problems.push(`audit rows left unsealed after restart: ${chain.unsealed}`);

  // 5. Numbering has no duplicates or gaps, and the ledger matches the adoptions.
  await none(
    'version numbers duplicated or with gaps',
    sql`select item_id from item_versions group by item_id having count(*) <> max(no) or count(distinct no) <> count(*)`,
  );
  await none(
    'issue numbers duplicated',
    sql`select periodical_id, year, year_no from periodical_issues where year_no is not null
        group by 1, 2, 3 having count(*) > 1`,
  );
  await none(
    'active adoptions without exactly one ledger row at the adopting hub',
    sql`select a.id, count(s.id) from adoptions a join items i on i.id = a.item_id
        left join score_entries s on s.cause_id = a.id and s.kind = 'adoption' and s.manual = false
              and s.hub_id = a.hub_id and s.org_id = i.org_id
        where a.revoked_at is null and a.hub_id = ${t.tree.K.id}
        group by a.id having count(s.id) <> 1`,
  );
  await none(
    'ledger rows whose adoption is missing or revoked',
    sql`select s.id from score_entries s where s.kind = 'adoption' and s.manual = false
          and not exists (select 1 from adoptions a where a.id = s.cause_id and a.revoked_at is null)`,
  );
  await none(
    'ledger rows duplicated',
    sql`select hub_id, org_id, kind, cause_id from score_entries where manual = false
        group by 1, 2, 3, 4 having count(*) > 1`,
  );

  const [counts] = await q<{ items: number; adoptions: number; audit: number }>(
    sql`select (select count(*)::int from items) as items, (select count(*)::int from adoptions) as adoptions,
               (select count(*)::int from audit_log) as audit`,
  );
  return { items: counts!.items, adoptions: counts!.adoptions, auditRows: counts!.audit, problems };
}

/** Builds the compiled server when it is missing or older than the sources (scripts/build.mjs --if-stale). */
export async function buildServer(): Promise<void> {
  const p = spawn(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await exited(p);
  if (code !== 0) throw new Error(`build failed (${code})`);
}
