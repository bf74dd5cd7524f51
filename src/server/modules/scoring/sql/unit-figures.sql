-- A hub's units' figures over [:start, :end) (ranked afterwards by ranking.ts), for the units :unitIds names:
-- every unit it evaluates (evaluated-unit-ids.sql, run first by evaluatedUnitIds()), or the few a change
-- named since their figures were kept (use-cases/figures-cache.ts). Per unit:
--   submitted_<level>  distinct items of hops SENT BY the unit (for a hub unit: its own items and the ones it
--                      forwarded) submitted in the period to an org of that level; withdrawn hops excluded
--   submitted          distinct items over all levels
--   adopted            distinct items with an adoption row of this hub's ledger in the period
--   adoptions          adoption rows (篇次: one item adopted by two counted periodicals counts twice)
--   by_periodical      the same, per counted periodical id
--   adopted_of_submitted  items submitted in the period (above) adopted at any time (ledger): the numerator
--                      of the adoption rate
--   instructions       instruction rows of the ledger in the period
--   ledger_points      ledger sum in the period
--   zeroed             a whole year with missed solicitations >= :zeroAt (its points count 0)
-- Read from the aggregates (drizzle/0011_scoring_aggregates.sql and 0022, kept by triggers in the writing
-- transaction): yearly buckets for the whole years, monthly ones for the whole months beside them, daily
-- ones for the edges (periods.periodBuckets, passed as :bucketRanges). Sums and row counts add up; a
-- distinct count is the row count minus the excess of the (unit, item) pairs with more than one row, few,
-- found by the counters' partial indexes and counted from the ledger and hops themselves. The same
-- figures, ranked, from the ledger and hops alone: unit-stats-source.sql (the consistency tests compare them).
-- Every step is `materialized`: each is small (a row per unit, or per unit and periodical), and planned
-- apart they cost less to plan than the one join tree inlining makes of them: on the 1M-item province a
-- year's ranking planned in 5.5 ms and ran in 4.8, now 2.4 and 3.0; a month's ran in 12.5, now 7.
with evaluated as materialized (select jsonb_array_elements_text(:unitIds::jsonb)::uuid as org_id),
-- The period's non-empty bucket ranges, [grain, from, to) (periods.bucketRanges): a year is one, a month
-- one, a ragged custom range at most five. Every bucket table is read range by range, one index range on
-- the leading columns of its key each.
bucket_ranges as materialized (
  select k ->> 0 as grain, (k ->> 1)::date as from_day, (k ->> 2)::date as to_day
  from jsonb_array_elements(:bucketRanges::jsonb) k
),
ledger_buckets as materialized (
  select b.org_id, b.kind, b.periodical_id, b.points, b.entries, b.items
  from bucket_ranges k
  cross join lateral (
    select b.* from scoring_ledger_buckets b
    where b.hub_id = :hubId::uuid and b.grain = k.grain and b.bucket >= k.from_day and b.bucket < k.to_day
    offset 0
  ) b
  where b.org_id in (select org_id from evaluated)
),
-- Adoption rows of (unit, item) pairs holding more than one: the excess over distinct items. The pairs
-- come first, from the counters' partial index (few), then their rows by key: whatever the parameters,
-- the plan starts from the few pairs (the prepared statement's generic plan had scanned a year's ledger).
ledger_multi_items as materialized (
  select li.org_id, li.item_id
  from scoring_ledger_items li
  where li.hub_id = :hubId::uuid and li.adoptions > 1
    and li.org_id in (select org_id from evaluated)
),
ledger_multi as materialized (
  select e.org_id, e.item_id, e.detail ->> 'periodicalId' as periodical_id
  from ledger_multi_items li
  join score_entries e on e.hub_id = :hubId::uuid and e.org_id = li.org_id and e.item_id = li.item_id
  where e.kind = 'adoption'
    and e.occurred_at >= :start::timestamptz and e.occurred_at < :end::timestamptz
),
ledger_excess as materialized (
  select org_id, count(*) - count(distinct item_id) as excess from ledger_multi group by org_id
),
periodical_excess as materialized (
  select org_id, periodical_id, count(*) - count(distinct item_id) as excess
  from ledger_multi where periodical_id is not null group by org_id, periodical_id
),
sums as materialized (
  select b.org_id,
    sum(b.items) filter (where b.kind = 'adoption') - coalesce(max(x.excess), 0) as adopted,
    sum(b.entries) filter (where b.kind = 'adoption') as adoptions,
    sum(b.entries) filter (where b.kind = 'instruction') as instructions,
    sum(b.entries) filter (where b.kind = 'missed_solicitation') as missed_solicitations,
    sum(b.points) as points
  from ledger_buckets b
  left join ledger_excess x on x.org_id = b.org_id
  group by b.org_id
),
per_periodical as materialized (
  select org_id, jsonb_object_agg(periodical_id, n) as by_periodical
  from (
    select b.org_id, b.periodical_id, sum(b.items) - coalesce(max(x.excess), 0) as n
    from ledger_buckets b
    left join periodical_excess x on x.org_id = b.org_id and x.periodical_id = b.periodical_id
    where b.kind = 'adoption' and b.periodical_id <> ''
    group by b.org_id, b.periodical_id
  ) x
  where n > 0
  group by org_id
),
-- The period's sent buckets of the evaluated units: one range of the key (from_org_id, grain, bucket,
-- level) per unit and bucket range, one for a year or a month. 2,100 units' year: 2,100 index ranges, a
-- few ms; a scan of the bucket's rows of every unit hash-joined with the units was measured no faster at
-- 2,100 units and slower for a province's 114.
sent_rows as materialized (
  select e.org_id, b.level, b.hops
  from evaluated e
  cross join bucket_ranges k
  cross join lateral (
    select b.level, b.hops from scoring_sent_buckets b
    where b.from_org_id = e.org_id and b.grain = k.grain and b.bucket >= k.from_day and b.bucket < k.to_day
    offset 0
  ) b
),
sent_buckets as materialized (
  select org_id,
    sum(hops) filter (where level = 'county') as county,
    sum(hops) filter (where level = 'city') as city,
    sum(hops) filter (where level = 'province') as province,
    sum(hops) filter (where level = 'national') as national,
    sum(hops) as total
  from sent_rows
  group by org_id
),
-- Counted hops of (unit, item) pairs sent more than once, in the period (the pairs first, likewise).
sent_multi_items as materialized (
  select si.from_org_id, si.item_id
  from scoring_sent_items si
  where si.hops > 1 and si.from_org_id in (select org_id from evaluated)
),
sent_multi as materialized (
  select h.from_org_id as org_id, h.item_id, t.level
  from sent_multi_items si
  join hops h on h.item_id = si.item_id and h.from_org_id = si.from_org_id
  join orgs t on t.id = h.to_org_id
  where h.state <> 'withdrawn'
    and h.submitted_at >= :start::timestamptz and h.submitted_at < :end::timestamptz
),
sent_excess as materialized (
  select org_id,
    count(*) filter (where level = 'county') - count(distinct item_id) filter (where level = 'county') as county,
    count(*) filter (where level = 'city') - count(distinct item_id) filter (where level = 'city') as city,
    count(*) filter (where level = 'province') - count(distinct item_id) filter (where level = 'province')
      as province,
    count(*) filter (where level = 'national') - count(distinct item_id) filter (where level = 'national')
      as national,
    count(*) - count(distinct item_id) as total
  from sent_multi group by org_id
),
submitted as materialized (
  select b.org_id,
    coalesce(b.county, 0) - coalesce(x.county, 0) as submitted_county,
    coalesce(b.city, 0) - coalesce(x.city, 0) as submitted_city,
    coalesce(b.province, 0) - coalesce(x.province, 0) as submitted_province,
    coalesce(b.national, 0) - coalesce(x.national, 0) as submitted_national,
    b.total - coalesce(x.total, 0) as submitted
  from sent_buckets b left join sent_excess x on x.org_id = b.org_id
),
cohort_buckets as materialized (
  select b.org_id, sum(b.hops) as hops
  from bucket_ranges k
  cross join lateral (
    select b.org_id, b.hops from scoring_cohort_buckets b
    where b.hub_id = :hubId::uuid and b.grain = k.grain and b.bucket >= k.from_day and b.bucket < k.to_day
    offset 0
  ) b
  where b.org_id in (select org_id from evaluated)
  group by b.org_id
),
cohort_excess as materialized (
  select m.org_id, count(*) - count(distinct m.item_id) as excess
  from sent_multi m
  where exists (
    select 1 from scoring_ledger_items li
    where li.hub_id = :hubId::uuid and li.org_id = m.org_id and li.item_id = m.item_id and li.auto_adoptions > 0
  )
  group by m.org_id
),
cohort as materialized (
  select b.org_id, b.hops - coalesce(x.excess, 0) as adopted_of_submitted
  from cohort_buckets b left join cohort_excess x on x.org_id = b.org_id
),
totals as materialized (
  select
    o.id as org_id,
    o.kind as org_kind,
    o.name as org_name,
    o.short_name as org_short_name,
    o.is_hub,
    o.sort_order,
    coalesce(sub.submitted_county, 0)::int as submitted_county,
    coalesce(sub.submitted_city, 0)::int as submitted_city,
    coalesce(sub.submitted_province, 0)::int as submitted_province,
    coalesce(sub.submitted_national, 0)::int as submitted_national,
    coalesce(sub.submitted, 0)::int as submitted,
    coalesce(s.adopted, 0)::int as adopted,
    coalesce(s.adoptions, 0)::int as adoptions,
    coalesce(c.adopted_of_submitted, 0)::int as adopted_of_submitted,
    coalesce(pp.by_periodical, '{}'::jsonb) as by_periodical,
    coalesce(s.instructions, 0)::int as instructions,
    coalesce(s.missed_solicitations, 0)::int as missed_solicitations,
    coalesce(s.points, 0)::numeric as ledger_points,
    (:isYear::boolean and :zeroAt::int > 0 and coalesce(s.missed_solicitations, 0) >= :zeroAt::int) as zeroed
  from evaluated e
  join orgs o on o.id = e.org_id
  left join submitted sub on sub.org_id = o.id
  left join sums s on s.org_id = o.id
  left join cohort c on c.org_id = o.id
  left join per_periodical pp on pp.org_id = o.id
)
select * from totals
