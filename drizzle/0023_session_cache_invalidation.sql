-- Every change to what a session resolves to notifies `zx_sessions` with the user's id, from the changing
-- transaction (delivered at its commit, to every instance): the instances' session caches
-- (src/server/modules/auth/session-cache.ts) drop that user's entries. A session's activity time counts
-- (last_seen_at, touched at most once a minute: the idle timeout is judged on it); a user's last login or
-- password hash does not (a password change deletes the user's other sessions, which notifies).
CREATE FUNCTION zx_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('zx_sessions', OLD.id::text);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('zx_sessions', OLD.user_id::text);
  ELSE
    PERFORM pg_notify('zx_sessions', NEW.user_id::text);
    IF TG_OP = 'UPDATE' AND OLD.user_id IS DISTINCT FROM NEW.user_id THEN
      PERFORM pg_notify('zx_sessions', OLD.user_id::text);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER sessions_cache_del AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION zx_session_changed();--> statement-breakpoint
CREATE TRIGGER sessions_cache_upd AFTER UPDATE OF id_hash, user_id, csrf_token, last_seen_at, expires_at ON sessions
  FOR EACH ROW EXECUTE FUNCTION zx_session_changed();--> statement-breakpoint
CREATE TRIGGER users_cache_upd AFTER UPDATE OF id, username, display_name, disabled, must_change_password ON users
  FOR EACH ROW EXECUTE FUNCTION zx_session_changed();--> statement-breakpoint
CREATE TRIGGER users_cache_del AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION zx_session_changed();--> statement-breakpoint
CREATE TRIGGER memberships_cache AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION zx_session_changed();
