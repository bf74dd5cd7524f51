-- The adoptions of :adoptionIds (a JSON array) for the ledger, by primary key. Kept apart from the choice by
-- periodical: a UNION of both made the planner expect a hub's worth of rows and hash-join every item of the
-- province for a single adoption (0.9 s at 1M items; 0.5 ms this way).
with sel as (
  select a.* from adoptions a
  where a.revoked_at is null and a.id in (select jsonb_array_elements_text(:adoptionIds::jsonb)::uuid)
)
{{adoption-columns}}
