-- One level of hop chains: each hop of :hopIds (a JSON array) with its parent and sender. Called once per
-- level (a chain is county → city → province, so a handful of primary-key lookups in all).
select h.id, h.parent_hop_id, h.from_org_id
from hops h
where h.id in (select jsonb_array_elements_text(:hopIds::jsonb)::uuid)
