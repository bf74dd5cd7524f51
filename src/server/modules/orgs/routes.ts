import type { FastifyInstance } from 'fastify';

/** Units, people, hub settings and the org-tree import. */
export async function orgRoutes(app: FastifyInstance): Promise<void> {
  void app;
}
