-- The titles a hub's ledger credits to its units for adoptions in [:start, :end): the adopted version's
-- title (kept on the adoption row when adopting), the periodical and the type, once per unit and adoption.
select e.org_id, a.id as adoption_id, a.title, p.id as periodical_id, p.name as periodical_name, a.type, a.adopted_at
from score_entries e
join adoptions a on a.id = e.cause_id
join periodicals p on p.id = a.periodical_id
where e.hub_id = :hubId::uuid and e.kind = 'adoption' and e.manual = false
  and e.occurred_at >= :start::timestamptz and e.occurred_at < :end::timestamptz
order by e.org_id, a.adopted_at, a.id
