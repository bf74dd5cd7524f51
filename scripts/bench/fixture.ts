/**
 * The targets of one run, read from the run database before the server starts (PGlite allows one process):
 * pools of fresh rows for each write (every request gets its own hop or item), the actors that may act
 * on them, and the URLs of the reads. Also the rows pgbench needs (its id table and sessions).
 */
import type { SqlRunner } from './dataset.js';
import { encodeCursor } from '../../src/server/http/cursor.js';

export interface HopTarget {
  hopId: string;
  user: string;
  cityId: string;
  periodicalId: string;
}
export interface ItemTarget {
  itemId: string;
  user: string;
}

export interface Fixture {
  provinceId: string;
  /** A hub that ranks every reporting unit (2,000 and the 100 departments), and its chief editor. */
  wideHubId: string;
  wideHubChief: string;
  provinceEditor: string;
  provinceChief: string;
  receive: HopTarget[];
  return: HopTarget[];
  forward: HopTarget[];
  adopt: HopTarget[];
  edit: ItemTarget[];
  submit: ItemTarget[];
  loginUsers: string[];
  countyInboxUser: string;
  countyInboxDeepCursor: string | null;
  provinceInboxDeepCursor: string | null;
  listUser: string;
  listDeepCursor: string | null;
  month: string;
  year: number;
  issueIds: string[];
  /** Pending hops left for pgbench (the HTTP receive pool excluded). */
  pgbenchPool: number;
}

/** The product's keyset cursor. */
function cursor(at: string | Date, id: string): string {
  return encodeCursor(new Date(at), id);
}

function thirds<T>(a: T[]): [T[], T[], T[]] {
  const n = Math.floor(a.length / 3);
  return [a.slice(0, n), a.slice(n, 2 * n), a.slice(2 * n, 3 * n)];
}

