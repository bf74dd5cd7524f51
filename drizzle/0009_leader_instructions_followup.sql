CREATE TABLE "follow_up_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"instruction_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"item_id" uuid,
	"due_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"answer" text,
	"answered_by" uuid,
	"answered_at" timestamp with time zone,
	"row_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instruction_flags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"hub_id" uuid NOT NULL,
	"item_id" uuid,
	"issue_id" uuid,
	"leader_id" uuid NOT NULL,
	"flagged_by" uuid NOT NULL,
	"note" text,
	"state" text NOT NULL,
	"instruction_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "leader_instructions" ADD COLUMN "entry_id" uuid;--> statement-breakpoint
ALTER TABLE "leader_instructions" ADD COLUMN "follow_up_requirement" text;--> statement-breakpoint
ALTER TABLE "leader_instructions" ADD COLUMN "follow_up_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "follow_up_tasks" ADD CONSTRAINT "follow_up_tasks_instruction_id_leader_instructions_id_fk" FOREIGN KEY ("instruction_id") REFERENCES "public"."leader_instructions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_tasks" ADD CONSTRAINT "follow_up_tasks_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_tasks" ADD CONSTRAINT "follow_up_tasks_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_tasks" ADD CONSTRAINT "follow_up_tasks_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instruction_flags" ADD CONSTRAINT "instruction_flags_hub_id_orgs_id_fk" FOREIGN KEY ("hub_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instruction_flags" ADD CONSTRAINT "instruction_flags_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instruction_flags" ADD CONSTRAINT "instruction_flags_issue_id_periodical_issues_id_fk" FOREIGN KEY ("issue_id") REFERENCES "public"."periodical_issues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instruction_flags" ADD CONSTRAINT "instruction_flags_leader_id_users_id_fk" FOREIGN KEY ("leader_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instruction_flags" ADD CONSTRAINT "instruction_flags_flagged_by_users_id_fk" FOREIGN KEY ("flagged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instruction_flags" ADD CONSTRAINT "instruction_flags_instruction_id_leader_instructions_id_fk" FOREIGN KEY ("instruction_id") REFERENCES "public"."leader_instructions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "follow_up_tasks_instruction_org_uq" ON "follow_up_tasks" USING btree ("instruction_id","org_id");--> statement-breakpoint
CREATE INDEX "follow_up_tasks_org_idx" ON "follow_up_tasks" USING btree ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "instruction_flags_leader_idx" ON "instruction_flags" USING btree ("leader_id","state","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "instruction_flags_open_item_uq" ON "instruction_flags" USING btree ("leader_id","item_id") WHERE "instruction_flags"."state" = 'open' and "instruction_flags"."item_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "instruction_flags_open_issue_uq" ON "instruction_flags" USING btree ("leader_id","issue_id") WHERE "instruction_flags"."state" = 'open' and "instruction_flags"."issue_id" is not null;--> statement-breakpoint
ALTER TABLE "leader_instructions" ADD CONSTRAINT "leader_instructions_entry_id_issue_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."issue_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leader_instructions_issue_idx" ON "leader_instructions" USING btree ("issue_id");--> statement-breakpoint
CREATE INDEX "leader_instructions_leader_idx" ON "leader_instructions" USING btree ("leader_id","created_at","id");