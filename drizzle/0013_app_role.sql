-- The application's database role (SECURITY.md §17, issue 8 failure 3): the owner runs migrations; the
-- server runs as zx_app, which reads and writes the business tables but may only INSERT and SELECT the audit
-- log, plus the one sealing UPDATE of (seq, prev_hash, hash) the append-only trigger allows. zx_app owns
-- nothing, so it cannot ALTER TABLE … DISABLE TRIGGER, TRUNCATE or DELETE audit rows.
-- Without CREATEROLE the role is not created and a warning says so: a DBA creates it and reruns these grants
-- (the server refuses to start in production while the configured role is missing).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zx_app') THEN
    BEGIN
      CREATE ROLE zx_app NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL; -- another database of the cluster made it just now
      WHEN insufficient_privilege THEN
        RAISE WARNING 'zx_app not created (the migrating role lacks CREATEROLE): create it and grant as in 0013_app_role.sql';
        RETURN;
    END;
  END IF;
  BEGIN
    EXECUTE format('GRANT zx_app TO %I', current_user);
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'could not grant zx_app to %: %', current_user, SQLERRM;
  END;
  EXECUTE 'GRANT USAGE ON SCHEMA public TO zx_app';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO zx_app';
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO zx_app';
  EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM zx_app';
  EXECUTE 'GRANT UPDATE (seq, prev_hash, hash) ON audit_log TO zx_app';
  EXECUTE 'REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_head FROM zx_app';
  EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM zx_app';
  -- Tables and sequences of later migrations (created by the owner running them) get the same grants;
  -- a later migration that must restrict one revokes explicitly.
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO zx_app';
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO zx_app';
END
$$;
