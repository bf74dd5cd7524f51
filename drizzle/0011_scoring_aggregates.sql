CREATE TABLE "scoring_cohort_buckets" (
	"hub_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"org_id" uuid NOT NULL,
	"hops" integer NOT NULL,
	CONSTRAINT "scoring_cohort_buckets_hub_id_grain_bucket_org_id_pk" PRIMARY KEY("hub_id","grain","bucket","org_id")
);
--> statement-breakpoint
CREATE TABLE "scoring_ledger_buckets" (
	"hub_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"periodical_id" text NOT NULL,
	"points" numeric(16, 4) NOT NULL,
	"entries" integer NOT NULL,
	"items" integer NOT NULL,
	CONSTRAINT "scoring_ledger_buckets_hub_id_grain_bucket_org_id_kind_periodical_id_pk" PRIMARY KEY("hub_id","grain","bucket","org_id","kind","periodical_id")
);
--> statement-breakpoint
CREATE TABLE "scoring_ledger_items" (
	"hub_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"adoptions" integer NOT NULL,
	"auto_adoptions" integer NOT NULL,
	CONSTRAINT "scoring_ledger_items_hub_id_org_id_item_id_pk" PRIMARY KEY("hub_id","org_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "scoring_sent_buckets" (
	"from_org_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"level" text NOT NULL,
	"hops" integer NOT NULL,
	CONSTRAINT "scoring_sent_buckets_from_org_id_grain_bucket_level_pk" PRIMARY KEY("from_org_id","grain","bucket","level")
);
--> statement-breakpoint
CREATE TABLE "scoring_sent_items" (
	"from_org_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"hops" integer NOT NULL,
	CONSTRAINT "scoring_sent_items_from_org_id_item_id_pk" PRIMARY KEY("from_org_id","item_id")
);
--> statement-breakpoint
CREATE INDEX "scoring_ledger_items_item_idx" ON "scoring_ledger_items" USING btree ("org_id","item_id");--> statement-breakpoint
CREATE INDEX "scoring_ledger_items_multi_idx" ON "scoring_ledger_items" USING btree ("hub_id","org_id") WHERE "scoring_ledger_items"."adoptions" > 1;--> statement-breakpoint
CREATE INDEX "scoring_sent_items_multi_idx" ON "scoring_sent_items" USING btree ("from_org_id") WHERE "scoring_sent_items"."hops" > 1;--> statement-breakpoint
-- The Beijing calendar date of an instant (UTC+8 all year), the bucket of every aggregate.
CREATE FUNCTION scoring_beijing_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select ((at at time zone 'UTC') + interval '8 hours')::date
$$;
--> statement-breakpoint
-- The first day of that date's month.
CREATE FUNCTION scoring_beijing_month(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select date_trunc('month', (at at time zone 'UTC') + interval '8 hours')::date
$$;
--> statement-breakpoint
-- Applies signed ledger rows (+1 inserted, -1 deleted; an update is both) to the aggregates. Upserts add
-- (ON CONFLICT … DO UPDATE SET x = x + excluded.x) in key order, so concurrent writers serialise per row.
-- When a (hub, unit, item) gains its first automatic adoption row or loses its last, the unit's counted
-- hops of that item move into or out of the hub's adoption-rate cohort; the (unit, item) row of
-- scoring_sent_items is locked first, so that a hop inserted concurrently is counted exactly once (by
-- whichever transaction takes the lock second and then reads, with a fresh snapshot, what the first did).
CREATE FUNCTION scoring_apply_ledger(
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
  CROSS JOIN LATERAL (VALUES ('day', scoring_beijing_day(d.at)),
    ('month', scoring_beijing_month(d.at))) AS g(grain, bucket)
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
  CROSS JOIN LATERAL (VALUES ('day', scoring_beijing_day(h.submitted_at)),
    ('month', scoring_beijing_month(h.submitted_at))) AS g(grain, bucket)
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (hub_id, grain, bucket, org_id) DO UPDATE SET hops = c.hops + excluded.hops;
END
$$;
--> statement-breakpoint
CREATE FUNCTION scoring_ledger_aggregate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM scoring_apply_ledger(array_agg(hub_id), array_agg(org_id), array_agg(kind), array_agg(item_id),
      array_agg(manual), array_agg(occurred_at), array_agg(points), array_agg(coalesce(detail ->> 'periodicalId', '')),
      array_agg(1))
    FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM scoring_apply_ledger(array_agg(hub_id), array_agg(org_id), array_agg(kind), array_agg(item_id),
      array_agg(manual), array_agg(occurred_at), array_agg(points), array_agg(coalesce(detail ->> 'periodicalId', '')),
      array_agg(-1))
    FROM old_rows;
  ELSE
    PERFORM scoring_apply_ledger(array_agg(hub_id), array_agg(org_id), array_agg(kind), array_agg(item_id),
      array_agg(manual), array_agg(occurred_at), array_agg(points), array_agg(periodical), array_agg(sign))
    FROM (
      SELECT hub_id, org_id, kind, item_id, manual, occurred_at, points,
        coalesce(detail ->> 'periodicalId', '') AS periodical, 1 AS sign FROM new_rows
      UNION ALL
      SELECT hub_id, org_id, kind, item_id, manual, occurred_at, points,
        coalesce(detail ->> 'periodicalId', ''), -1 FROM old_rows
    ) x;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER score_entries_aggregate_ins AFTER INSERT ON score_entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_ledger_aggregate();
--> statement-breakpoint
CREATE TRIGGER score_entries_aggregate_upd AFTER UPDATE ON score_entries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_ledger_aggregate();
--> statement-breakpoint
CREATE TRIGGER score_entries_aggregate_del AFTER DELETE ON score_entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_ledger_aggregate();
--> statement-breakpoint
-- Applies signed counted hops (not withdrawn) to the sent buckets, the (unit, item) counters (locked
-- before the ledger is read, see scoring_apply_ledger) and the cohorts of the hubs crediting the item.
CREATE FUNCTION scoring_apply_hops(p_from uuid[], p_item uuid[], p_to uuid[], p_at timestamptz[], p_sign int[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO scoring_sent_buckets AS b (from_org_id, grain, bucket, level, hops)
  SELECT d.from_org, g.grain, g.bucket, o.level, sum(d.sign)
  FROM unnest(p_from, p_to, p_at, p_sign) AS d(from_org, to_org, at, sign)
  JOIN orgs o ON o.id = d.to_org
  CROSS JOIN LATERAL (VALUES ('day', scoring_beijing_day(d.at)),
    ('month', scoring_beijing_month(d.at))) AS g(grain, bucket)
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
  CROSS JOIN LATERAL (VALUES ('day', scoring_beijing_day(d.at)),
    ('month', scoring_beijing_month(d.at))) AS g(grain, bucket)
  GROUP BY 1, 2, 3, 4
  HAVING sum(d.sign) <> 0
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (hub_id, grain, bucket, org_id) DO UPDATE SET hops = c.hops + excluded.hops;
END
$$;
--> statement-breakpoint
CREATE FUNCTION scoring_hops_aggregate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM scoring_apply_hops(array_agg(from_org_id), array_agg(item_id), array_agg(to_org_id),
      array_agg(submitted_at), array_agg(1))
    FROM new_rows WHERE state <> 'withdrawn';
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM scoring_apply_hops(array_agg(from_org_id), array_agg(item_id), array_agg(to_org_id),
      array_agg(submitted_at), array_agg(-1))
    FROM old_rows WHERE state <> 'withdrawn';
  ELSE
    -- Most updates (receive, handle …) change nothing counted: only rows whose counted facts moved.
    PERFORM scoring_apply_hops(array_agg(from_org_id), array_agg(item_id), array_agg(to_org_id),
      array_agg(submitted_at), array_agg(sign))
    FROM (
      SELECT n.from_org_id, n.item_id, n.to_org_id, n.submitted_at, 1 AS sign
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.state <> 'withdrawn' AND (o.state = 'withdrawn' OR o.from_org_id <> n.from_org_id
        OR o.item_id <> n.item_id OR o.to_org_id <> n.to_org_id OR o.submitted_at <> n.submitted_at)
      UNION ALL
      SELECT o.from_org_id, o.item_id, o.to_org_id, o.submitted_at, -1
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE o.state <> 'withdrawn' AND (n.state = 'withdrawn' OR o.from_org_id <> n.from_org_id
        OR o.item_id <> n.item_id OR o.to_org_id <> n.to_org_id OR o.submitted_at <> n.submitted_at)
    ) x
    HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER hops_aggregate_ins AFTER INSERT ON hops
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_hops_aggregate();
--> statement-breakpoint
CREATE TRIGGER hops_aggregate_upd AFTER UPDATE ON hops
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_hops_aggregate();
--> statement-breakpoint
CREATE TRIGGER hops_aggregate_del AFTER DELETE ON hops
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_hops_aggregate();
--> statement-breakpoint
-- A receiver's level is part of every sent bucket of hops to it: a change of level moves them.
CREATE FUNCTION scoring_org_level_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO scoring_sent_buckets AS b (from_org_id, grain, bucket, level, hops)
  SELECT h.from_org_id, g.grain, g.bucket, l.level, sum(l.sign)
  FROM hops h
  CROSS JOIN (VALUES (OLD.level, -1), (NEW.level, 1)) AS l(level, sign)
  CROSS JOIN LATERAL (VALUES ('day', scoring_beijing_day(h.submitted_at)),
    ('month', scoring_beijing_month(h.submitted_at))) AS g(grain, bucket)
  WHERE h.to_org_id = NEW.id AND h.state <> 'withdrawn'
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (from_org_id, grain, bucket, level) DO UPDATE SET hops = b.hops + excluded.hops;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER orgs_level_aggregate AFTER UPDATE OF level ON orgs
  FOR EACH ROW WHEN (OLD.level IS DISTINCT FROM NEW.level) EXECUTE FUNCTION scoring_org_level_moved();
--> statement-breakpoint
-- Backfill from the existing ledger and hops, set-based (the triggers above keep them from here on).
INSERT INTO scoring_ledger_buckets (hub_id, grain, bucket, org_id, kind, periodical_id, points, entries, items)
SELECT hub_id, 'day', scoring_beijing_day(occurred_at), org_id, kind, coalesce(detail ->> 'periodicalId', ''),
  sum(points), count(*), count(item_id)
FROM score_entries GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
INSERT INTO scoring_ledger_buckets (hub_id, grain, bucket, org_id, kind, periodical_id, points, entries, items)
SELECT hub_id, 'month', date_trunc('month', bucket::timestamp)::date, org_id, kind, periodical_id,
  sum(points), sum(entries), sum(items)
FROM scoring_ledger_buckets WHERE grain = 'day' GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
INSERT INTO scoring_ledger_items (hub_id, org_id, item_id, adoptions, auto_adoptions)
SELECT hub_id, org_id, item_id, count(*), count(*) FILTER (WHERE NOT manual)
FROM score_entries WHERE kind = 'adoption' AND item_id IS NOT NULL GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO scoring_sent_buckets (from_org_id, grain, bucket, level, hops)
SELECT h.from_org_id, 'day', scoring_beijing_day(h.submitted_at), o.level, count(*)
FROM hops h JOIN orgs o ON o.id = h.to_org_id WHERE h.state <> 'withdrawn' GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO scoring_sent_buckets (from_org_id, grain, bucket, level, hops)
SELECT from_org_id, 'month', date_trunc('month', bucket::timestamp)::date, level, sum(hops)
FROM scoring_sent_buckets WHERE grain = 'day' GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO scoring_sent_items (from_org_id, item_id, hops)
SELECT from_org_id, item_id, count(*) FROM hops WHERE state <> 'withdrawn' GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO scoring_cohort_buckets (hub_id, grain, bucket, org_id, hops)
SELECT li.hub_id, 'day', scoring_beijing_day(h.submitted_at), h.from_org_id, count(*)
FROM hops h JOIN scoring_ledger_items li ON li.org_id = h.from_org_id AND li.item_id = h.item_id
WHERE h.state <> 'withdrawn' AND li.auto_adoptions > 0 GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO scoring_cohort_buckets (hub_id, grain, bucket, org_id, hops)
SELECT hub_id, 'month', date_trunc('month', bucket::timestamp)::date, org_id, sum(hops)
FROM scoring_cohort_buckets WHERE grain = 'day' GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
ANALYZE scoring_ledger_buckets;
--> statement-breakpoint
ANALYZE scoring_ledger_items;
--> statement-breakpoint
ANALYZE scoring_sent_buckets;
--> statement-breakpoint
ANALYZE scoring_sent_items;
--> statement-breakpoint
ANALYZE scoring_cohort_buckets;
