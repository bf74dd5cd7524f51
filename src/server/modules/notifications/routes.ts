import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction, readContext } from '../../app.js';
import { orgsWithRole, type Actor, type UseCaseContext } from '../../http/context.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { notFound } from '../../http/errors.js';
import { Timestamp } from '../../http/responses.js';
import { BUSINESS_ROLES } from '../orgs/domain.js';
import { orgs } from '../orgs/schema.js';
import { notificationReads, notifications } from './schema.js';
import { entityId } from '../../http/entity-id.js';

const user = { access: 'user' } as const;
const tags = ['通知'];

const ListQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const IdParams = z.strictObject({ id: entityId({ error: '编号格式不正确' }) });

const NotificationPage = z.object({
  rows: z.array(
    z.object({
      id: z.string(),
      orgId: z.string(),
      orgName: z.string(),
      kind: z.string(),
      title: z.string(),
      body: z.string().nullable(),
      link: z.object({ type: z.string(), id: z.string() }).nullable(),
      createdAt: Timestamp,
      readAt: Timestamp.nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
  unreadCount: z.number(),
});
const MarkedRead = z.object({ id: z.string(), read: z.boolean() });

/** Notifications are addressed to units: a person sees those of every unit they hold a business role in. */
export function myOrgIds(actor: Actor): string[] {
  return orgsWithRole(actor, BUSINESS_ROLES);
}

/** What the actor sees: their units' notices (not those addressed to one person) and their own account notices. */
function visibleTo(actor: Actor) {
  const mine = myOrgIds(actor);
  const own = eq(notifications.userId, actor.userId);
  return mine.length === 0
    ? own
    : or(and(inArray(notifications.orgId, mine), isNull(notifications.userId)), own);
}

/** The current user's notifications, newest first (keyset), with their own read state. */
export async function listNotifications(
  ctx: UseCaseContext,
  q: { unread?: 'true' | 'false' | undefined; cursor?: string | undefined; limit: number },
) {
  const c = q.cursor ? decodeCursor(q.cursor) : null;
  const readJoin = and(
    eq(notificationReads.notificationId, notifications.id),
    eq(notificationReads.userId, ctx.actor.userId),
  );
  const rows = await ctx.tx
    .select({ n: notifications, orgName: orgs.name, readAt: notificationReads.readAt })
    .from(notifications)
    .innerJoin(orgs, eq(orgs.id, notifications.orgId))
    .leftJoin(notificationReads, readJoin)
    .where(
      and(
        visibleTo(ctx.actor),
        q.unread === 'true' ? isNull(notificationReads.readAt) : undefined,
        q.unread === 'false' ? sql`${notificationReads.readAt} is not null` : undefined,
        c
          ? sql`(${notifications.createdAt}, ${notifications.id}) < (${c.at.toISOString()}::timestamptz, ${c.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(q.limit + 1);
  const [count] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .leftJoin(notificationReads, readJoin)
    .where(and(visibleTo(ctx.actor), isNull(notificationReads.readAt)));
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ n, orgName, readAt }) => ({
      id: n.id,
      orgId: n.orgId,
      orgName,
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      createdAt: n.createdAt,
      readAt,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.n.createdAt, last.n.id) : null,
    unreadCount: count?.n ?? 0,
  };
}

export async function notificationRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/notifications',
    {
      config: user,
      schema: {
        tags,
        summary: '我所在单位的通知（新的在前，含未读数）',
        querystring: ListQuery,
        response: { 200: NotificationPage },
      },
    },
    async (req) => listNotifications(readContext(req), req.query),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      config: user,
      schema: { tags, summary: '标记通知为已读', params: IdParams, response: { 200: MarkedRead } },
    },
    async (req) =>
      inTransaction(req, async (ctx) => {
        const [n] = await ctx.tx
          .select({ id: notifications.id })
          .from(notifications)
          .where(and(eq(notifications.id, req.params.id), visibleTo(ctx.actor)));
        if (!n) throw notFound('通知');
        await ctx.tx
          .insert(notificationReads)
          .values({ notificationId: req.params.id, userId: ctx.actor.userId, readAt: ctx.now })
          .onConflictDoNothing();
        return { id: req.params.id, read: true };
      }),
  );
}
