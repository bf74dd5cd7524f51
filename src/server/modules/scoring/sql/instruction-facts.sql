-- Facts of leader instructions on items for the ledger: chosen by id (:instructionIds) or by the leader's
-- office (:leaderOrgIds), both JSON arrays. The senders of every hop of the item stand for its chain.
select
  li.id as instruction_id,
  li.item_id,
  li.leader_org_id,
  li.leader_level,
  li.created_at,
  i.org_id as origin_org_id,
  coalesce((select jsonb_agg(cr.org_id order by cr.org_id) from item_co_reporters cr where cr.item_id = li.item_id), '[]'::jsonb) as co_reporter_org_ids,
  coalesce((select jsonb_agg(distinct h.from_org_id) from hops h where h.item_id = li.item_id and h.state <> 'withdrawn'), '[]'::jsonb) as chain_from_org_ids
from leader_instructions li
join items i on i.id = li.item_id
where li.item_id is not null
  and (li.id in (select jsonb_array_elements_text(:instructionIds::jsonb)::uuid)
    or li.leader_org_id in (select jsonb_array_elements_text(:leaderOrgIds::jsonb)::uuid))
