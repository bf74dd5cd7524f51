-- What a hub's ranking is computed from notifies `zx_scoring` in the changing transaction (delivered at its
-- commit, to every instance): the instances' ranking caches (src/server/db/notified-cache.ts, use in
-- modules/scoring/use-cases/stats.ts) drop the rankings of that subject.
--   score_entries (the ledger, and through its triggers the ledger buckets, counters and cohorts): the hub
--   hops whose counted facts moved (as scoring_hops_aggregate counts them; a receive or a return moves
--     none): the sending unit, whose submissions the hubs evaluating it rank
--   orgs (name, short name, kind, level, place in the tree, hub or not, order) and direct_report_points
--     (which units a hub evaluates): `*`, every ranking — rare administrative changes
-- pg_notify folds the same payload within a transaction into one notification.
CREATE FUNCTION zx_scoring_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('zx_scoring', x.hub_id::text) FROM (SELECT DISTINCT hub_id FROM new_rows) x;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('zx_scoring', x.hub_id::text) FROM (SELECT DISTINCT hub_id FROM old_rows) x;
  ELSE
    PERFORM pg_notify('zx_scoring', x.hub_id::text)
    FROM (SELECT hub_id FROM new_rows UNION SELECT hub_id FROM old_rows) x;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER score_entries_cache_ins AFTER INSERT ON score_entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_ledger_changed();
--> statement-breakpoint
CREATE TRIGGER score_entries_cache_upd AFTER UPDATE ON score_entries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_ledger_changed();
--> statement-breakpoint
CREATE TRIGGER score_entries_cache_del AFTER DELETE ON score_entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_ledger_changed();
--> statement-breakpoint
CREATE FUNCTION zx_scoring_hops_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('zx_scoring', x.from_org_id::text)
    FROM (SELECT DISTINCT from_org_id FROM new_rows WHERE state <> 'withdrawn') x;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('zx_scoring', x.from_org_id::text)
    FROM (SELECT DISTINCT from_org_id FROM old_rows WHERE state <> 'withdrawn') x;
  ELSE
    PERFORM pg_notify('zx_scoring', x.org::text)
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
CREATE TRIGGER hops_cache_ins AFTER INSERT ON hops
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_hops_changed();
--> statement-breakpoint
CREATE TRIGGER hops_cache_upd AFTER UPDATE ON hops
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_hops_changed();
--> statement-breakpoint
CREATE TRIGGER hops_cache_del AFTER DELETE ON hops
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_hops_changed();
--> statement-breakpoint
CREATE FUNCTION zx_scoring_tree_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('zx_scoring', '*');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER orgs_cache AFTER INSERT OR DELETE OR UPDATE OF name, short_name, kind, level, parent_id, is_hub, sort_order
  ON orgs FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER direct_report_points_cache AFTER INSERT OR UPDATE OR DELETE ON direct_report_points
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER score_entries_cache_truncate AFTER TRUNCATE ON score_entries
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER hops_cache_truncate AFTER TRUNCATE ON hops
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER orgs_cache_truncate AFTER TRUNCATE ON orgs
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
