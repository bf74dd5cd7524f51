-- Self-references drizzle-kit does not express, and the audit log's append-only guarantee.
ALTER TABLE "orgs" ADD CONSTRAINT "orgs_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "orgs"("id");
--> statement-breakpoint
ALTER TABLE "hops" ADD CONSTRAINT "hops_parent_fk" FOREIGN KEY ("parent_hop_id") REFERENCES "hops"("id");
--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_follows_fk" FOREIGN KEY ("follows_item_id") REFERENCES "items"("id");
--> statement-breakpoint
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
-- 三员分立: an administrator role excludes every other role of the same user.
CREATE FUNCTION memberships_separation_of_duties() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  admin_roles text[] := ARRAY['sys_admin', 'sec_admin', 'audit_admin'];
BEGIN
  IF EXISTS (
    SELECT 1 FROM memberships m
    WHERE m.user_id = NEW.user_id AND m.role <> NEW.role
      AND (m.role = ANY (admin_roles) OR NEW.role = ANY (admin_roles))
  ) THEN
    RAISE EXCEPTION 'separation of duties: administrator roles exclude other roles' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER memberships_sod BEFORE INSERT OR UPDATE ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION memberships_separation_of_duties();
