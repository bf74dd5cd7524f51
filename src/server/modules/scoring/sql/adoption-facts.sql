-- Facts of adoptions for the ledger: chosen by id (:adoptionIds) or by periodical (:periodicalIds), both
-- JSON arrays. The chain is walked from the adopting hop up through parent_hop_id to the unit's own hop.
-- Two index paths, never an OR over both: by primary key, or by the periodicals' hubs (adoptions_hub_idx).
with recursive sel as (
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
),
chain (adoption_id, parent_hop_id, from_org_id, depth) as (
  select s.id, h.parent_hop_id, h.from_org_id, 0 from sel s join hops h on h.id = s.hop_id
  union all
  select c.adoption_id, p.parent_hop_id, p.from_org_id, c.depth + 1
  from chain c join hops p on p.id = c.parent_hop_id
),
senders as (
  select adoption_id, jsonb_agg(from_org_id order by depth desc) as chain_from_org_ids
  from chain group by adoption_id
),
co as (
  select cr.item_id, jsonb_agg(cr.org_id order by cr.org_id) as org_ids
  from item_co_reporters cr where cr.item_id in (select item_id from sel)
  group by cr.item_id
)
select
  s.id as adoption_id,
  s.item_id,
  s.periodical_id,
  p.name as periodical_name,
  s.type,
  hub.level as adopting_level,
  s.adopted_at,
  i.org_id as origin_org_id,
  coalesce(co.org_ids, '[]'::jsonb) as co_reporter_org_ids,
  sn.chain_from_org_ids
from sel s
join senders sn on sn.adoption_id = s.id
left join co on co.item_id = s.item_id
join periodicals p on p.id = s.periodical_id
join orgs hub on hub.id = s.hub_id
join items i on i.id = s.item_id
