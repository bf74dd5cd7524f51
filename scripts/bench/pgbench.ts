/**
 * The raw-SQL limit of 签收 (receive): the statements the product's receive use case needs at minimum
 * (src/server/modules/items/use-cases/hop-actions.ts receiveHop → repo.ts loadVisibleHop, transitionHop,
 * recordEvent → audit.ts writeAuditBatch), as one pgbench transaction:
 *
 *   session lookup (session ⋈ user, the actor's memberships) → lock the hop and read its item with the
 *   policy facts in one statement → scope check (the actor is an editor of the receiving hub) →
 *   compare-and-set UPDATE of the hop → INSERT the timeline event → INSERT the (unsealed) audit row →
 *   COMMIT. The audit chain is sealed afterwards by a background step, outside the request; pgbench's
 *   audit rows go to bench_audit_log (audit_log's columns, defaults and indexes: the same insert), so the
 *   server under measurement does not seal them during the HTTP rows.
 *
 * Each transaction takes a fresh pending hop: a sequence numbers the rows of a prepared id table
 * (bench_pgb, filled by fixture.ts), so no two clients receive the same hop and no update misses.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RECEIVE_SCRIPT = `
select nextval('bench_pgb_seq') as k \\gset
select hop_id, sid from bench_pgb where k = :k \\gset
BEGIN;
select s.user_id, u.disabled, s.last_seen_at from sessions s join users u on u.id = s.user_id
  where s.id_hash = :sid and s.expires_at > now() \\gset
select org_id, role from memberships where user_id = :user_id;
select h.id, h.state, h.row_version, i.org_id, i.state,
  (select json_agg(distinct h2.to_org_id) from hops h2 where h2.item_id = i.id) as hubs
  from hops h join items i on i.id = h.item_id where h.id = :hop_id for update of h;
select count(*) as in_scope from memberships m join hops h on h.to_org_id = m.org_id
  where h.id = :hop_id and m.user_id = :user_id and m.role in ('editor', 'chief_editor');
update hops set state = 'received', row_version = row_version + 1, received_at = now(), stage = 0, updated_at = now()
  where id = :hop_id and state = 'pending' and row_version = 1;
insert into item_events (item_id, hop_id, actor_id, actor_org_id, action, from_state, to_state, data, created_at)
  select item_id, id, :user_id::uuid, to_org_id, 'hop_receive', 'pending', 'received',
    jsonb_build_object('toOrgId', to_org_id, 'fromOrgId', from_org_id), now() from hops where id = :hop_id;
insert into bench_audit_log (at, user_id, ip, request_id, event, object_type, object_id, result, detail)
  values (now(), :user_id, '127.0.0.1', 'pgbench', 'item.hop_receive', 'hop', :hop_id, 'success',
    jsonb_build_object('from', 'pending', 'to', 'received'));
COMMIT;
`;

export interface PgbenchResult {
  tps: number;
  transactions: number;
  latencyMs: number | null;
  failed: number;
  output: string;
}

/**
 * Runs the receive script with `clients` clients for `transactions` each (a bounded count: the pool of
 * pending hops is finite).
 */
export function runPgbench(url: string, clients: number, transactions: number): PgbenchResult {
  return pgbench(url, RECEIVE_SCRIPT, ['-M', 'extended', '-c', String(clients), '-t', String(transactions)]);
}

/** Runs `script` with 16 clients for `seconds`. */
function runScript(url: string, script: string, seconds: number): PgbenchResult {
  return pgbench(url, script, ['-c', '16', '-T', String(seconds)]);
}

function pgbench(url: string, script: string, args: string[]): PgbenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'zx-pgbench-'));
  const file = join(dir, 'script.sql');
  writeFileSync(file, script);
  try {
    const r = spawnSync('pgbench', ['-n', ...args, '-j', '2', '-f', file, url], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const tps = /tps = ([\d.]+)/.exec(output);
    const done = /number of transactions actually processed: (\d+)/.exec(output);
    const lat = /latency average = ([\d.]+) ms/.exec(output);
    const failed = /number of failed transactions: (\d+)/.exec(output);
    return {
      tps: tps ? Number(tps[1]) : 0,
      transactions: done ? Number(done[1]) : 0,
      latencyMs: lat ? Number(lat[1]) : null,
      failed: failed ? Number(failed[1]) : 0,
      output,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What telling other instances of a change costs a committing transaction, at 16 clients for `seconds`
 * each: an insert and its commit alone; the same with a NOTIFY (PostgreSQL then holds one database-wide
 * lock from pre-commit until the commit record is flushed, so notifying transactions reach the disk one
 * after another); the same with a change-feed row instead (drizzle/0028: an ordinary insert, group commit
 * applies). Scratch tables, dropped afterwards; nobody listens to the channel.
 */
export function runCommitCeiling(
  url: string,
  seconds: number,
): { plain: PgbenchResult; notify: PgbenchResult; feed: PgbenchResult } {
  const setup = spawnSync(
    'psql',
    [
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      url,
      '-c',
      `drop table if exists bench_commit, bench_feed;
       create table bench_commit (id bigserial primary key, v text);
       create table bench_feed (like change_feed including all);`,
    ],
    { encoding: 'utf8' },
  );
  if (setup.status !== 0) throw new Error(`commit ceiling setup: ${setup.stderr}`);
  const insert = `insert into bench_commit (v) values ('x');`;
  const subject = `'hub-' || (random() * 100)::int`;
  try {
    return {
      plain: runScript(url, `BEGIN;\n${insert}\nCOMMIT;\n`, seconds),
      notify: runScript(
        url,
        `BEGIN;\n${insert}\nselect pg_notify('bench_commit', ${subject});\nCOMMIT;\n`,
        seconds,
      ),
      feed: runScript(
        url,
        `BEGIN;\n${insert}\ninsert into bench_feed (channel, subject) values ('bench_commit', ${subject});\nCOMMIT;\n`,
        seconds,
      ),
    };
  } finally {
    spawnSync('psql', ['-q', url, '-c', 'drop table if exists bench_commit, bench_feed'], {
      encoding: 'utf8',
    });
  }
}
