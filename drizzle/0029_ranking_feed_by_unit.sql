-- The ledger's changes name the units they moved, not only the hub: `<hub>/<unit>` for each (hub, unit) pair
-- of the changed rows, so that the instances' ranking caches recompute those units' figures alone
-- (src/server/modules/scoring/figures-cache.ts) instead of the hub's whole ranking — a 2,000-unit hub's year
-- after each adoption. A statement moving more than 64 units of one hub (a recompute, an import, a repair)
-- names the hub instead, `hub:<hub>`: its rankings are dropped and computed afresh. The bare `<hub>` of before
-- is still written, for instances of the previous release. The hops' trigger already names the sending unit
-- (0028); the tree's, `*`.
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
  hubs AS (SELECT hub_id, count(*) AS units FROM p GROUP BY hub_id)
  INSERT INTO change_feed (channel, subject)
  SELECT 'zx_scoring', 'hub:' || hub_id FROM hubs WHERE units > 64
  UNION ALL
  SELECT 'zx_scoring', p.pair FROM p JOIN hubs USING (hub_id) WHERE hubs.units <= 64
  UNION ALL
  -- The hub as before this migration, for the previous release's instances during a rolling upgrade
  -- (deploy.md: a migration works with the code before it); read by this release as a unit subject (the
  -- hub as a unit of the hubs above it), a harmless refresh. To go with the release after next.
  SELECT 'zx_scoring', hub_id FROM hubs;
  RETURN NULL;
END
$$;
