-- The ledger's changes name the units they moved, not only the hub: `<hub>/<unit>` for each (hub, unit) pair
-- of the changed rows, so that the instances' ranking caches recompute those units' figures alone
-- (src/server/modules/scoring/figures-cache.ts) instead of the hub's whole ranking — a 2,000-unit hub's year
-- after each adoption. A statement moving more than 64 units of one hub (a recompute, an import, a repair)
-- names the hub instead, `hub:<hub>`: its rankings are dropped and computed afresh. The hops' trigger already
-- names the sending unit (0028); the tree's, `*`.
CREATE OR REPLACE FUNCTION zx_scoring_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pairs text[];
BEGIN
  -- Each changed row's `<hub>/<unit>` (the transition tables each trigger has: new, old, or both).
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(hub_id::text || '/' || org_id::text) INTO pairs FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(hub_id::text || '/' || org_id::text) INTO pairs FROM old_rows;
  ELSE
    SELECT array_agg(x.hub_id::text || '/' || x.org_id::text) INTO pairs
    FROM (SELECT hub_id, org_id FROM new_rows UNION ALL SELECT hub_id, org_id FROM old_rows) x;
  END IF;
  WITH p AS (SELECT DISTINCT pair, split_part(pair, '/', 1) AS hub_id FROM unnest(pairs) AS pair),
  wide AS (SELECT hub_id FROM p GROUP BY hub_id HAVING count(*) > 64)
  INSERT INTO change_feed (channel, subject)
  SELECT 'zx_scoring', 'hub:' || hub_id FROM wide
  UNION ALL
  SELECT 'zx_scoring', p.pair FROM p WHERE p.hub_id NOT IN (SELECT hub_id FROM wide);
  RETURN NULL;
END
$$;
