-- The adoptions into the periodicals of :periodicalIds (a JSON array) for a hub's whole ledger, through
-- the periodicals' hubs (adoptions_hub_idx).
with sel as (
  select a.* from adoptions a
  where a.revoked_at is null
    and a.hub_id in (
      select p.hub_id from periodicals p
      where p.id in (select jsonb_array_elements_text(:periodicalIds::jsonb)::uuid)
    )
    and a.periodical_id in (select jsonb_array_elements_text(:periodicalIds::jsonb)::uuid)
)
{{adoption-columns}}
