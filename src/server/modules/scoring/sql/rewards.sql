-- 奖励: every live adoption in [:start, :end) by a periodical the hub counts (:periodicalIds, a JSON array)
-- of an item whose origin unit is the hub itself or a unit it evaluates; one row per adoption, with the
-- author (the officer) and the adopting periodical's level. Amounts are applied from the rules.
with evaluated as ({{evaluated-units}})
select a.id as adoption_id, i.id as item_id, v.title, i.org_id, i.author_id, hub.level as adopting_level,
  p.name as periodical_name, a.adopted_at
from adoptions a
join items i on i.id = a.item_id
join item_versions v on v.id = a.version_id
join periodicals p on p.id = a.periodical_id
join orgs hub on hub.id = a.hub_id
where a.revoked_at is null
  and a.adopted_at >= :start::timestamptz and a.adopted_at < :end::timestamptz
  and a.periodical_id in (select jsonb_array_elements_text(:periodicalIds::jsonb)::uuid)
  and (i.org_id = :hubId::uuid or i.org_id in (select org_id from evaluated))
order by a.adopted_at, a.id
