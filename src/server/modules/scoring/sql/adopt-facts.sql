-- Everything adopting hop :hopId (of item :itemId, at hub :hubId) into periodical :periodicalId needs to
-- know, read in one statement before anything is written: the periodical and whether the hop already has a
-- live adoption into it; the title of the adopted version :versionId (kept on the adoption row); the
-- adopting level; the facts the ledger's rules read (origin, co-reporters, the chain of senders from the
-- unit's own hop up to this one); and each hub whose rules count the periodical, with which of the
-- adoption's candidate units (origin, co-reporters, senders) that hub evaluates. The last
-- is evaluated-units.sql asked backwards — a unit is evaluated by the hub that is its nearest hub above
-- (walking up through non-hub parents), or by a hub it is a 直报点 of — so its cost follows the handful of
-- candidates and the depth of the tree, never the number of units a hub evaluates.
-- The chain starts from one primary key and follows parent_hop_id (unlike adoption-columns.sql, which
-- reads chains for many adoptions at once, one level at a time).
with recursive chain (id, parent_hop_id, from_org_id, depth) as (
  select h.id, h.parent_hop_id, h.from_org_id, 0 from hops h where h.id = :hopId::uuid
  union all
  select p.id, p.parent_hop_id, p.from_org_id, c.depth + 1
  from chain c join hops p on p.id = c.parent_hop_id
  where c.depth < 16
),
rule_sets as (
  select r.hub_id, r.rules, r.version
  from scoring_rule_sets r
  where r.rules -> 'periodicals' @> jsonb_build_array(jsonb_build_object('periodicalId', :periodicalId::text))
),
co as (
  select cr.org_id from item_co_reporters cr where cr.item_id = :itemId::uuid
),
cand as (
  select i.org_id from items i where i.id = :itemId::uuid
  union
  select co.org_id from co
  union
  select chain.from_org_id from chain
),
-- Up from each candidate's parent until a hub (or a hub whose rules count the periodical) is reached. Each
-- step reads one org by primary key (scalar subqueries: joined, the planner hashed the whole orgs table,
-- 2,215 rows on the province data set, twice for every adoption).
walk (org_id, at) as (
  select c.org_id, (select o.parent_id from orgs o where o.id = c.org_id) from cand c
  union all
  select w.org_id, (select p.parent_id from orgs p where p.id = w.at)
  from walk w
  where not (select p.is_hub from orgs p where p.id = w.at) and w.at not in (select hub_id from rule_sets)
),
nearest as (
  select w.org_id, w.at as hub_id
  from walk w
  where (select h.is_hub from orgs h where h.id = w.at) or w.at in (select hub_id from rule_sets)
),
counted as (
  select
    rs.hub_id,
    rs.rules,
    rs.version,
    coalesce(
      (select jsonb_agg(distinct e.org_id) from (
        select n.org_id from nearest n where n.hub_id = rs.hub_id
        union
        select d.org_id from direct_report_points d
        where d.hub_id = rs.hub_id and d.org_id in (select org_id from cand)
      ) e),
      '[]'::jsonb
    ) as evaluated
  from rule_sets rs
)
select
  p.id as periodical_id,
  p.hub_id as periodical_hub_id,
  p.name as periodical_name,
  exists (
    select 1 from adoptions a where a.hop_id = :hopId::uuid and a.periodical_id = p.id and a.revoked_at is null
  ) as adopted,
  (select v.title from item_versions v where v.id = :versionId::uuid) as version_title,
  (select o.level from orgs o where o.id = :hubId::uuid) as adopting_level,
  (select i.org_id from items i where i.id = :itemId::uuid) as origin_org_id,
  coalesce((select jsonb_agg(co.org_id order by co.org_id) from co), '[]'::jsonb) as co_reporter_org_ids,
  coalesce((select jsonb_agg(chain.from_org_id order by chain.depth desc) from chain), '[]'::jsonb)
    as chain_from_org_ids,
  coalesce(
    (select jsonb_agg(jsonb_build_object(
      'hub_id', c.hub_id, 'rules', c.rules, 'version', c.version, 'evaluated', c.evaluated
    )) from counted c),
    '[]'::jsonb
  ) as rule_sets
from periodicals p
where p.id = :periodicalId::uuid
