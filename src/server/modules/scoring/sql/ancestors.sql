-- A hub and every org above it (for: whose periodicals and whose leaders a hub may count).
with recursive up (id, parent_id) as (
  select o.id, o.parent_id from orgs o where o.id = :orgId::uuid
  union all
  select p.id, p.parent_id from orgs p join up u on p.id = u.parent_id
)
select id from up
