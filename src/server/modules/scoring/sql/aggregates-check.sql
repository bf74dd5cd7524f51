-- The consistency check of the pre-aggregated statistics: every aggregate recomputed from the ledger and
-- hops, compared with what the triggers kept. Returns the differing rows (at most 100; none when
-- consistent): which aggregate, its key, the value recomputed and the value kept. Rows whose every
-- figure is 0 are the same as absent rows.
with ledger_expected as (
  select hub_id, g.grain, g.bucket, org_id, kind, coalesce(detail ->> 'periodicalId', '') as periodical_id,
    sum(points) as points, count(*) as entries, count(item_id) as items
  from score_entries
  cross join lateral scoring_buckets(occurred_at) as g
  group by 1, 2, 3, 4, 5, 6
),
ledger_diff as (
  select 'scoring_ledger_buckets' as aggregate,
    jsonb_build_object('hubId', coalesce(x.hub_id, k.hub_id), 'grain', coalesce(x.grain, k.grain),
      'bucket', coalesce(x.bucket, k.bucket), 'orgId', coalesce(x.org_id, k.org_id), 'kind', coalesce(x.kind, k.kind),
      'periodicalId', coalesce(x.periodical_id, k.periodical_id)) as key,
    jsonb_build_object('points', x.points, 'entries', x.entries, 'items', x.items) as expected,
    jsonb_build_object('points', k.points, 'entries', k.entries, 'items', k.items) as kept
  from ledger_expected x
  full join scoring_ledger_buckets k on k.hub_id = x.hub_id and k.grain = x.grain and k.bucket = x.bucket
    and k.org_id = x.org_id and k.kind = x.kind and k.periodical_id = x.periodical_id
  where coalesce(x.points, 0) <> coalesce(k.points, 0) or coalesce(x.entries, 0) <> coalesce(k.entries, 0)
    or coalesce(x.items, 0) <> coalesce(k.items, 0)
),
items_expected as (
  select hub_id, org_id, item_id, count(*) as adoptions, count(*) filter (where not manual) as auto_adoptions
  from score_entries where kind = 'adoption' and item_id is not null group by 1, 2, 3
),
items_diff as (
  select 'scoring_ledger_items',
    jsonb_build_object('hubId', coalesce(x.hub_id, k.hub_id), 'orgId', coalesce(x.org_id, k.org_id),
      'itemId', coalesce(x.item_id, k.item_id)),
    jsonb_build_object('adoptions', x.adoptions, 'autoAdoptions', x.auto_adoptions),
    jsonb_build_object('adoptions', k.adoptions, 'autoAdoptions', k.auto_adoptions)
  from items_expected x
  full join scoring_ledger_items k on k.hub_id = x.hub_id and k.org_id = x.org_id and k.item_id = x.item_id
  where coalesce(x.adoptions, 0) <> coalesce(k.adoptions, 0)
    or coalesce(x.auto_adoptions, 0) <> coalesce(k.auto_adoptions, 0)
),
counted as (
  select h.from_org_id, h.item_id, h.submitted_at, t.level
  from hops h join orgs t on t.id = h.to_org_id where h.state <> 'withdrawn'
),
sent_expected as (
  select from_org_id, g.grain, g.bucket, level, count(*) as hops
  from counted
  cross join lateral scoring_buckets(submitted_at) as g
  group by 1, 2, 3, 4
),
sent_diff as (
  select 'scoring_sent_buckets',
    jsonb_build_object('fromOrgId', coalesce(x.from_org_id, k.from_org_id), 'grain', coalesce(x.grain, k.grain),
      'bucket', coalesce(x.bucket, k.bucket), 'level', coalesce(x.level, k.level)),
    jsonb_build_object('hops', x.hops), jsonb_build_object('hops', k.hops)
  from sent_expected x
  full join scoring_sent_buckets k on k.from_org_id = x.from_org_id and k.grain = x.grain and k.bucket = x.bucket
    and k.level = x.level
  where coalesce(x.hops, 0) <> coalesce(k.hops, 0)
),
sent_items_expected as (
  select from_org_id, item_id, count(*) as hops from counted group by 1, 2
),
sent_items_diff as (
  select 'scoring_sent_items',
    jsonb_build_object('fromOrgId', coalesce(x.from_org_id, k.from_org_id), 'itemId', coalesce(x.item_id, k.item_id)),
    jsonb_build_object('hops', x.hops), jsonb_build_object('hops', k.hops)
  from sent_items_expected x
  full join scoring_sent_items k on k.from_org_id = x.from_org_id and k.item_id = x.item_id
  where coalesce(x.hops, 0) <> coalesce(k.hops, 0)
),
cohort_expected as (
  select i.hub_id, g.grain, g.bucket, c.from_org_id as org_id, count(*) as hops
  from counted c
  join items_expected i on i.org_id = c.from_org_id and i.item_id = c.item_id and i.auto_adoptions > 0
  cross join lateral scoring_buckets(c.submitted_at) as g
  group by 1, 2, 3, 4
),
cohort_diff as (
  select 'scoring_cohort_buckets',
    jsonb_build_object('hubId', coalesce(x.hub_id, k.hub_id), 'grain', coalesce(x.grain, k.grain),
      'bucket', coalesce(x.bucket, k.bucket), 'orgId', coalesce(x.org_id, k.org_id)),
    jsonb_build_object('hops', x.hops), jsonb_build_object('hops', k.hops)
  from cohort_expected x
  full join scoring_cohort_buckets k on k.hub_id = x.hub_id and k.grain = x.grain and k.bucket = x.bucket
    and k.org_id = x.org_id
  where coalesce(x.hops, 0) <> coalesce(k.hops, 0)
)
select * from (
  select * from ledger_diff
  union all select * from items_diff
  union all select * from sent_diff
  union all select * from sent_items_diff
  union all select * from cohort_diff
) d
limit 100
