CREATE TABLE "login_throttle" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"count" integer NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	CONSTRAINT "login_throttle_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "security_policy" (
	"id" integer PRIMARY KEY NOT NULL,
	"password_min_length" integer DEFAULT 12 NOT NULL,
	"password_min_classes" integer DEFAULT 3 NOT NULL,
	"password_history" integer DEFAULT 5 NOT NULL,
	"password_max_age_days" integer DEFAULT 90 NOT NULL,
	"lockout_threshold" integer DEFAULT 5 NOT NULL,
	"lockout_window_minutes" integer DEFAULT 15 NOT NULL,
	"lockout_minutes" integer DEFAULT 30 NOT NULL,
	"session_idle_minutes" integer DEFAULT 30 NOT NULL,
	"admin_session_idle_minutes" integer DEFAULT 15 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "security_policy_single_row" CHECK ("security_policy"."id" = 1)
);
--> statement-breakpoint
DROP TABLE "login_attempts" CASCADE;--> statement-breakpoint
CREATE INDEX "login_throttle_locked_idx" ON "login_throttle" USING btree ("locked_until");--> statement-breakpoint
CREATE INDEX "audit_log_user_id_idx" ON "audit_log" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_event_id_idx" ON "audit_log" USING btree ("event","id");--> statement-breakpoint
CREATE INDEX "audit_log_result_id_idx" ON "audit_log" USING btree ("result","id");--> statement-breakpoint
INSERT INTO "security_policy" ("id") VALUES (1) ON CONFLICT DO NOTHING;--> statement-breakpoint
-- Locks still running move to the throttle table, which now holds every login counter and lock.
INSERT INTO "login_throttle" ("scope", "key", "count", "window_start", "locked_until")
  SELECT 'account', lower("username"), 0, now(), "locked_until" FROM "users" WHERE "locked_until" > now()
  ON CONFLICT DO NOTHING;
