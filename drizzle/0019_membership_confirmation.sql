ALTER TABLE "memberships" ADD COLUMN "granted_by" uuid;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "confirmed_by" uuid;--> statement-breakpoint
CREATE INDEX "memberships_pending_idx" ON "memberships" USING btree ("created_at") WHERE "memberships"."confirmed_at" is null;--> statement-breakpoint
-- Every role granted before the two-person rule stays in force: confirmed as of its grant.
UPDATE "memberships" SET "confirmed_at" = "created_at" WHERE "confirmed_at" IS NULL;
