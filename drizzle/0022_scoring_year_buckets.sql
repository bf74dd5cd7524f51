-- Yearly buckets beside the daily and monthly ones: a year's ranking reads one bucket per unit (and level,
-- kind, periodical) instead of twelve. Every trigger now takes its buckets from scoring_buckets(at), so a
-- grain is added in one place; the functions are those of 0011 with that one change.
CREATE FUNCTION scoring_buckets(at timestamptz) RETURNS TABLE (grain text, bucket date)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select g.grain, date_trunc(g.grain, (at at time zone 'UTC') + interval '8 hours')::date
  from (values ('day'), ('month'), ('year')) as g(grain)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION scoring_apply_ledger(
  p_hub uuid[], p_org uuid[], p_kind text[], p_item uuid[], p_manual boolean[], p_at timestamptz[],
  p_points numeric[], p_periodical text[], p_sign int[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t_hub uuid[];
  t_org uuid[];
  t_item uuid[];
  t_sign int[];
BEGIN
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
--> statement-breakpoint
CREATE OR REPLACE FUNCTION scoring_apply_hops(p_from uuid[], p_item uuid[], p_to uuid[], p_at timestamptz[], p_sign int[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO scoring_sent_buckets AS b (from_org_id, grain, bucket, level, hops)
  SELECT d.from_org, g.grain, g.bucket, o.level, sum(d.sign)
  FROM unnest(p_from, p_to, p_at, p_sign) AS d(from_org, to_org, at, sign)
  JOIN orgs o ON o.id = d.to_org
  CROSS JOIN LATERAL scoring_buckets(d.at) AS g
  GROUP BY 1, 2, 3, 4
  HAVING sum(d.sign) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (from_org_id, grain, bucket, level) DO UPDATE SET hops = b.hops + excluded.hops;

  INSERT INTO scoring_sent_items AS s (from_org_id, item_id, hops)
  SELECT d.from_org, d.item, sum(d.sign)
  FROM unnest(p_from, p_item, p_sign) AS d(from_org, item, sign)
  GROUP BY 1, 2
  ORDER BY 1, 2
  ON CONFLICT (from_org_id, item_id) DO UPDATE SET hops = s.hops + excluded.hops;

  INSERT INTO scoring_cohort_buckets AS c (hub_id, grain, bucket, org_id, hops)
  SELECT li.hub_id, g.grain, g.bucket, d.from_org, sum(d.sign)
  FROM unnest(p_from, p_item, p_at, p_sign) AS d(from_org, item, at, sign)
  JOIN scoring_ledger_items li ON li.org_id = d.from_org AND li.item_id = d.item AND li.auto_adoptions > 0
  CROSS JOIN LATERAL scoring_buckets(d.at) AS g
  GROUP BY 1, 2, 3, 4
  HAVING sum(d.sign) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (hub_id, grain, bucket, org_id) DO UPDATE SET hops = c.hops + excluded.hops;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION scoring_org_level_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO scoring_sent_buckets AS b (from_org_id, grain, bucket, level, hops)
  SELECT h.from_org_id, g.grain, g.bucket, l.level, sum(l.sign)
  FROM hops h
  CROSS JOIN (VALUES (OLD.level, -1), (NEW.level, 1)) AS l(level, sign)
  CROSS JOIN LATERAL scoring_buckets(h.submitted_at) AS g
  WHERE h.to_org_id = NEW.id AND h.state <> 'withdrawn'
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (from_org_id, grain, bucket, level) DO UPDATE SET hops = b.hops + excluded.hops;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Backfill the years from the months (the triggers above keep them from here on).
INSERT INTO scoring_ledger_buckets (hub_id, grain, bucket, org_id, kind, periodical_id, points, entries, items)
SELECT hub_id, 'year', date_trunc('year', bucket::timestamp)::date, org_id, kind, periodical_id,
  sum(points), sum(entries), sum(items)
FROM scoring_ledger_buckets WHERE grain = 'month' GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
INSERT INTO scoring_sent_buckets (from_org_id, grain, bucket, level, hops)
SELECT from_org_id, 'year', date_trunc('year', bucket::timestamp)::date, level, sum(hops)
FROM scoring_sent_buckets WHERE grain = 'month' GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO scoring_cohort_buckets (hub_id, grain, bucket, org_id, hops)
SELECT hub_id, 'year', date_trunc('year', bucket::timestamp)::date, org_id, sum(hops)
FROM scoring_cohort_buckets WHERE grain = 'month' GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
ANALYZE scoring_ledger_buckets;
--> statement-breakpoint
ANALYZE scoring_sent_buckets;
--> statement-breakpoint
ANALYZE scoring_cohort_buckets;
