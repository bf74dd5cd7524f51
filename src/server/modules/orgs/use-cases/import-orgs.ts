import type { UseCaseContext } from '../../../http/context.js';
import { authorize } from '../../../policy/authorize.js';
import { importOrgTable, parseCsv, type ImportResult } from '../import.js';
import { auditAdminChange } from './admin-audit.js';

/** The system administrator imports (or re-imports) the org tree from CSV text. A dry run writes nothing. */
export async function importOrgs(
  ctx: UseCaseContext,
  input: { csv: string; dryRun?: boolean | undefined },
): Promise<ImportResult> {
  authorize(ctx.actor, 'org', 'manage_units', { orgId: '' });
  const result = await importOrgTable(ctx.tx, parseCsv(input.csv), {
    dryRun: input.dryRun ?? false,
    now: ctx.now,
  });
  if (!result.dryRun)
    await auditAdminChange(
      ctx,
      'org.import',
      { type: 'org', id: null },
      {
        source: 'api',
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
      },
    );
  return result;
}
