-- TRUNCATE fires no row or statement triggers of the other kinds: the tables a ranking is computed from
-- that 0024 left out (direct_report_points, and the aggregates, which the application only writes through
-- their triggers but an operator's repair might empty) tell the ranking caches that anything may have
-- changed. A truncated sessions, users or memberships table likewise tells the session caches.
CREATE TRIGGER direct_report_points_cache_truncate AFTER TRUNCATE ON direct_report_points
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER scoring_ledger_buckets_cache_truncate AFTER TRUNCATE ON scoring_ledger_buckets
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER scoring_ledger_items_cache_truncate AFTER TRUNCATE ON scoring_ledger_items
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER scoring_sent_buckets_cache_truncate AFTER TRUNCATE ON scoring_sent_buckets
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER scoring_sent_items_cache_truncate AFTER TRUNCATE ON scoring_sent_items
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE TRIGGER scoring_cohort_buckets_cache_truncate AFTER TRUNCATE ON scoring_cohort_buckets
  FOR EACH STATEMENT EXECUTE FUNCTION zx_scoring_tree_changed();
--> statement-breakpoint
CREATE FUNCTION zx_sessions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('zx_sessions', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_cache_truncate AFTER TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION zx_sessions_truncated();
--> statement-breakpoint
CREATE TRIGGER users_cache_truncate AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION zx_sessions_truncated();
--> statement-breakpoint
CREATE TRIGGER memberships_cache_truncate AFTER TRUNCATE ON memberships
  FOR EACH STATEMENT EXECUTE FUNCTION zx_sessions_truncated();
