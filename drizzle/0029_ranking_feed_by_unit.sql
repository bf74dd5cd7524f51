-- The ledger's changes name the units they moved, not only the hub: `<hub>/<unit>` for each (hub, unit) pair
-- of the changed rows, so that the instances' ranking caches recompute those units' figures alone
-- (src/server/modules/scoring/figures-cache.ts) instead of the hub's whole ranking — a 2,000-unit hub's year
-- after each adoption. A statement moving more than 64 units of one hub (a recompute, an import, a repair)
-- names the hub instead, `hub:<hub>`: its rankings are dropped and computed afresh. The hops' trigger already
-- names the sending unit (0028); the tree's, `*`.
CREATE OR REPLACE FUNCTION zx_scoring_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH pairs AS (SELECT DISTINCT hub_id, org_id FROM new_rows),
    wide AS (SELECT hub_id FROM pairs GROUP BY hub_id HAVING count(*) > 64)
    INSERT INTO change_feed (channel, subject)
    SELECT 'zx_scoring', 'hub:' || hub_id::text FROM wide
    UNION ALL
    SELECT 'zx_scoring', p.hub_id::text || '/' || p.org_id::text
    FROM pairs p WHERE p.hub_id NOT IN (SELECT hub_id FROM wide);
  ELSIF TG_OP = 'DELETE' THEN
    WITH pairs AS (SELECT DISTINCT hub_id, org_id FROM old_rows),
    wide AS (SELECT hub_id FROM pairs GROUP BY hub_id HAVING count(*) > 64)
    INSERT INTO change_feed (channel, subject)
    SELECT 'zx_scoring', 'hub:' || hub_id::text FROM wide
    UNION ALL
    SELECT 'zx_scoring', p.hub_id::text || '/' || p.org_id::text
    FROM pairs p WHERE p.hub_id NOT IN (SELECT hub_id FROM wide);
  ELSE
    WITH pairs AS (SELECT DISTINCT hub_id, org_id FROM (SELECT hub_id, org_id FROM new_rows UNION ALL SELECT hub_id, org_id FROM old_rows) x),
    wide AS (SELECT hub_id FROM pairs GROUP BY hub_id HAVING count(*) > 64)
    INSERT INTO change_feed (channel, subject)
    SELECT 'zx_scoring', 'hub:' || hub_id::text FROM wide
    UNION ALL
    SELECT 'zx_scoring', p.hub_id::text || '/' || p.org_id::text
    FROM pairs p WHERE p.hub_id NOT IN (SELECT hub_id FROM wide);
  END IF;
  RETURN NULL;
END
$$;
