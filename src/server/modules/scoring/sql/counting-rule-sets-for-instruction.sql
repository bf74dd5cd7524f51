-- Rule sets of hubs an instruction can count for: the leader's office itself and every hub below it.
with recursive below (id) as (
  select :leaderOrgId::uuid
  union all
  select o.id from orgs o join below b on o.parent_id = b.id
)
select r.hub_id, r.rules, r.version from scoring_rule_sets r where r.hub_id in (select id from below)
