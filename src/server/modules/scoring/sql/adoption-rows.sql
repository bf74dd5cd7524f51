-- Adoptions for the ledger, chosen by id (:adoptionIds) or by periodical (:periodicalIds), both JSON arrays,
-- with what the rules read. Two index paths, never an OR over both: by primary key, or by the periodicals'
-- hubs (adoptions_hub_idx). The chain of senders is read apart, one hop level at a time (hop-parents.sql):
-- a recursive CTE here made the planner misjudge the chain's size and scan every hop and item of a province.
with sel as (
  select a.* from adoptions a
  where a.revoked_at is null and a.id in (select jsonb_array_elements_text(:adoptionIds::jsonb)::uuid)
  union
  select a.* from adoptions a
  where a.revoked_at is null
    and a.hub_id in (
      select p.hub_id from periodicals p
      where p.id in (select jsonb_array_elements_text(:periodicalIds::jsonb)::uuid)
    )
    and a.periodical_id in (select jsonb_array_elements_text(:periodicalIds::jsonb)::uuid)
)
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
