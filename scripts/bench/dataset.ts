/**
 * The province-scale data set of the benchmark, generated inside the database by set-based SQL
 * (INSERT … SELECT over generate_series; nothing row by row from Node), so the same text builds it on
 * PostgreSQL and on PGlite.
 *
 * Shape: 1 province hub, 14 city hubs, 100 county hubs (115 hubs, 7 staff each: 4 editors, 2 chief
 * editors, 1 leader), 2,000 reporting units under the counties and 100 provincial departments (a writer and
 * a reviewer-signer each: 4,200 + 805 = 5,005 users, one real argon2id hash shared by all), one periodical
 * per hub with its scoring rules, and N items spread over the 365 days before the build:
 *
 * - older items (all but the most recent `recent`): submitted; their unit's hop to the county is handled
 *   (adopted or forwarded), archived or rejected; 30% of unit items go on county → city, a third of those
 *   city → province; adoptions at every level (county 20%, city 35%, province 30% of what reached them;
 *   departments' items 30% at the province), each with its ledger rows (unit, county and city credited);
 *   adoptions older than two weeks compiled five to an issue (issued, numbered per year and in total);
 * - the recent items: the backlog the workflow runs on — the root hop pending (40%), received (20%),
 *   returned (item revising, 5%), rejected (5%), withdrawn (item withdrawn, 5%); drafts (15%), in review
 *   (5%) and awaiting sign-off (5%) without hops.
 * - the timeline (item_events): create, approve, sign, and each hop's submit, receive and concluding action.
 *
 * Not generated: the audit log (an HMAC chain computed in the application; it starts empty), sessions.
 */
import { DEFAULT_RULES } from '../../src/server/modules/scoring/domain.js';

/** Bumped whenever the generated shape changes: a stored data set with another version is rebuilt. */
export const DATASET_VERSION = 4;
export const BENCH_PASSWORD = 'Bench#Passw0rd-2026';

/** A database to run generated SQL on: node-postgres or PGlite behind the same two calls. */
export interface SqlRunner {
  exec(text: string): Promise<void>;
  rows<T>(text: string): Promise<T[]>;
}

export interface DatasetSize {
  items: number;
  /** The backlog of recent items the workflow operations consume. */
  recent: number;
}

export function datasetSize(items: number): DatasetSize {
  const recent = Math.min(Math.floor(items / 2), Math.max(5_000, Math.floor(items * 0.1)));
  return { items, recent };
}

export interface BuiltMarker {
  items: number;
  version: number;
  built_at: string;
}

/** The marker a built data set carries, or null when the database holds none (or another shape). */
export async function readMarker(db: SqlRunner): Promise<BuiltMarker | null> {
  const [t] = await db.rows<{ ok: boolean }>(`select to_regclass('public.bench_meta') is not null as ok`);
  if (!t?.ok) return null;
  const [m] = await db.rows<BuiltMarker>(`select items, version, built_at::text from bench_meta limit 1`);
  return m ?? null;
}

