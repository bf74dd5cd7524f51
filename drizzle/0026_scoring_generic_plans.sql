-- The statistics triggers (drizzle/0011, 0022) hand the changed rows to scoring_apply_hops and
-- scoring_apply_ledger as arrays: one row for a workflow step, thousands for a repair. PL/pgSQL planned their
-- upserts for the arrays' values on every call (a plan for the values always looks cheaper than the generic
-- one, so PostgreSQL never settled on it), and the planning cost more than the upserts. Measured on the
-- 1,000,000-item benchmark set: scoring_apply_hops for a forward's one hop 1.0 ms a call, 0.25–0.3 ms with
-- the generic plan; for 20,000 hops 2.1 s, 1.4 s with it. The plans do not depend on the values: every
-- array is read whole, each row by the primary or unique key the upsert names.
ALTER FUNCTION scoring_apply_hops(uuid[], uuid[], uuid[], timestamptz[], integer[])
  SET plan_cache_mode = force_generic_plan;
--> statement-breakpoint
ALTER FUNCTION scoring_apply_ledger(uuid[], uuid[], text[], uuid[], boolean[], timestamptz[], numeric[], text[], integer[])
  SET plan_cache_mode = force_generic_plan;
