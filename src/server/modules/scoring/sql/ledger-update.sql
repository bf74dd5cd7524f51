-- Rewrites changed automatic ledger rows in one statement; :rows is a JSON array of
-- {id, points, explanation, detail, itemId, occurredAt, ruleVersion}.
update score_entries e
set points = (x ->> 'points')::numeric,
    explanation = x ->> 'explanation',
    detail = x -> 'detail',
    item_id = (x ->> 'itemId')::uuid,
    occurred_at = (x ->> 'occurredAt')::timestamptz,
    rule_version = (x ->> 'ruleVersion')::int
from jsonb_array_elements(:rows::jsonb) x
where e.id = (x ->> 'id')::uuid and e.manual = false
