import type { UseCaseContext } from '../../http/context.js';
import { auditAction } from '../audit/audit.js';

/** The audit row of an instruction-module change, in the caller's transaction. */
export function auditInstruction(
  ctx: UseCaseContext,
  event: string,
  objectType: 'instruction' | 'instruction_flag' | 'follow_up',
  objectId: string,
  detail: Record<string, unknown>,
): Promise<void> {
  return auditAction(ctx, `instruction.${event}`, { type: objectType, id: objectId }, detail);
}
