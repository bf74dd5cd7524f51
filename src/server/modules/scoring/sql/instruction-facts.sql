-- Facts of leader instructions for the ledger: chosen by id (:instructionIds) or by the leader's office
-- (:leaderOrgIds), both JSON arrays. One row per (instruction, item concerned): the item itself for an
-- instruction on an item; for one on an issue, the items its entry published (entry_id set) or every item
-- the issue published (whole issue). The senders of every hop of the item stand for its chain.
with chosen as (
  select li.* from leader_instructions li
  where li.id in (select jsonb_array_elements_text(:instructionIds::jsonb)::uuid)
     or li.leader_org_id in (select jsonb_array_elements_text(:leaderOrgIds::jsonb)::uuid)
),
concerned as (
  select c.id as instruction_id, c.item_id from chosen c where c.item_id is not null
  union
  select c.id, a.item_id
  from chosen c
  join issue_entries e on e.issue_id = c.issue_id and (c.entry_id is null or e.id = c.entry_id)
  join issue_entry_sources s on s.entry_id = e.id
  join adoptions a on a.id = s.adoption_id
  where c.item_id is null and c.issue_id is not null
)
select
  li.id as instruction_id,
  x.item_id,
  li.leader_org_id,
  li.leader_level,
  li.created_at,
  i.org_id as origin_org_id,
  coalesce((select jsonb_agg(cr.org_id order by cr.org_id) from item_co_reporters cr where cr.item_id = x.item_id), '[]'::jsonb) as co_reporter_org_ids,
  coalesce((select jsonb_agg(distinct h.from_org_id) from hops h where h.item_id = x.item_id and h.state <> 'withdrawn'), '[]'::jsonb) as chain_from_org_ids
from concerned x
join chosen li on li.id = x.instruction_id
join items i on i.id = x.item_id
order by li.id, x.item_id
