import type { UseCaseContext } from '../../../http/context.js';
import { writeAudit } from '../../audit/audit.js';

/**
 * The one audit row every administrative change writes, in the change's own transaction: if it cannot be
 * written, the change is rolled back with it (SECURITY.md §16).
 */
export async function auditAdminChange(
  ctx: UseCaseContext,
  event: string,
  object: { type: string; id: string | null },
  detail?: Record<string, unknown>,
): Promise<void> {
  await writeAudit(ctx.tx, {
    at: ctx.now,
    userId: ctx.actor.userId,
    ip: ctx.ip,
    requestId: ctx.requestId,
    event,
    objectType: object.type,
    objectId: object.id,
    result: 'success',
    detail: detail ?? null,
  });
}
