-- The units a hub evaluates: every org whose nearest hub above is this hub (its direct reporting units and
-- its child hubs; the walk stops at a hub), plus the hub's direct-report points (直报点). The one
-- definition, included by every statistic as `evaluated`.
with recursive under (id, is_hub) as (
  select o.id, o.is_hub from orgs o where o.parent_id = :hubId::uuid
  union all
  select c.id, c.is_hub from orgs c join under u on c.parent_id = u.id where not u.is_hub
)
select id as org_id from under
union
select d.org_id from direct_report_points d where d.hub_id = :hubId::uuid
