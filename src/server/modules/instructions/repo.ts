import type { UseCaseContext } from '../../http/context.js';
import { writeAudit } from '../audit/audit.js';

/** The audit row of an instruction-module change, in the caller's transaction. */
export async function auditInstruction(
  ctx: UseCaseContext,
  event: string,
  objectType: 'instruction' | 'instruction_flag' | 'follow_up',
  objectId: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await writeAudit(ctx.tx, {
    at: ctx.now,
    userId: ctx.actor.userId,
    ip: ctx.ip,
    requestId: ctx.requestId,
    event: `instruction.${event}`,
    objectType,
    objectId,
    result: 'success',
    detail,
  });
}
