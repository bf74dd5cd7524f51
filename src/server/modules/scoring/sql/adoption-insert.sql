-- A new adoption (:adoption, a JSON object keyed by column) and its ledger rows (:entries, a JSON array of
-- the same), written by the adopting transition's own statement (items/repo.ts AlongsideWrite): CTEs that
-- read its compare-and-set `upd`, so nothing is written unless the hop moved. One shape whatever the number
-- of rows, prepared once. The rows are new because their cause is: plain INSERTs, which fire only the
-- ledger's insert trigger.
new_adoption as (
  insert into adoptions (id, hop_id, item_id, hub_id, periodical_id, version_id, title, type, adopted_by,
    adopted_at)
  select a.id, a.hop_id, a.item_id, a.hub_id, a.periodical_id, a.version_id, a.title, a.type, a.adopted_by,
    a.adopted_at
  from upd, jsonb_populate_record(null::adoptions, :adoption::jsonb) a
  returning id
), new_ledger_rows as (
  insert into score_entries (id, hub_id, org_id, kind, occurred_at, points, cause_id, item_id, explanation,
    detail, manual, reason, created_by, rule_version, created_at)
  select e.id, e.hub_id, e.org_id, e.kind, e.occurred_at, e.points, e.cause_id, e.item_id, e.explanation,
    e.detail, false, null, null, e.rule_version, e.created_at
  from upd, jsonb_populate_recordset(null::score_entries, :entries::jsonb) e
)
