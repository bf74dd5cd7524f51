CREATE INDEX "score_entries_hub_org_item_at_idx" ON "score_entries" USING btree ("hub_id","org_id","item_id","occurred_at");--> statement-breakpoint
DROP INDEX "score_entries_hub_org_item_idx";