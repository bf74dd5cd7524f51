-- 排名: per unit a hub evaluates, over [:start, :end):
--   submitted_<level>  distinct items of hops SENT BY the unit (for a hub unit: its own items and the ones it
--                      forwarded) submitted in the period to an org of that level; withdrawn hops excluded
--   submitted          distinct items over all levels
--   adopted            distinct items with an adoption row of this hub's ledger in the period
--   adoptions          adoption rows (篇次: one item adopted by two counted periodicals counts twice)
--   by_periodical      the same, per counted periodical id
--   adopted_of_submitted  items submitted in the period (above) adopted at any time (ledger): the numerator
--                      of the adoption rate
--   instructions       instruction rows of the ledger in the period
--   points             ledger sum in the period; for a whole year 0 when missed solicitations >= :zeroAt
--   rank / tied        standard competition ranking by points at 2 decimals; tied when the rank is shared
-- The ledger-and-hops original of unit-stats.sql (unitStats(…, 'ledger')), kept as the reference the
-- pre-aggregated figures must equal: the integration tests compare the two. Not used by requests.
-- :unitIds is the JSON array of evaluated-units.sql (run first, by evaluatedUnitIds()): as a parameter the
-- planner sizes it right (a recursive CTE is estimated at thousands of rows and turns every join into a
-- hash over all hops).
with evaluated as (select jsonb_array_elements_text(:unitIds::jsonb)::uuid as org_id),
-- Per unit, a range scan of hops_from_idx (from_org_id, submitted_at); `offset 0` keeps the lateral
-- subquery a per-unit index scan instead of a hash over every hop of the year (hops grow without bound).
sent as (
  select e.org_id, t.level, h.item_id
  from evaluated e
  cross join lateral (
    select h.item_id, h.to_org_id from hops h
    where h.from_org_id = e.org_id
      and h.submitted_at >= :start::timestamptz and h.submitted_at < :end::timestamptz
      and h.state <> 'withdrawn'
    offset 0
  ) h
  join orgs t on t.id = h.to_org_id
),
submitted as (
  select org_id,
    count(distinct item_id) filter (where level = 'county') as submitted_county,
    count(distinct item_id) filter (where level = 'city') as submitted_city,
    count(distinct item_id) filter (where level = 'province') as submitted_province,
    count(distinct item_id) filter (where level = 'national') as submitted_national,
    count(distinct item_id) as submitted
  from sent group by org_id
),
ledger as (
  select e.org_id, e.kind, e.item_id, e.points, e.detail ->> 'periodicalId' as periodical_id
  from score_entries e
  where e.hub_id = :hubId::uuid
    and e.occurred_at >= :start::timestamptz and e.occurred_at < :end::timestamptz
),
sums as (
  select org_id,
    count(distinct item_id) filter (where kind = 'adoption') as adopted,
    count(*) filter (where kind = 'adoption') as adoptions,
    count(*) filter (where kind = 'instruction') as instructions,
    count(*) filter (where kind = 'missed_solicitation') as missed_solicitations,
    sum(points) as points
  from ledger group by org_id
),
per_periodical as (
  select org_id, jsonb_object_agg(periodical_id, n) as by_periodical
  from (
    select org_id, periodical_id, count(distinct item_id) as n
    from ledger where kind = 'adoption' and periodical_id is not null
    group by org_id, periodical_id
  ) x
  group by org_id
),
cohort as (
  select s.org_id, count(distinct s.item_id) as adopted_of_submitted
  from sent s
  where exists (
    select 1 from score_entries e
    where e.hub_id = :hubId::uuid and e.org_id = s.org_id and e.item_id = s.item_id
      and e.kind = 'adoption' and e.manual = false
  )
  group by s.org_id
),
totals as (
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
),
scored as (
  select t.*, case when t.zeroed then 0 else round(t.ledger_points, 4) end as points from totals t
)
select
  scored.*,
  (rank() over (order by round(scored.points, 2) desc))::int as rank,
  (count(*) over (partition by round(scored.points, 2)) > 1) as tied
from scored
order by rank, adopted desc, submitted desc, sort_order, org_id
