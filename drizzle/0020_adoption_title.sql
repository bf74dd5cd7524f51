ALTER TABLE "adoptions" ADD COLUMN "title" text;--> statement-breakpoint
-- Every adoption made before this migration: the title of the version it adopted.
UPDATE "adoptions" a SET "title" = v."title" FROM "item_versions" v WHERE v."id" = a."version_id";--> statement-breakpoint
ALTER TABLE "adoptions" ALTER COLUMN "title" SET NOT NULL;
