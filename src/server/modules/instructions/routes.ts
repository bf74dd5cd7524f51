import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction } from '../../app.js';
import { ORG_LEVEL_LABELS } from '../orgs/domain.js';
import { leaderInstructions } from './schema.js';
import { createInstruction } from './use-cases/create-instruction.js';

const InstructionBody = z.strictObject({
  itemId: z.uuid(),
  text: z.string().trim().min(1, '请填写批示内容').max(2000),
  leaderOrgId: z.uuid().nullish(),
});

/** 领导批示 (minimal): a leader records an instruction on an item sent to their hub. */
export async function instructionRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/instructions',
    {
      config: { access: 'user' },
      schema: { tags: ['领导批示'], summary: '领导对稿件作出批示', body: InstructionBody },
    },
    async (req, reply) => {
      const id = await inTransaction(req, (ctx) => createInstruction(ctx, req.body));
      const [row] = await req.server.database.db
        .select()
        .from(leaderInstructions)
        .where(eq(leaderInstructions.id, id));
      return reply.code(201).send({
        ...row!,
        leaderLevelLabel: ORG_LEVEL_LABELS[row!.leaderLevel],
        createdAt: row!.createdAt.toISOString(),
      });
    },
  );
}
