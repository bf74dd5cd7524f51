ALTER TABLE "users" ADD COLUMN "phone_enc" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone_index" text;--> statement-breakpoint
CREATE INDEX "users_phone_index_idx" ON "users" USING btree ("phone_index");--> statement-breakpoint
-- Plain phones of older installs and demo data are encrypted here by the server (the key is not in SQL:
-- src/server/db/data-steps.ts), in this migration's transaction, before the plain column goes.
-- zx:data-step encrypt-user-phones
--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "phone";