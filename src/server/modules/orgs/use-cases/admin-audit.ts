import type { UseCaseContext } from '../../../http/context.js';
import { auditAction } from '../../audit/audit.js';

/** The one audit row every administrative change writes, in the change's own transaction (SECURITY.md §16). */
export function auditAdminChange(
  ctx: UseCaseContext,
  event: string,
  object: { type: string; id: string | null },
  detail?: Record<string, unknown>,
): Promise<void> {
  return auditAction(ctx, event, object, detail);
}
