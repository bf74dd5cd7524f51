/**
 * Ranking benchmark at province scale (DESIGN.md §10): builds a synthetic province in a fresh database on
 * the PostgreSQL of TEST_DATABASE_URL — 1 province hub, 14 cities, 100 counties, 2,000 reporting units and
 * 100 provincial departments, 300,000 items over a year with their hops, adoptions and ledger — then times
 * the ranking query (sql/unit-stats.sql) and a full ledger recompute. Prints figures; asserts nothing.
 *
 *   TEST_DATABASE_URL=postgres://root@127.0.0.1:5432/test npx tsx scripts/bench-rankings.ts [items]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, queryRows } from '../src/server/db/client.js';
import { migrate } from '../src/server/db/migrate.js';
import { DEFAULT_RULES } from '../src/server/modules/scoring/domain.js';
import {
  bucketRanges,
  periodBuckets,
  resolvePeriod,
  type Period,
} from '../src/server/modules/scoring/periods.js';
import { evaluatedUnitIds } from '../src/server/modules/scoring/repo.js';
import { namedQuery } from '../src/server/modules/scoring/sql.js';
import { recomputeHub } from '../src/server/modules/scoring/use-cases/recompute.js';
import { unitStats } from '../src/server/modules/scoring/use-cases/stats.js';

const base = process.env.TEST_DATABASE_URL;
if (!base) {
  console.error('TEST_DATABASE_URL is required (a PostgreSQL server where a database can be created).');
  process.exit(1);
}
const ITEMS = Number(process.argv[2] ?? 300_000);
const name = `zx_bench_${randomBytes(4).toString('hex')}`;

async function admin(text: string) {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  await c.query(text);
  await c.end();
}

const t0 = performance.now();
const lap = (label: string, since: number) =>
  console.log(`${label.padEnd(48)} ${(performance.now() - since).toFixed(0).padStart(8)} ms`);

await admin(`create database ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
const database = await openDatabase({ url: url.toString(), dataDir: '' });
try {
  await migrate(database);
  const db = database.db;
  const P = randomUUID();
  let s = performance.now();
  // The tree, the people and one periodical per hub.
  await database.exec(`
    select setseed(0.42);
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      values ('${P}', '省政府办公厅', '省政府办公厅', 'general_office', 'province', null, true);
    create table b_city as select n, gen_random_uuid() as id from generate_series(1, 14) n;
    create table b_county as select n, gen_random_uuid() as id, 1 + n % 14 as city from generate_series(1, 100) n;
    create table b_unit as select n, gen_random_uuid() as id, 1 + n % 100 as county, gen_random_uuid() as author
      from generate_series(1, 2000) n;
    create table b_dept as select n, gen_random_uuid() as id, gen_random_uuid() as author from generate_series(1, 100) n;
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      select id, '市' || n, '市' || n, 'general_office', 'city', '${P}', true from b_city;
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      select k.id, '县' || k.n, '县' || k.n, 'general_office', 'county', c.id, true from b_county k join b_city c on c.n = k.city;
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      select u.id, '单位' || u.n, '单位' || u.n, case when u.n % 3 = 0 then 'department' else 'township' end,
        'township', k.id, false from b_unit u join b_county k on k.n = u.county;
    insert into orgs (id, name, short_name, kind, level, parent_id, is_hub)
      select id, '厅局' || n, '厅局' || n, 'department', 'province', '${P}', false from b_dept;
    insert into users (id, username, display_name, password_hash)
      select author, 'u' || n, '信息员' || n, 'x' from b_unit union all select author, 'd' || n, '厅局信息员' || n, 'x' from b_dept;
    insert into periodicals (id, hub_id, name, kind) select gen_random_uuid(), id, name || '政务信息', 'regular'
      from orgs where is_hub;
    analyze;
  `);
  lap('tree: 1+14+100 hubs, 2,100 units', s);

  s = performance.now();
  // Items of units (95%) and provincial departments (5%) over 2026 (Beijing time), with their chains.
  await database.exec(`
    select setseed(0.43);
    create table b_item as
      select n, gen_random_uuid() as id, gen_random_uuid() as version_id,
        gen_random_uuid() as hop1, gen_random_uuid() as hop2, gen_random_uuid() as hop3,
        (n % 20 = 0) as dept, 1 + (n::bigint * 7919) % 2000 as unit_n, 1 + n % 100 as dept_n,
        timestamptz '2025-12-31 16:00:00+00' + random() * interval '364 days' as at,
        random() as r1, random() as r2, random() as r3, random() as r4, random() as r5
      from generate_series(1, ${ITEMS}) n;
    create table b_chain as
      select i.*, coalesce(u.id, d.id) as origin, coalesce(u.author, d.author) as author,
        k.id as county_id, c.id as city_id,
        (not i.dept and i.r1 < 0.3) as to_city, (not i.dept and i.r1 < 0.3 and i.r2 < 0.33) as to_prov
      from b_item i
      left join b_unit u on not i.dept and u.n = i.unit_n
      left join b_dept d on i.dept and d.n = i.dept_n
      left join b_county k on k.n = u.county
      left join b_city c on c.n = k.city;
    insert into items (id, org_id, author_id, state, current_version_no, title, category, urgency, disclosure, created_at, updated_at, submitted_at)
      select id, origin, author, 'submitted', 1, '信息' || n, 'dynamic', 'normal', 'internal', at, at, at from b_chain;
    insert into item_versions (id, item_id, no, title, body_html, body_text, org_id, created_by, created_at)
      select version_id, id, 1, '信息' || n, '<p>正文</p>', '正文', origin, author, at from b_chain;
    insert into hops (id, item_id, parent_hop_id, root_hop_id, from_org_id, to_org_id, version_id, state, urgency, submitted_at, updated_at)
      select hop1, id, null, hop1, origin, case when dept then '${P}'::uuid else county_id end, version_id,
        case when to_city then 'handled' else 'archived' end, 'normal', at, at from b_chain;
    insert into hops (id, item_id, parent_hop_id, root_hop_id, from_org_id, to_org_id, version_id, state, urgency, submitted_at, updated_at)
      select hop2, id, hop1, hop1, county_id, city_id, version_id, case when to_prov then 'handled' else 'archived' end,
        'normal', at + interval '1 day', at + interval '1 day' from b_chain where to_city;
    insert into hops (id, item_id, parent_hop_id, root_hop_id, from_org_id, to_org_id, version_id, state, urgency, submitted_at, updated_at)
      select hop3, id, hop2, hop1, city_id, '${P}', version_id, 'handled', 'normal', at + interval '2 days', at + interval '2 days'
      from b_chain where to_prov;
    create table b_adoption as
      select gen_random_uuid() as id, c.id as item_id, c.hop1 as hop_id, c.county_id as hub_id, c.version_id, c.author,
        c.at + interval '12 hours' as adopted_at, c.origin, 'county' as level, c.county_id, c.city_id
        from b_chain c where not c.dept and c.r3 < 0.2
      union all
      select gen_random_uuid(), c.id, c.hop2, c.city_id, c.version_id, c.author, c.at + interval '36 hours', c.origin, 'city', c.county_id, c.city_id
        from b_chain c where c.to_city and c.r4 < 0.35
      union all
      select gen_random_uuid(), c.id, c.hop3, '${P}'::uuid, c.version_id, c.author, c.at + interval '60 hours', c.origin, 'province', c.county_id, c.city_id
        from b_chain c where c.to_prov and c.r5 < 0.3
      union all
      select gen_random_uuid(), c.id, c.hop1, '${P}'::uuid, c.version_id, c.author, c.at + interval '12 hours', c.origin, 'province', null, null
        from b_chain c where c.dept and c.r3 < 0.3;
    insert into adoptions (id, hop_id, item_id, hub_id, periodical_id, version_id, title, type, adopted_by, adopted_at)
      select a.id, a.hop_id, a.item_id, a.hub_id, p.id, a.version_id, (select v.title from item_versions v where v.id = a.version_id), case when random() < 0.8 then 'single' else 'combined' end,
        a.author, a.adopted_at from b_adoption a join periodicals p on p.hub_id = a.hub_id;
    -- The ledgers as the rules would write them: the county credits its unit, the city the county that
    -- forwarded, the province the city that forwarded (or its own department).
    insert into score_entries (id, hub_id, org_id, kind, occurred_at, points, cause_id, item_id, explanation, manual, created_at)
      select gen_random_uuid(), county_id, origin, 'adoption', adopted_at, case level when 'county' then 1 when 'city' then 3 else 4 end,
        id, item_id, 'bench', false, adopted_at from b_adoption where county_id is not null
      union all
      select gen_random_uuid(), city_id, county_id, 'adoption', adopted_at, case level when 'city' then 1 else 4 end,
        id, item_id, 'bench', false, adopted_at from b_adoption where level in ('city', 'province') and city_id is not null
      union all
      select gen_random_uuid(), '${P}', coalesce(city_id, origin), 'adoption', adopted_at, 4, id, item_id, 'bench', false, adopted_at
        from b_adoption where level = 'province';
    analyze;
  `);
  lap(`data: ${ITEMS.toLocaleString()} items with hops, adoptions, ledger`, s);
  const counts = await queryRows<Record<string, string>>(
    db,
    sql`select (select count(*) from hops) as hops, (select count(*) from adoptions) as adoptions, (select count(*) from score_entries) as ledger`,
  );
  console.log('rows:', counts[0]);

  const [city] = await queryRows<{ id: string }>(db, sql`select id from b_city where n = 1`);
  const [countyRow] = await queryRows<{ id: string }>(db, sql`select id from b_county where n = 1`);
  const year = resolvePeriod({ kind: 'year', year: 2026 })!;
  const month = resolvePeriod({ kind: 'month', year: 2026, month: 10 })!;
  const rules = { ...DEFAULT_RULES };

  const time = async (label: string, hubId: string, period: Period) => {
    const runs: number[] = [];
    let n = 0;
    for (let i = 0; i < 5; i++) {
      const st = performance.now();
      n = (await unitStats(db, hubId, rules, period)).length;
      runs.push(performance.now() - st);
    }
    runs.sort((a, b) => a - b);
    console.log(`${label.padEnd(48)} ${runs[2]!.toFixed(1).padStart(8)} ms median of 5 (${n} units ranked)`);
  };
  console.log('\nranking (sql/unit-figures.sql and ranking.ts, through unitStats):');
  await time('province hub, year (14 cities + 100 departments)', P, year);
  await time('province hub, month', P, month);
  await time('city hub, year (~7 counties)', city!.id, year);
  await time('county hub, year (20 units)', countyRow!.id, year);
  await time('county hub, month', countyRow!.id, month);

  const plan = await queryRows<{ 'QUERY PLAN': string }>(
    db,
    sql`explain (analyze, buffers) ${namedQuery('unit-figures', {
      hubId: P,
      bucketRanges: JSON.stringify(bucketRanges(periodBuckets(year))),
      unitIds: JSON.stringify([...(await evaluatedUnitIds(db, P))]),
      start: year.start.toISOString(),
      end: year.end.toISOString(),
      isYear: true,
      zeroAt: 2,
    })}`,
  );
  console.log('\nEXPLAIN ANALYZE, province year — last lines:');
  for (const l of plan.slice(-2)) console.log('  ' + l['QUERY PLAN']);

  if (process.env.BENCH_PLAN) {
    const county = await queryRows<{ 'QUERY PLAN': string }>(
      db,
      sql`explain (analyze) ${namedQuery('unit-figures', { bucketRanges: JSON.stringify(bucketRanges(periodBuckets(year))), hubId: process.env.BENCH_PLAN === 'P' ? P : countyRow!.id, unitIds: JSON.stringify([...(await evaluatedUnitIds(db, process.env.BENCH_PLAN === 'P' ? P : countyRow!.id))]), start: year.start.toISOString(), end: year.end.toISOString(), isYear: true, zeroAt: 2 })}`,
    );
    for (const l of county) console.log(l['QUERY PLAN']);
  }

  // A full recompute of the province's ledger with real rules (writes the difference; again: nothing).
  const [pp] = await queryRows<{ id: string }>(db, sql`select id from periodicals where hub_id = ${P}`);
  await db.execute(
    sql`insert into scoring_rule_sets (hub_id, rules, version, updated_at) values (${P}, ${JSON.stringify({ ...DEFAULT_RULES, periodicals: [{ periodicalId: pp!.id, single: 4, combined: 2 }] })}::jsonb, 1, now())`,
  );
  const ctx = {
    actor: { userId: randomUUID(), username: 'bench', displayName: 'bench', memberships: [] },
    now: new Date(),
    ip: null,
    requestId: null,
  };
  for (const pass of ['first', 'second (idempotent)']) {
    s = performance.now();
    const changed = await db.transaction((tx) => recomputeHub({ ...ctx, tx }, P));
    lap(`recompute province ledger, ${pass}`, s);
    console.log('  ', changed);
  }
  lap('\ntotal', t0);
} finally {
  await database.close();
  await admin(`drop database if exists ${name} with (force)`);
}
