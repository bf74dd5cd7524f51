-- The rankings' invalidations (0024, 0025) and the live notifications go into a table instead of NOTIFY. A
-- transaction that notifies holds a database-wide lock from its pre-commit until its commit record is
-- flushed (PostgreSQL's async.c), so every adopting or forwarding transaction — the ranking triggers notify
-- the hub and the sending unit — waited for the one before it to reach the disk: at 16 clients that lock
-- was the most frequent wait, and writes without any notification ran 15–30% faster. A row in change_feed
-- is an ordinary insert committed with its transaction (group commit applies); the instances read the rows
-- that became visible since their last snapshot (src/server/db/change-feed.ts). Sessions keep NOTIFY: their
-- changes are rare (sign-out, a disabled account) and must reach the other instances at once.
CREATE TABLE "change_feed" (
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"channel" text NOT NULL,
	"subject" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "change_feed_xid" ON "change_feed" USING btree ("xid");
--> statement-breakpoint
CREATE OR REPLACE FUNCTION zx_scoring_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO change_feed (channel, subject) SELECT DISTINCT 'zx_scoring', hub_id::text FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO change_feed (channel, subject) SELECT DISTINCT 'zx_scoring', hub_id::text FROM old_rows;
  ELSE
    INSERT INTO change_feed (channel, subject)
    SELECT 'zx_scoring', x.hub_id::text FROM (SELECT hub_id FROM new_rows UNION SELECT hub_id FROM old_rows) x;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION zx_scoring_hops_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO change_feed (channel, subject)
    SELECT DISTINCT 'zx_scoring', from_org_id::text FROM new_rows WHERE state <> 'withdrawn';
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO change_feed (channel, subject)
    SELECT DISTINCT 'zx_scoring', from_org_id::text FROM old_rows WHERE state <> 'withdrawn';
  ELSE
    INSERT INTO change_feed (channel, subject)
    SELECT 'zx_scoring', x.org::text
    FROM (
      SELECT unnest(ARRAY[o.from_org_id, n.from_org_id]) AS org
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (o.state = 'withdrawn') <> (n.state = 'withdrawn')
        OR ((o.state <> 'withdrawn' OR n.state <> 'withdrawn') AND (o.from_org_id <> n.from_org_id
          OR o.item_id <> n.item_id OR o.to_org_id <> n.to_org_id OR o.submitted_at <> n.submitted_at))
    ) x
    GROUP BY x.org;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION zx_scoring_tree_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_feed (channel, subject) VALUES ('zx_scoring', '*');
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- New notifications tell their units' live streams (modules/notifications/live.ts): one row per statement,
-- the units' ids joined by commas, or `*` (every stream looks again) beyond 150 units.
CREATE FUNCTION zx_notifications_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_feed (channel, subject)
  SELECT 'zx_notifications', CASE WHEN count(*) > 150 THEN '*' ELSE string_agg(org_id::text, ',') END
  FROM (SELECT DISTINCT org_id FROM new_rows) x
  HAVING count(*) > 0;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER notifications_live AFTER INSERT ON notifications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zx_notifications_added();
