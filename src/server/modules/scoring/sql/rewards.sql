-- 奖励: every live adoption in [:start, :end) by a periodical the hub counts (:periodicalIds, a JSON array)
-- of an item whose origin unit is the hub itself or a unit it evaluates; one row per adoption, with the
-- author (the officer) and the adopting periodical's level. Amounts are applied from the rules.
-- Driven by the counted periodicals' adoptions in the period (adoptions_hub_idx: an adoption's hub is
-- its periodical's), each item then read by primary key; `offset 0` keeps both per-row index scans (a
-- hash over every item of the province took 1.7–3 s at 400,000 items).
with evaluated as ({{evaluated-units}}),
counted as (
  select p.id, p.hub_id, p.name from periodicals p
  where p.id in (select jsonb_array_elements_text(:periodicalIds::jsonb)::uuid)
)
select a.id as adoption_id, i.id as item_id, v.title, i.org_id, i.author_id, hub.level as adopting_level,
  p.name as periodical_name, a.adopted_at
from counted p
cross join lateral (
  select a.id, a.item_id, a.version_id, a.hub_id, a.adopted_at from adoptions a
  where a.hub_id = p.hub_id and a.periodical_id = p.id and a.revoked_at is null
    and a.adopted_at >= :start::timestamptz and a.adopted_at < :end::timestamptz
  offset 0
) a
cross join lateral (select i.id, i.org_id, i.author_id from items i where i.id = a.item_id offset 0) i
join item_versions v on v.id = a.version_id
join orgs hub on hub.id = a.hub_id
where i.org_id = :hubId::uuid or i.org_id in (select org_id from evaluated)
order by a.adopted_at, a.id
