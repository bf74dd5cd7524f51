import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction, readContext } from '../../app.js';
import { PERIODICAL_KINDS } from './domain.js';
import { periodicals } from './schema.js';
import { createPeriodical } from './use-cases/create-periodical.js';
import { listPeriodicals } from './use-cases/list-periodicals.js';

const user = { access: 'user' } as const;
const tags = ['刊物'];

const PeriodicalListQuery = z.strictObject({ hubId: z.uuid() });
const CreatePeriodicalBody = z.strictObject({
  hubId: z.uuid(),
  name: z.string().trim().min(1, '请填写刊物名称').max(50, '刊物名称不能超过50字'),
  kind: z.enum(PERIODICAL_KINDS),
});

/** A hub's periodicals. */
export async function periodicalRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/periodicals',
    { config: user, schema: { tags, summary: '汇总单位的刊物', querystring: PeriodicalListQuery } },
    async (req) => listPeriodicals(readContext(req), req.query.hubId),
  );

  app.post(
    '/api/periodicals',
    {
      config: user,
      schema: { tags, summary: '创办刊物（主编、单位管理员或系统管理员）', body: CreatePeriodicalBody },
    },
    async (req, reply) => {
      const id = await inTransaction(req, (ctx) => createPeriodical(ctx, req.body));
      const [row] = await req.server.database.db.select().from(periodicals).where(eq(periodicals.id, id));
      return reply.code(201).send(row);
    },
  );
}
