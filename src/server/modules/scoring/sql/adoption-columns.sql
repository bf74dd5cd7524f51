-- Included by adoption-rows-by-id.sql and adoption-rows-by-periodical.sql (after their `sel` CTE): what the
-- ledger's rules read of each chosen adoption. The chain of senders is read apart, one hop level at a time
-- (hop-parents.sql): a recursive CTE here made the planner misjudge the chain's size and scan every hop.
select
  s.id as adoption_id,
  s.hop_id,
  s.item_id,
  s.periodical_id,
  p.name as periodical_name,
  s.type,
  hub.level as adopting_level,
  s.adopted_at,
  i.org_id as origin_org_id,
  coalesce(
    (select jsonb_agg(cr.org_id order by cr.org_id) from item_co_reporters cr where cr.item_id = s.item_id),
    '[]'::jsonb
  ) as co_reporter_org_ids
from sel s
join periodicals p on p.id = s.periodical_id
join orgs hub on hub.id = s.hub_id
join items i on i.id = s.item_id