export async function loadFixture(db: SqlRunner, opts: { pgbench: boolean }): Promise<Fixture> {
  const [province] = await db.rows<{ id: string }>(`select id from b_hub where h = 1`);
  const pending = await db.rows<{ hop_id: string; h: number; to_org_id: string }>(`
    select h.id as hop_id, b.h, h.to_org_id from hops h join b_hub b on b.id = h.to_org_id
    where h.state = 'pending' and b.level = 'county' order by md5(h.id::text)`);
  const received = await db.rows<{ hop_id: string; h: number; city_id: string; periodical_id: string }>(`
    select h.id as hop_id, b.h, c.id as city_id, p.id as periodical_id
    from hops h join b_hub b on b.id = h.to_org_id join b_hub c on c.h = b.parent_h join b_per p on p.h = b.h
    where h.state = 'received' and b.level = 'county' and h.parent_hop_id is null order by md5(h.id::text)`);
  const drafts = await db.rows<{ item_id: string; n: number }>(`
    select i.id as item_id, u.n from items i join b_unit u on u.id = i.org_id
    where i.state = 'draft' order by md5(i.id::text)`);
  const hopTarget = (r: {
    hop_id: string;
    h: number;
    city_id?: string;
    periodical_id?: string;
  }): HopTarget => ({
    hopId: r.hop_id,
    user: `e${r.h}_1`,
    cityId: r.city_id ?? '',
    periodicalId: r.periodical_id ?? '',
  });
  // HTTP receive takes a third of the pending hops unless pgbench does not run.
  const httpReceive = opts.pgbench ? pending.slice(0, Math.floor(pending.length / 3)) : pending;
  const pgbenchRows = opts.pgbench ? pending.slice(httpReceive.length) : [];
  const [ret, fwd, adopt] = thirds(received.map(hopTarget));
  const half = Math.floor(drafts.length / 2);
  const itemTarget = (r: { item_id: string; n: number }): ItemTarget => ({
    itemId: r.item_id,
    user: `w${r.n}`,
  });

  // Reads: the busiest county's inbox and the province's, a unit's list; deep pages 90% down.
  const [county] = await db.rows<{ h: number; id: string; n: number }>(`
    select b.h, b.id, count(*)::int as n from hops h join b_hub b on b.id = h.to_org_id
    where b.level = 'county' group by b.h, b.id order by n desc limit 1`);
  const deepInbox = async (orgId: string) => {
    const [c] = await db.rows<{ n: number }>(
      `select count(*)::int as n from hops where to_org_id = '${orgId}' and state <> 'withdrawn'`,
    );
    const [row] = await db.rows<{ submitted_at: string; id: string }>(`
      select submitted_at, id from hops where to_org_id = '${orgId}' and state <> 'withdrawn'
      order by submitted_at desc, id desc offset ${Math.floor((c?.n ?? 0) * 0.9)} limit 1`);
    return row ? cursor(row.submitted_at, row.id) : null;
  };
  const [unit] = await db.rows<{ n: number; id: string; c: number }>(`
    select u.n, u.id, count(*)::int as c from items i join b_unit u on u.id = i.org_id
    group by u.n, u.id order by c desc limit 1`);
  const [deepItem] = await db.rows<{ updated_at: string; id: string }>(`
    select updated_at, id from items where org_id = '${unit!.id}'
    order by updated_at desc, id desc offset ${Math.floor(unit!.c * 0.9)} limit 1`);
  const [when] = await db.rows<{ month: string; year: number }>(`
    select to_char((built_at at time zone 'UTC') + interval '8 hours' - interval '1 month', 'YYYY-MM') as month,
      extract(year from (built_at at time zone 'UTC') + interval '8 hours' - interval '6 months')::int as year
    from bench_meta`);
  const issues = await db.rows<{ id: string }>(`
    select i.id from periodical_issues i join b_per p on p.id = i.periodical_id
    where p.h = 1 order by i.total_no desc limit 50`);
  const logins = await db.rows<{ username: string }>(`select 'w' || n as username from b_unit order by n`);

  // Every user's session, made here rather than by logging in (see http-harness.ts Sessions).
  await db.exec(`
    delete from sessions where id_hash in (select encode(sha256(convert_to('bench-' || username, 'UTF8')), 'hex') from users);
    insert into sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
      select encode(sha256(convert_to('bench-' || username, 'UTF8')), 'hex'), id, 'csrf-' || username, now(), now(),
        now() + interval '1 day' from users;
  `);

  if (opts.pgbench) {
    // pgbench's id table: the pending hops HTTP does not use, each with its county editor's session.
    await db.exec(`
      drop table if exists bench_pgb; drop sequence if exists bench_pgb_seq;
      create table bench_pgb (k int primary key, hop_id uuid not null, sid text not null);
      create sequence bench_pgb_seq;
      -- pgbench's audit rows: audit_log's columns, defaults and indexes (the same insert), apart from the
      -- chain, so the measured server's sealer does not spend the HTTP rows' CPU sealing pgbench's rows.
      drop table if exists bench_audit_log;
      create table bench_audit_log (like audit_log including all);
      delete from sessions where id_hash like 'pgbench-%';
      insert into sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
        select 'pgbench-' || s.h, s.id, 'x', now(), now(), now() + interval '1 day' from b_staff s where s.k = 1;
    `);
    for (let i = 0; i < pgbenchRows.length; i += 5000) {
      const values = pgbenchRows
        .slice(i, i + 5000)
        .map((r, j) => `(${i + j + 1}, '${r.hop_id}', 'pgbench-${r.h}')`)
        .join(',');
      await db.exec(`insert into bench_pgb (k, hop_id, sid) values ${values}`);
    }
    await db.exec(`analyze bench_pgb`);
  }

  // The issue's "year's ranking for 2,000 units": no hub of the tree evaluates that many (the province ranks
  // its 14 cities and 100 departments), so the run copy gets one that does — a hub whose
  // 直报点 are all 2,100 reporting units. It stands apart (a root, so the province does not evaluate it) and
  // has no rule set, so no adoption anywhere is credited by it and no other row of the benchmark changes;
  // its ranking reads every unit's sent buckets, the costly part.
  const wideHubId = '00000000-0000-4000-8000-00000000b2c0';
  const wideHubChief = 'e1_5';
  await db.exec(`
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      values ('${wideHubId}', '全省直报点考评（基准）', '直报点考评', 'general_office', 'province', null, true)
      on conflict (id) do nothing;
    insert into direct_report_points (org_id, hub_id)
      select o.id, '${wideHubId}' from orgs o where not o.is_hub on conflict do nothing;
    insert into memberships (user_id, org_id, role, confirmed_at)
      select u.id, '${wideHubId}', 'chief_editor', now() from users u where u.username = '${wideHubChief}'
      on conflict do nothing;
  `);

  return {
    provinceId: province!.id,
    wideHubId,
    wideHubChief,
    provinceEditor: 'e1_1',
    provinceChief: 'e1_5',
    receive: httpReceive.map(hopTarget),
    return: ret,
    forward: fwd,
    adopt,
    edit: drafts.slice(0, half).map(itemTarget),
    submit: drafts.slice(half).map(itemTarget),
    loginUsers: logins.map((l) => l.username),
    countyInboxUser: `e${county!.h}_2`,
    countyInboxDeepCursor: await deepInbox(county!.id),
    provinceInboxDeepCursor: await deepInbox(province!.id),
    listUser: `w${unit!.n}`,
    listDeepCursor: deepItem ? cursor(deepItem.updated_at, deepItem.id) : null,
    month: when!.month,
    year: when!.year,
    issueIds: issues.map((i) => i.id),
    pgbenchPool: pgbenchRows.length,
  };
}
