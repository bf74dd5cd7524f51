import type { FastifyInstance } from 'fastify';
import { issueRoutes } from './routes/issues.js';
import { issueExportRoutes } from './routes/export.js';
import { periodicalSettingsRoutes } from './routes/periodicals.js';

/** A hub's periodicals, their issues, distribution and reading, and the issue's DOCX and printable page. */
export async function periodicalRoutes(app: FastifyInstance): Promise<void> {
  await periodicalSettingsRoutes(app);
  await issueRoutes(app);
  await issueExportRoutes(app);
}
