CREATE TABLE "audit_archives" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"first_seq" bigint NOT NULL,
	"through_seq" bigint NOT NULL,
	"last_hash" text NOT NULL,
	"row_count" integer NOT NULL,
	"file_name" text NOT NULL,
	"file_sha256" text NOT NULL,
	"signature" text NOT NULL,
	"archived_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- Append-only: an archive record is never changed or removed.
CREATE FUNCTION audit_archives_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_archives is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_archives_no_change BEFORE UPDATE OR DELETE ON "audit_archives"
  FOR EACH ROW EXECUTE FUNCTION audit_archives_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_archives_no_truncate BEFORE TRUNCATE ON "audit_archives"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_archives_append_only();
--> statement-breakpoint
-- Archiving is the owner's (the CLI); the application role only reads where the chain now starts.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zx_app') THEN
    EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_archives FROM zx_app';
    EXECUTE 'GRANT SELECT ON audit_archives TO zx_app';
  END IF;
END
$$;
