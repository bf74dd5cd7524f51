import { and, eq, gt } from 'drizzle-orm';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Listen } from '../../db/change-feed.js';
import { requireActor } from '../auth/routes.js';
import { sessions } from '../auth/schema.js';
import { loadSecurityPolicy } from '../auth/security-policy.js';
import { NOTIFY_CHANNEL } from './notify.js';
import { z } from 'zod';

/** The stream's body, for the OpenAPI document (the route writes it itself; no serialiser runs). */
const EventStream = z.string().meta({ type: 'string', format: 'event-stream' });
import { myOrgIds } from './routes.js';

/** One open event stream: told when a unit it listens for has something new. */
interface Sink {
  userId: string;
  orgIds: readonly string[];
  send(event: string, data: string): void;
  end(): void;
}

export interface LiveOptions {
  /** Comment lines keep proxies from closing an idle stream; the session is re-checked at each. */
  heartbeatMs: number;
  /** A stream ends after this long; the browser reconnects and is authenticated afresh. */
  maxLifetimeMs: number;
  /** Streams one user may hold on one instance (tabs); the oldest is closed beyond it. */
  perUser: number;
}

export const LIVE_DEFAULTS: LiveOptions = { heartbeatMs: 25_000, maxLifetimeMs: 10 * 60_000, perUser: 6 };

/**
 * Live notifications: every instance reads one channel of the change feed (db/change-feed.ts), and a
 * committed notification is pushed as an event to the streams of that unit's people on every instance.
 * The event carries no content, only "look again": the browser re-reads GET /api/notifications, so what a
 * user sees is always decided by the same query and policy as a page load.
 */
export class LiveNotifications {
  private readonly byOrg = new Map<string, Set<Sink>>();
  private readonly byUser = new Map<string, Sink[]>();
  private stopListening: (() => Promise<void>) | null = null;

  constructor(private readonly listen: Listen) {}

  async start(): Promise<void> {
    this.stopListening = await this.listen(NOTIFY_CHANNEL, (payload) => this.deliver(payload));
  }

  /** Ends every stream and the LISTEN connection (server shutdown). */
  async stop(): Promise<void> {
    for (const set of this.byOrg.values()) for (const s of [...set]) s.end();
    const stop = this.stopListening;
    this.stopListening = null;
    if (stop) await stop();
  }

  get size(): number {
    let n = 0;
    for (const list of this.byUser.values()) n += list.length;
    return n;
  }

  /** Payload: comma-separated unit ids, `*` for all, null when the listener reconnected (missed some). */
  deliver(payload: string | null): void {
    const targets = new Set<Sink>();
    if (payload === null || payload === '*')
      for (const set of this.byOrg.values()) for (const s of set) targets.add(s);
    else for (const orgId of payload.split(',')) for (const s of this.byOrg.get(orgId) ?? []) targets.add(s);
    for (const s of targets) s.send('notifications', '{}');
  }

  subscribe(sink: Sink, perUser: number): () => void {
    const mine = this.byUser.get(sink.userId) ?? [];
    mine.push(sink);
    this.byUser.set(sink.userId, mine);
    while (mine.length > perUser) mine[0]!.end();
    for (const orgId of sink.orgIds) {
      const set = this.byOrg.get(orgId) ?? new Set<Sink>();
      set.add(sink);
      this.byOrg.set(orgId, set);
    }
    return () => {
      const list = this.byUser.get(sink.userId);
      if (list) {
        const i = list.indexOf(sink);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.byUser.delete(sink.userId);
      }
      for (const orgId of sink.orgIds) {
        const set = this.byOrg.get(orgId);
        set?.delete(sink);
        if (set?.size === 0) this.byOrg.delete(orgId);
      }
    };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveNotifications;
  }
}

/** The stream route: `GET /api/notifications/stream`, Server-Sent Events (root-level: `app.live`). */
export const liveRoutes = fp(async (app: FastifyInstance, opts: Partial<LiveOptions>) => {
  const options = { ...LIVE_DEFAULTS, ...opts };
  const live = new LiveNotifications(app.changeFeed.listen);
  app.decorate('live', live);
  app.addHook('onReady', () => live.start());
  // Before the server stops accepting: open streams would otherwise hold close() until they end.
  app.addHook('preClose', () => live.stop());

  app.get(
    '/api/notifications/stream',
    {
      config: { access: 'user' },
      schema: {
        tags: ['通知'],
        summary:
          '通知推送（Server-Sent Events）：本人所在单位有新通知时推送 notifications 事件，客户端随即重新读取通知列表；不属于任何业务单位（三员）时答 204',
        produces: ['text/event-stream'],
        response: {
          200: {
            description:
              '事件流：ready（已连接）、notifications（有新通知，请重新读取 GET /api/notifications），每25秒一行注释作心跳',
            content: { 'text/event-stream': { schema: EventStream } },
          },
        },
      },
    },
    (req, reply) => openStream(app, live, options, req, reply),
  );
});

function openStream(
  app: FastifyInstance,
  live: LiveNotifications,
  options: LiveOptions,
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  const actor = requireActor(req);
  const idHash = req.session!.idHash;
  const orgIds = myOrgIds(actor);
  // Nobody to listen for (the three administrators): 204 tells EventSource not to reconnect.
  if (orgIds.length === 0) {
    void reply.code(204).send();
    return;
  }
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // nginx and other proxies must pass events through as they come.
    'X-Accel-Buffering': 'no',
    Connection: 'keep-alive',
  });
  let open = true;
  const write = (text: string) => {
    if (open) res.write(text);
  };
  const sink: Sink = {
    userId: actor.userId,
    orgIds,
    send: (event, data) => write(`event: ${event}\ndata: ${data}\n\n`),
    end: () => finish(),
  };
  const unsubscribe = live.subscribe(sink, options.perUser);
  const heartbeat = setInterval(() => void beat(), options.heartbeatMs);
  const lifetime = setTimeout(() => finish(), options.maxLifetimeMs);
  heartbeat.unref();
  lifetime.unref();
  function finish() {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    unsubscribe();
    res.end();
  }
  // A stream outlives nothing it was opened with: logout, forced logout or expiry ends it at the next beat.
  async function beat() {
    try {
      const now = new Date();
      const [s] = await app.database.db
        .select({ lastSeenAt: sessions.lastSeenAt })
        .from(sessions)
        .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)));
      const idleMs = (await loadSecurityPolicy(app.database.db)).sessionIdleMinutes * 60_000;
      if (!s || now.getTime() - s.lastSeenAt.getTime() > idleMs) finish();
      else write(': ping\n\n');
    } catch {
      finish();
    }
  }
  req.raw.on('close', finish);
  // `retry` sets the browser's reconnect delay; `ready` tells it the stream is live (it then reads once).
  write(`retry: 5000\n\nevent: ready\ndata: {}\n\n`);
}
