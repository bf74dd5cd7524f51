import { CACHE_CHANNELS } from '../../db/cache-channels.js';
import type { Membership } from '../../http/context.js';

/** The channel the session triggers notify (drizzle/0023_session_cache_invalidation.sql): payload a user id. */
export const SESSION_CHANNEL = CACHE_CHANNELS.sessions;

/** What the session lookup reads for a request (sessions.ts `sessionStatement`). */
export interface SessionRow {
  s: { lastSeenAt: Date; expiresAt: Date; csrfToken: string };
  u: { id: string; username: string; displayName: string; disabled: boolean; mustChangePassword: boolean };
  memberships: Membership[];
}

interface Entry {
  row: SessionRow;
  /** When the entry stops being served (ms since the epoch), however quiet the invalidation channel is. */
  until: number;
}

export interface SessionCacheOptions {
  /** The longest an entry is served: the bound on staleness should a notification ever be lost. */
  ttlMs: number;
  maxEntries: number;
}

export const SESSION_CACHE_DEFAULTS: SessionCacheOptions = { ttlMs: 10_000, maxEntries: 20_000 };

/**
 * The sessions of this instance's recent reading requests, so that a page of the inbox costs one statement,
 * not two. Exact across instances: every change to what a session resolves to (the session deleted or its
 * token, lifetime or user changed; the user renamed, disabled or told to change the password; a role
 * granted, confirmed or taken away) notifies `zx_sessions` with the user's id from a trigger, in the
 * changing transaction, and every instance drops that user's entries when the commit's notification
 * arrives. A lookup that raced a notification is not kept (the generation moved while it ran).
 *
 * Only served while the instance is listening: when the LISTEN connection drops, everything is forgotten
 * and nothing is kept until it is back. State-changing requests never use it (sessions.ts `fresh`), so a
 * write is always authorised against the committed session, never one a notification is still on its way
 * to invalidate.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  private generation = 0;
  private listening = false;

  constructor(private readonly options: SessionCacheOptions = SESSION_CACHE_DEFAULTS) {}

  get size(): number {
    return this.entries.size;
  }

  /** The generation a lookup starts from: `store` refuses its row when an invalidation came in between. */
  begin(): number {
    return this.generation;
  }

  get(idHash: string, nowMs: number): SessionRow | null {
    if (!this.listening) return null;
    const e = this.entries.get(idHash);
    if (!e) return null;
    if (nowMs >= e.until || nowMs >= e.row.s.expiresAt.getTime()) {
      this.forgetSession(idHash);
      return null;
    }
    return e.row;
  }

  store(idHash: string, row: SessionRow, generation: number, nowMs: number): void {
    if (!this.listening || generation !== this.generation || row.u.disabled) return;
    if (this.entries.size >= this.options.maxEntries && !this.entries.has(idHash)) {
      // The oldest kept (a Map iterates in insertion order).
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.forgetSession(oldest);
    }
    this.forgetSession(idHash);
    this.entries.set(idHash, { row, until: nowMs + this.options.ttlMs });
    let mine = this.byUser.get(row.u.id);
    if (!mine) this.byUser.set(row.u.id, (mine = new Set()));
    mine.add(idHash);
  }

  /** This instance touched the session (its last activity): the kept row follows. */
  touched(idHash: string, at: Date): void {
    const e = this.entries.get(idHash);
    if (e) e.row = { ...e.row, s: { ...e.row.s, lastSeenAt: at } };
  }

  forgetSession(idHash: string): void {
    const e = this.entries.get(idHash);
    if (!e) return;
    this.entries.delete(idHash);
    const mine = this.byUser.get(e.row.u.id);
    mine?.delete(idHash);
    if (mine?.size === 0) this.byUser.delete(e.row.u.id);
  }

  /** A notification: `userId`'s sessions changed (null: notifications may have been missed). */
  invalidate(userId: string | null): void {
    this.generation++;
    if (userId === null) {
      this.entries.clear();
      this.byUser.clear();
      return;
    }
    for (const idHash of [...(this.byUser.get(userId) ?? [])]) this.forgetSession(idHash);
  }

  /**
   * Whether the invalidation channel is connected. Either way everything is forgotten, and a lookup that
   * started before is not kept: what was notified while it was down is lost.
   */
  setListening(up: boolean): void {
    this.invalidate(null);
    this.listening = up;
  }
}
