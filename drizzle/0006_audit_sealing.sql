CREATE TABLE "audit_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"last_hash" text NOT NULL,
	"signature" text NOT NULL,
	"sealed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seq" bigint;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_seq_idx" ON "audit_log" USING btree ("seq");--> statement-breakpoint
-- Rows written before sealing existed were chained in id order at insert: they take their places as is.
ALTER TABLE "audit_log" DISABLE TRIGGER audit_log_no_update;
--> statement-breakpoint
UPDATE "audit_log" a SET "seq" = n.seq FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM "audit_log") n WHERE a.id = n.id;
--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE TRIGGER audit_log_no_update;
--> statement-breakpoint
CREATE INDEX "audit_log_unsealed_idx" ON "audit_log" ("id") WHERE "seq" IS NULL;
--> statement-breakpoint
-- Append-only, but for sealing: a row without a place in the chain may receive one (seq, prev_hash, hash)
-- once, with nothing else changed. Any other UPDATE, any DELETE and TRUNCATE are refused.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.seq IS NULL AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
     AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
     AND (OLD.id, OLD.at, OLD.user_id, OLD.ip, OLD.request_id, OLD.event, OLD.object_type, OLD.object_id,
          OLD.result, OLD.detail::text)
         IS NOT DISTINCT FROM
         (NEW.id, NEW.at, NEW.user_id, NEW.ip, NEW.request_id, NEW.event, NEW.object_type, NEW.object_id,
          NEW.result, NEW.detail::text)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
--> statement-breakpoint
CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND NEW.seq < OLD.seq) THEN
    RAISE EXCEPTION 'audit_head only moves forward';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON "audit_head"
  FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