/** Builds the data set into a migrated, empty database; `log` gets one line per phase with its time. */
export async function buildDataset(
  db: SqlRunner,
  size: DatasetSize,
  passwordHash: string,
  log: (line: string) => void,
): Promise<void> {
  const N = size.items;
  const R = size.recent;
  const hash = passwordHash.replace(/'/g, "''");
  const rules = JSON.stringify(DEFAULT_RULES).replace(/'/g, "''");
  const phase = async (label: string, text: string) => {
    const t = performance.now();
    await db.exec(text);
    log(`  ${label.padEnd(58)} ${((performance.now() - t) / 1000).toFixed(1).padStart(7)} s`);
  };

  await phase(
    'tree: 115 hubs, 2,100 units, 5,005 users, periodicals, rules',
    `
    select setseed(0.42);
    create table b_meta as select now() as t_end;
    create table b_hub (h int primary key, id uuid not null, level text not null, parent_h int, name text not null);
    insert into b_hub values (1, gen_random_uuid(), 'province', null, '省政府办公厅');
    insert into b_hub select 1 + n, gen_random_uuid(), 'city', 1, '市' || n || '政府办公室' from generate_series(1, 14) n;
    insert into b_hub select 15 + n, gen_random_uuid(), 'county', 2 + n % 14, '县' || n || '政府办公室'
      from generate_series(1, 100) n;
    create table b_unit as select n, gen_random_uuid() as id, 16 + n % 100 as county_h,
      gen_random_uuid() as writer, gen_random_uuid() as signer from generate_series(1, 2000) n;
    create table b_dept as select n, gen_random_uuid() as id, gen_random_uuid() as writer, gen_random_uuid() as signer
      from generate_series(1, 100) n;
    create table b_staff as select b.h, k, gen_random_uuid() as id,
      case when k in (5, 6) then 'chief_editor' when k = 7 then 'leader' else 'editor' end as role
      from b_hub b, generate_series(1, 7) k;
    create table b_per as select h, gen_random_uuid() as id, name from b_hub;
    analyze b_hub; analyze b_unit; analyze b_dept; analyze b_staff; analyze b_per;

    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      select id, name, name, 'general_office', level, null, true from b_hub where h = 1;
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      select b.id, b.name, b.name, 'general_office', b.level, p.id, true from b_hub b join b_hub p on p.h = b.parent_h
      where b.level = 'city';
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      select b.id, b.name, b.name, 'general_office', b.level, p.id, true from b_hub b join b_hub p on p.h = b.parent_h
      where b.level = 'county';
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub, sort_order)
      select u.id, '单位' || u.n, '单位' || u.n, case when u.n % 3 = 0 then 'department' else 'township' end,
        'township', k.id, false, u.n from b_unit u join b_hub k on k.h = u.county_h;
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub, sort_order)
      select d.id, '厅局' || d.n, '厅局' || d.n, 'department', 'province', p.id, false, d.n
      from b_dept d join b_hub p on p.h = 1;

    insert into users (id, username, display_name, password_hash, password_changed_at)
      select writer, 'w' || n, '信息员' || n, '${hash}', now() from b_unit
      union all select signer, 's' || n, '审签人' || n, '${hash}', now() from b_unit
      union all select writer, 'dw' || n, '厅局信息员' || n, '${hash}', now() from b_dept
      union all select signer, 'ds' || n, '厅局审签人' || n, '${hash}', now() from b_dept
      union all select id, 'e' || h || '_' || k, '编辑' || h || '-' || k, '${hash}', now() from b_staff;
    insert into memberships (user_id, org_id, role, confirmed_at)
      select u, o, r, now() from (
        select writer as u, id as o, 'writer' as r from b_unit
        union all select signer, id, 'reviewer' from b_unit
        union all select signer, id, 'signer' from b_unit
        union all select writer, id, 'writer' from b_dept
        union all select signer, id, 'reviewer' from b_dept
        union all select signer, id, 'signer' from b_dept
        union all select s.id, b.id, s.role from b_staff s join b_hub b on b.h = s.h
      ) g;

    insert into periodicals (id, hub_id, name, kind, publisher_name, default_lines)
      select p.id, b.id, b.name || '信息', 'regular', b.name,
        '{"bao": ["上级政府办公厅"], "song": ["本级政府领导"], "fa": ["各下级单位"]}'::jsonb
      from b_per p join b_hub b on b.h = p.h;
    insert into scoring_rule_sets (hub_id, rules, version, updated_at)
      select b.id, jsonb_set('${rules}'::jsonb, '{periodicals}',
        jsonb_build_array(jsonb_build_object('periodicalId', p.id, 'single', 4, 'combined', 2))), 1, now()
      from b_hub b join b_per p on p.h = b.h;
    `,
  );

  await phase(
    `items: ${N.toLocaleString('en')} with versions (recent backlog ${R.toLocaleString('en')})`,
    `
    select setseed(0.43);
    create table b_item as
      select n, gen_random_uuid() as id, gen_random_uuid() as version_id,
        gen_random_uuid() as hop1, gen_random_uuid() as hop2, gen_random_uuid() as hop3,
        (n % 20 = 7) as dept, 1 + (n::bigint * 7919) % 2000 as unit_n, 1 + (n::bigint * 31) % 100 as dept_n,
        (select t_end from b_meta) - interval '365 days' + ((n - random()) / ${N}) * interval '365 days' as at,
        n > ${N - R} as recent, floor(random() * 20)::int as bucket,
        random() as r1, random() as r2, random() as r3, random() as r4, random() as r5
      from generate_series(1, ${N}) n;
    create table b_chain as
      select c.*,
        case when not c.recent then 'submitted' when c.bucket in (15, 16, 17) then 'draft'
          when c.bucket = 18 then 'in_review' when c.bucket = 19 then 'awaiting_signoff'
          when c.bucket = 12 then 'revising' when c.bucket = 14 then 'withdrawn' else 'submitted' end as item_state,
        (c.recent and c.bucket >= 15) as no_hop,
        case when c.recent then
            case when c.bucket < 8 then 'pending' when c.bucket < 12 then 'received' when c.bucket = 12 then 'returned'
              when c.bucket = 13 then 'rejected' else 'withdrawn' end
          when c.to_city or c.adopt1 then 'handled' when c.r2 > 0.9 then 'rejected' else 'archived' end as hop1_state
      from (
        select i.*, coalesce(u.id, d.id) as origin, coalesce(u.writer, d.writer) as author,
          coalesce(u.signer, d.signer) as signer,
          case when i.dept then 1 else u.county_h end as h1, k.parent_h as city_h,
          (not i.recent and not i.dept and i.r1 < 0.3) as to_city,
          (not i.recent and not i.dept and i.r1 < 0.3 and i.r2 < 0.33) as to_prov,
          (not i.recent and i.r3 < case when i.dept then 0.3 else 0.2 end) as adopt1,
          (not i.recent and not i.dept and i.r1 < 0.3 and i.r4 < 0.35) as adopt2,
          (not i.recent and not i.dept and i.r1 < 0.3 and i.r2 < 0.33 and i.r5 < 0.3) as adopt3
        from b_item i
        left join b_unit u on not i.dept and u.n = i.unit_n
        left join b_dept d on i.dept and d.n = i.dept_n
        left join b_hub k on k.h = u.county_h
      ) c;
    drop table b_item;
    analyze b_chain;
    insert into items (id, org_id, author_id, state, current_version_no, title, category, urgency, disclosure,
        created_at, updated_at, submitted_at)
      select id, origin, author, item_state, 1, '第' || n || '号：' || (array['某县推进政务公开标准化建设',
          '全市安全生产专项整治取得阶段成效', '关于基层治理中几个突出问题的调查', '乡村振兴重点项目进展情况',
          '营商环境优化工作经验做法'])[1 + n % 5],
        (array['dynamic', 'experience', 'problem', 'suggestion', 'research', 'leader_activity', 'meeting',
          'emergency', 'other'])[1 + n % 9],
        case when r4 < 0.9 then 'normal' when r4 < 0.98 then 'urgent' else 'very_urgent' end,
        case when r5 < 0.7 then 'internal' else 'public' end,
        at, at + interval '2 hours', case when no_hop then null else at + interval '2 hours' end
      from b_chain;
    insert into item_versions (id, item_id, no, title, body_html, body_text, org_id, created_by, created_at)
      select version_id, id, 1, '第' || n || '号信息',
        '<p>' || repeat('近日，某县召开专题会议，部署推进政务信息报送工作，要求各单位提高报送质量。', 4) || '</p>',
        repeat('近日，某县召开专题会议，部署推进政务信息报送工作，要求各单位提高报送质量。', 4),
        origin, author, at from b_chain;
    `,
  );

  await phase(
    'hops: county, city and province chains',
    `
    insert into hops (id, item_id, parent_hop_id, root_hop_id, from_org_id, to_org_id, version_id, state, urgency,
        last_reason, submitted_at, received_at, updated_at)
      select c.hop1, c.id, null, c.hop1, c.origin, h.id, c.version_id, c.hop1_state, 'normal',
        case when c.hop1_state in ('returned', 'rejected') then '请补充具体数据后再报' end,
        c.at + interval '2 hours',
        case when c.hop1_state not in ('pending', 'withdrawn') then c.at + interval '5 hours' end,
        c.at + interval '6 hours'
      from b_chain c join b_hub h on h.h = c.h1 where not c.no_hop;
    insert into hops (id, item_id, parent_hop_id, root_hop_id, from_org_id, to_org_id, version_id, state, urgency,
        submitted_at, received_at, updated_at)
      select c.hop2, c.id, c.hop1, c.hop1, k.id, m.id, c.version_id,
        case when c.to_prov or c.adopt2 then 'handled' else 'archived' end, 'normal',
        c.at + interval '1 day', c.at + interval '26 hours', c.at + interval '27 hours'
      from b_chain c join b_hub k on k.h = c.h1 join b_hub m on m.h = c.city_h where c.to_city;
    insert into hops (id, item_id, parent_hop_id, root_hop_id, from_org_id, to_org_id, version_id, state, urgency,
        submitted_at, received_at, updated_at)
      select c.hop3, c.id, c.hop2, c.hop1, m.id, p.id, c.version_id,
        case when c.adopt3 then 'handled' else 'archived' end, 'normal',
        c.at + interval '2 days', c.at + interval '50 hours', c.at + interval '51 hours'
      from b_chain c join b_hub m on m.h = c.city_h join b_hub p on p.h = 1 where c.to_prov;
    analyze hops; analyze items; analyze item_versions;
    `,
  );

  await phase(
    'adoptions and ledger',
    `
    select setseed(0.44);
    create table b_adoption as
      select gen_random_uuid() as id, c.id as item_id, c.hop1 as hop_id, c.h1 as hub_h, c.version_id, c.origin,
        c.at + interval '12 hours' as adopted_at, case when c.dept then 'province' else 'county' end as level,
        case when c.dept then null else c.h1 end as county_h, c.city_h
        from b_chain c where c.adopt1
      union all
      select gen_random_uuid(), c.id, c.hop2, c.city_h, c.version_id, c.origin, c.at + interval '36 hours', 'city',
        c.h1, c.city_h from b_chain c where c.adopt2
      union all
      select gen_random_uuid(), c.id, c.hop3, 1, c.version_id, c.origin, c.at + interval '60 hours', 'province',
        c.h1, c.city_h from b_chain c where c.adopt3;
    analyze b_adoption;
    insert into adoptions (id, hop_id, item_id, hub_id, periodical_id, version_id, title, type, adopted_by, adopted_at)
      select a.id, a.hop_id, a.item_id, h.id, p.id, a.version_id, (select v.title from item_versions v where v.id = a.version_id),
        case when random() < 0.8 then 'single' else 'combined' end, s.id, a.adopted_at
      from b_adoption a join b_hub h on h.h = a.hub_h join b_per p on p.h = a.hub_h
      join b_staff s on s.h = a.hub_h and s.k = 1;
    -- The ledgers as the rules write them: the county credits its unit, the city the county that
    -- forwarded, the province the city that forwarded (or its own department).
    insert into score_entries (id, hub_id, org_id, kind, occurred_at, points, cause_id, item_id, explanation,
        manual, created_at)
      select gen_random_uuid(), k.id, a.origin, 'adoption', a.adopted_at,
        case a.level when 'county' then 4 when 'city' then 3 else 4 end, a.id, a.item_id, '采用（基准数据）', false,
        a.adopted_at
        from b_adoption a join b_hub k on k.h = a.county_h where a.county_h is not null
      union all
      select gen_random_uuid(), m.id, k.id, 'adoption', a.adopted_at, case a.level when 'city' then 4 else 8 end,
        a.id, a.item_id, '采用（基准数据）', false, a.adopted_at
        from b_adoption a join b_hub m on m.h = a.city_h join b_hub k on k.h = a.county_h
        where a.level in ('city', 'province') and a.city_h is not null
      union all
      select gen_random_uuid(), p.id, coalesce(m.id, a.origin), 'adoption', a.adopted_at, 4, a.id, a.item_id,
        '采用（基准数据）', false, a.adopted_at
        from b_adoption a join b_hub p on p.h = 1 left join b_hub m on m.h = a.city_h where a.level = 'province';
    `,
  );

  await phase(
    'issues: adoptions older than two weeks, five to an issue',
    `
    create table b_ia as
      select a.id as adoption_id, a.periodical_id, a.adopted_at, a.version_id, a.hop_id, a.type,
        gen_random_uuid() as entry_id,
        row_number() over (partition by a.periodical_id order by a.adopted_at, a.id) - 1 as rn
      from adoptions a where a.adopted_at < (select t_end from b_meta) - interval '14 days';
    analyze b_ia;
    create table b_issue as
      select g.*, extract(year from (g.issued_at at time zone 'UTC') + interval '8 hours')::int as year
      from (select periodical_id, rn / 5 as k, gen_random_uuid() as id, max(adopted_at) + interval '1 day' as issued_at
        from b_ia group by periodical_id, rn / 5) g;
    analyze b_issue;
    insert into periodical_issues (id, periodical_id, state, year, year_no, total_no, issue_date, lines, copies,
        created_by, signed_by, signed_at, issued_by, issued_at, created_at, updated_at)
      select i.id, i.periodical_id, 'issued', i.year,
        row_number() over (partition by i.periodical_id, i.year order by i.k), i.k + 1,
        to_char((i.issued_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD'),
        '{"bao": ["上级政府办公厅"], "song": ["本级政府领导"], "fa": ["各下级单位"]}'::jsonb, 120,
        e.id, c.id, i.issued_at, c.id, i.issued_at, i.issued_at, i.issued_at
      from b_issue i join b_per p on p.id = i.periodical_id
      join b_staff e on e.h = p.h and e.k = 1 join b_staff c on c.h = p.h and c.k = 5;
    insert into issue_entries (id, issue_id, position, title, body_html, source_line, combined, created_at)
      select a.entry_id, i.id, a.rn % 5 + 1, v.title, v.body_html, '（' || o.name || '报送）', a.type = 'combined',
        i.issued_at
      from b_ia a join b_issue i on i.periodical_id = a.periodical_id and i.k = a.rn / 5
      join item_versions v on v.id = a.version_id join hops h on h.id = a.hop_id join orgs o on o.id = h.from_org_id;
    insert into issue_entry_sources (entry_id, adoption_id) select entry_id, adoption_id from b_ia;
    `,
  );

  await phase(
    'timeline: item_events',
    `
    insert into item_events (item_id, hop_id, actor_id, actor_org_id, action, from_state, to_state, created_at)
      select id, null::uuid, author, origin, 'create', null, 'draft', at from b_chain
      union all
      select id, null, signer, origin, 'approve', 'in_review', 'awaiting_signoff', at + interval '1 hour'
        from b_chain where item_state <> 'draft' and item_state <> 'in_review'
      union all
      select id, null, signer, origin, 'sign', 'awaiting_signoff', 'submitted', at + interval '2 hours'
        from b_chain where not no_hop;
    insert into item_events (item_id, hop_id, actor_id, actor_org_id, action, from_state, to_state, created_at)
      select h.item_id, h.id, coalesce(s.id, c.author), h.from_org_id, 'hop_submit', null, 'pending', h.submitted_at
        from hops h join b_chain c on c.id = h.item_id left join b_hub f on f.id = h.from_org_id
        left join b_staff s on s.h = f.h and s.k = 1
      union all
      select h.item_id, h.id, s.id, h.to_org_id, 'hop_receive', 'pending', 'received', h.received_at
        from hops h join b_hub t on t.id = h.to_org_id join b_staff s on s.h = t.h and s.k = 1
        where h.received_at is not null
      union all
      select h.item_id, h.id, coalesce(s.id, c.author), case when h.state = 'withdrawn' then h.from_org_id else h.to_org_id end,
        'hop_' || case h.state when 'handled' then
            case when fw.parent_hop_id is not null then 'forward' else 'adopt' end
          when 'archived' then 'archive' when 'rejected' then 'reject' when 'returned' then 'return' else 'withdraw' end,
        case when h.state = 'withdrawn' then 'pending' else 'received' end, h.state, h.updated_at
        from hops h join b_chain c on c.id = h.item_id join b_hub t on t.id = h.to_org_id
        left join b_staff s on s.h = t.h and s.k = 1 and h.state <> 'withdrawn'
        left join (select distinct parent_hop_id from hops where parent_hop_id is not null) fw on fw.parent_hop_id = h.id
        where h.state not in ('pending', 'received');
    `,
  );

  await phase(
    'marker, clean-up',
    `
    create table bench_meta (items int not null, version int not null, built_at timestamptz not null);
    insert into bench_meta select ${N}, ${DATASET_VERSION}, t_end from b_meta;
    drop table b_chain; drop table b_adoption; drop table b_ia; drop table b_issue; drop table b_meta;
    `,
  );
  await phase('vacuum analyze', 'vacuum analyze');
}

/**
 * What a run needs before each measurement: accounts fresh (password not expired, not locked or disabled by
 * the inactivity rule), no leftover sessions or login attempts.
 */
export async function refreshAccounts(db: SqlRunner): Promise<void> {
  await db.exec(`
    update users set password_changed_at = now(), failed_logins = 0, locked_until = null, disabled = false,
      must_change_password = false, last_login_at = now();
    delete from sessions; delete from login_throttle;
  `);
}
