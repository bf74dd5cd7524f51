CREATE TABLE "issue_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"issue_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"body_html" text NOT NULL,
	"editor_note" text,
	"source_line" text NOT NULL,
	"combined" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issue_entry_sources" (
	"entry_id" uuid NOT NULL,
	"adoption_id" uuid NOT NULL,
	CONSTRAINT "issue_entry_sources_entry_id_adoption_id_pk" PRIMARY KEY("entry_id","adoption_id")
);
--> statement-breakpoint
CREATE TABLE "issue_reads" (
	"issue_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	CONSTRAINT "issue_reads_issue_id_user_id_pk" PRIMARY KEY("issue_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "issue_recipients" (
	"issue_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"entry_ids" jsonb,
	"sent_at" timestamp with time zone NOT NULL,
	"sent_by" uuid NOT NULL,
	"first_read_at" timestamp with time zone,
	"first_read_by" uuid,
	"recalled_at" timestamp with time zone,
	CONSTRAINT "issue_recipients_issue_id_org_id_pk" PRIMARY KEY("issue_id","org_id")
);
--> statement-breakpoint
CREATE TABLE "issue_reviews" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issue_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"opinion" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "periodical_issues" (
	"id" uuid PRIMARY KEY NOT NULL,
	"periodical_id" uuid NOT NULL,
	"state" text NOT NULL,
	"year" integer,
	"year_no" integer,
	"total_no" integer,
	"title" text,
	"issue_date" text,
	"lines" jsonb NOT NULL,
	"copies" integer DEFAULT 0 NOT NULL,
	"created_by" uuid NOT NULL,
	"signed_by" uuid,
	"signed_at" timestamp with time zone,
	"issued_by" uuid,
	"issued_at" timestamp with time zone,
	"recalled_at" timestamp with time zone,
	"recall_reason" text,
	"row_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_reads" (
	"notification_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_reads_notification_id_user_id_pk" PRIMARY KEY("notification_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text,
	"link" jsonb,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leader_instructions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"item_id" uuid,
	"issue_id" uuid,
	"leader_id" uuid NOT NULL,
	"leader_org_id" uuid NOT NULL,
	"leader_level" text NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notice_recipients" (
	"notice_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"first_read_at" timestamp with time zone,
	"first_read_by" uuid
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"hub_id" uuid NOT NULL,
	"title" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"period_label" text NOT NULL,
	"remarks" text,
	"snapshot" jsonb NOT NULL,
	"state" text NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"issued_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "quota_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"hub_id" uuid NOT NULL,
	"org_id" uuid,
	"org_kind" text,
	"period" text NOT NULL,
	"min_submitted" jsonb NOT NULL,
	"min_adopted" integer,
	"min_adoption_rate" numeric(5, 4),
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "score_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"hub_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"points" numeric(12, 4) NOT NULL,
	"cause_id" uuid,
	"item_id" uuid,
	"explanation" text NOT NULL,
	"detail" jsonb,
	"manual" boolean DEFAULT false NOT NULL,
	"reason" text,
	"created_by" uuid,
	"rule_version" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scoring_rule_sets" (
	"hub_id" uuid PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "publisher_name" text;--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "total_no_base" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "year_no_base" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "year_no_base_year" integer;--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "default_lines" jsonb DEFAULT '{"bao":[],"song":[],"fa":[]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "default_recipient_org_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "default_copies" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "periodicals" ADD COLUMN "row_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "issue_entries" ADD CONSTRAINT "issue_entries_issue_id_periodical_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."periodical_issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_entry_sources" ADD CONSTRAINT "issue_entry_sources_entry_id_issue_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."issue_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_entry_sources" ADD CONSTRAINT "issue_entry_sources_adoption_id_adoptions_id_fk" FOREIGN KEY ("adoption_id") REFERENCES "public"."adoptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_reads" ADD CONSTRAINT "issue_reads_issue_id_periodical_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."periodical_issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_reads" ADD CONSTRAINT "issue_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_reads" ADD CONSTRAINT "issue_reads_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_recipients" ADD CONSTRAINT "issue_recipients_issue_id_periodical_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."periodical_issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_recipients" ADD CONSTRAINT "issue_recipients_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_recipients" ADD CONSTRAINT "issue_recipients_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_recipients" ADD CONSTRAINT "issue_recipients_first_read_by_users_id_fk" FOREIGN KEY ("first_read_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_reviews" ADD CONSTRAINT "issue_reviews_issue_id_periodical_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."periodical_issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_reviews" ADD CONSTRAINT "issue_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "periodical_issues" ADD CONSTRAINT "periodical_issues_periodical_id_periodicals_id_fk" FOREIGN KEY ("periodical_id") REFERENCES "public"."periodicals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "periodical_issues" ADD CONSTRAINT "periodical_issues_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "periodical_issues" ADD CONSTRAINT "periodical_issues_signed_by_users_id_fk" FOREIGN KEY ("signed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "periodical_issues" ADD CONSTRAINT "periodical_issues_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_reads" ADD CONSTRAINT "notification_reads_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_reads" ADD CONSTRAINT "notification_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leader_instructions" ADD CONSTRAINT "leader_instructions_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leader_instructions" ADD CONSTRAINT "leader_instructions_issue_id_periodical_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."periodical_issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leader_instructions" ADD CONSTRAINT "leader_instructions_leader_id_users_id_fk" FOREIGN KEY ("leader_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leader_instructions" ADD CONSTRAINT "leader_instructions_leader_org_id_orgs_id_fk" FOREIGN KEY ("leader_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_recipients" ADD CONSTRAINT "notice_recipients_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_recipients" ADD CONSTRAINT "notice_recipients_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_recipients" ADD CONSTRAINT "notice_recipients_first_read_by_users_id_fk" FOREIGN KEY ("first_read_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_hub_id_orgs_id_fk" FOREIGN KEY ("hub_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_rules" ADD CONSTRAINT "quota_rules_hub_id_orgs_id_fk" FOREIGN KEY ("hub_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_rules" ADD CONSTRAINT "quota_rules_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_rules" ADD CONSTRAINT "quota_rules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_entries" ADD CONSTRAINT "score_entries_hub_id_orgs_id_fk" FOREIGN KEY ("hub_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_entries" ADD CONSTRAINT "score_entries_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_entries" ADD CONSTRAINT "score_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_rule_sets" ADD CONSTRAINT "scoring_rule_sets_hub_id_orgs_id_fk" FOREIGN KEY ("hub_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_rule_sets" ADD CONSTRAINT "scoring_rule_sets_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "issue_entries_issue_idx" ON "issue_entries" USING btree ("issue_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "issue_entry_sources_adoption_uq" ON "issue_entry_sources" USING btree ("adoption_id");--> statement-breakpoint
CREATE INDEX "issue_recipients_org_idx" ON "issue_recipients" USING btree ("org_id","sent_at");--> statement-breakpoint
CREATE INDEX "issue_reviews_issue_idx" ON "issue_reviews" USING btree ("issue_id");--> statement-breakpoint
CREATE INDEX "periodical_issues_periodical_idx" ON "periodical_issues" USING btree ("periodical_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "periodical_issues_year_no_uq" ON "periodical_issues" USING btree ("periodical_id","year","year_no");--> statement-breakpoint
CREATE UNIQUE INDEX "periodical_issues_total_no_uq" ON "periodical_issues" USING btree ("periodical_id","total_no");--> statement-breakpoint
CREATE INDEX "notifications_org_idx" ON "notifications" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "leader_instructions_item_idx" ON "leader_instructions" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "leader_instructions_at_idx" ON "leader_instructions" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_recipients_uq" ON "notice_recipients" USING btree ("notice_id","org_id");--> statement-breakpoint
CREATE INDEX "notice_recipients_org_idx" ON "notice_recipients" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "notices_hub_idx" ON "notices" USING btree ("hub_id","created_at");--> statement-breakpoint
CREATE INDEX "quota_rules_hub_idx" ON "quota_rules" USING btree ("hub_id");--> statement-breakpoint
CREATE INDEX "score_entries_hub_at_idx" ON "score_entries" USING btree ("hub_id","occurred_at");--> statement-breakpoint
CREATE INDEX "score_entries_hub_org_idx" ON "score_entries" USING btree ("hub_id","org_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "score_entries_auto_uq" ON "score_entries" USING btree ("hub_id","org_id","kind","cause_id") WHERE "score_entries"."manual" = false;