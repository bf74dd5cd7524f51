-- The hubs evaluating some units: for each unit its nearest hub above, and every hub it is a 直报点 of.
-- The inverse of evaluated-units.sql.
with recursive up (org_id, cursor_id) as (
  select o.id, o.parent_id from orgs o where o.id in (select jsonb_array_elements_text(:orgIds::jsonb)::uuid)
  union all
  select u.org_id, p.parent_id from up u join orgs p on p.id = u.cursor_id where not p.is_hub
)
select u.org_id, u.cursor_id as hub_id from up u join orgs h on h.id = u.cursor_id where h.is_hub
union
select d.org_id, d.hub_id from direct_report_points d
where d.org_id in (select jsonb_array_elements_text(:orgIds::jsonb)::uuid)
