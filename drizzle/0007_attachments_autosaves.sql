CREATE TABLE "attachment_issue_uses" (
	"attachment_id" uuid NOT NULL,
	"issue_id" uuid NOT NULL,
	CONSTRAINT "attachment_issue_uses_attachment_id_issue_id_pk" PRIMARY KEY("attachment_id","issue_id")
);
--> statement-breakpoint
CREATE TABLE "attachment_item_uses" (
	"attachment_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	CONSTRAINT "attachment_item_uses_attachment_id_item_id_pk" PRIMARY KEY("attachment_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"mime" text NOT NULL,
	"byte_size" integer NOT NULL,
	"width" integer,
	"height" integer,
	"file_name" text NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "autosaves" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"target" text NOT NULL,
	"base_row_version" integer,
	"title" text NOT NULL,
	"body_html" text NOT NULL,
	"fields" jsonb NOT NULL,
	"saved_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attachment_issue_uses" ADD CONSTRAINT "attachment_issue_uses_attachment_id_attachments_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment_issue_uses" ADD CONSTRAINT "attachment_issue_uses_issue_id_periodical_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."periodical_issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment_item_uses" ADD CONSTRAINT "attachment_item_uses_attachment_id_attachments_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment_item_uses" ADD CONSTRAINT "attachment_item_uses_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autosaves" ADD CONSTRAINT "autosaves_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachment_issue_uses_issue_idx" ON "attachment_issue_uses" USING btree ("issue_id");--> statement-breakpoint
CREATE INDEX "attachment_item_uses_item_idx" ON "attachment_item_uses" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "attachments_uploader_idx" ON "attachments" USING btree ("uploaded_by","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "autosaves_user_target_uq" ON "autosaves" USING btree ("user_id","target");