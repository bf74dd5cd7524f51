-- drizzle/0026 made scoring_apply_ledger run on generic plans, and a generic plan does not know its arrays'
-- sizes: it expects a few rows, and the join of the upserted (unit, item) rows with their own changes
-- (`up JOIN d`) became a nested loop over both — quadratic. Measured on the 1,000,000-item benchmark set, one
-- call with n adoption entries, generic / custom plans: n = 1 0.17–0.27 / 0.5–0.7 ms; 256 14 / 15–21 ms;
-- 1,000 187 / 52 ms; 16,000 10.6 / 1.3 s (building the benchmark set's 300,000 adoptions did not finish in
-- 25 minutes). A call with more than 256 rows now plans for its arrays (the function's SET clause confines
-- the set_config to the call); a workflow step's one or two rows keep the generic plan.
-- scoring_apply_hops joins its arrays only to tables, by key: linear on generic plans (20,000 hops 1.4 s).
CREATE OR REPLACE FUNCTION scoring_apply_ledger(
  p_hub uuid[], p_org uuid[], p_kind text[], p_item uuid[], p_manual boolean[], p_at timestamptz[],
  p_points numeric[], p_periodical text[], p_sign int[]
) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  t_hub uuid[];
  t_org uuid[];
  t_item uuid[];
  t_sign int[];
BEGIN
  -- Hundreds of rows or more (a repair, an import, a rules change): plans for these arrays' sizes.
  IF cardinality(p_hub) > 256 THEN
    PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
  END IF;
  INSERT INTO scoring_ledger_buckets AS b (hub_id, grain, bucket, org_id, kind, periodical_id, points, entries, items)
  SELECT d.hub, g.grain, g.bucket, d.org, d.kind, d.periodical,
    sum(d.points * d.sign), sum(d.sign), coalesce(sum(d.sign) FILTER (WHERE d.item IS NOT NULL), 0)
  FROM unnest(p_hub, p_org, p_kind, p_item, p_at, p_points, p_periodical, p_sign)
    AS d(hub, org, kind, item, at, points, periodical, sign)
  CROSS JOIN LATERAL scoring_buckets(d.at) AS g
  GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum(d.sign) <> 0 OR sum(d.points * d.sign) <> 0
    OR coalesce(sum(d.sign) FILTER (WHERE d.item IS NOT NULL), 0) <> 0
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (hub_id, grain, bucket, org_id, kind, periodical_id) DO UPDATE
    SET points = b.points + excluded.points, entries = b.entries + excluded.entries, items = b.items + excluded.items;

  WITH d AS (
    SELECT x.hub, x.org, x.item, sum(x.sign)::int AS n,
      coalesce(sum(x.sign) FILTER (WHERE NOT x.manual), 0)::int AS a
    FROM unnest(p_hub, p_org, p_kind, p_item, p_manual, p_sign) AS x(hub, org, kind, item, manual, sign)
    WHERE x.kind = 'adoption' AND x.item IS NOT NULL
    GROUP BY 1, 2, 3
    HAVING sum(x.sign) <> 0 OR coalesce(sum(x.sign) FILTER (WHERE NOT x.manual), 0) <> 0
  ), up AS (
    INSERT INTO scoring_ledger_items AS li (hub_id, org_id, item_id, adoptions, auto_adoptions)
    SELECT hub, org, item, n, a FROM d ORDER BY 1, 2, 3
    ON CONFLICT (hub_id, org_id, item_id) DO UPDATE
      SET adoptions = li.adoptions + excluded.adoptions, auto_adoptions = li.auto_adoptions + excluded.auto_adoptions
    RETURNING li.hub_id, li.org_id, li.item_id, li.auto_adoptions
  )
  SELECT array_agg(up.hub_id), array_agg(up.org_id), array_agg(up.item_id),
    array_agg(CASE WHEN up.auto_adoptions > 0 THEN 1 ELSE -1 END)
  INTO t_hub, t_org, t_item, t_sign
  FROM up JOIN d ON d.hub = up.hub_id AND d.org = up.org_id AND d.item = up.item_id
  WHERE (up.auto_adoptions > 0) <> (up.auto_adoptions - d.a > 0);

  IF t_hub IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO scoring_sent_items AS s (from_org_id, item_id, hops)
  SELECT DISTINCT org, item, 0 FROM unnest(t_org, t_item) AS x(org, item) ORDER BY 1, 2
  ON CONFLICT (from_org_id, item_id) DO UPDATE SET hops = s.hops;

  INSERT INTO scoring_cohort_buckets AS c (hub_id, grain, bucket, org_id, hops)
  SELECT t.hub, g.grain, g.bucket, t.org, sum(t.sign)
  FROM unnest(t_hub, t_org, t_item, t_sign) AS t(hub, org, item, sign)
  JOIN hops h ON h.item_id = t.item AND h.from_org_id = t.org AND h.state <> 'withdrawn'
  CROSS JOIN LATERAL scoring_buckets(h.submitted_at) AS g
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (hub_id, grain, bucket, org_id) DO UPDATE SET hops = c.hops + excluded.hops;
END
$$;
