import type { FastifyInstance } from 'fastify';

/** A hub's periodicals. */
export async function periodicalRoutes(app: FastifyInstance): Promise<void> {
  void app;
}
