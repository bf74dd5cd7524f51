import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { securityPolicy } from './schema.js';

/** The editable fields of the security policy, with the bounds an assessor would accept (等保 practice). */
export const SecurityPolicyFields = z.strictObject({
  passwordMinLength: z.number().int().min(8, '密码最小长度不得少于8位').max(64, '密码最小长度不得超过64位'),
  passwordMinClasses: z.number().int().min(2, '至少要求两类字符').max(4, '字符类别最多四类'),
  passwordHistory: z.number().int().min(0).max(24, '历史密码最多记录24个'),
  passwordMaxAgeDays: z.number().int().min(0).max(365, '密码有效期不得超过365天'),
  lockoutThreshold: z.number().int().min(3, '锁定阈值不得少于3次').max(20, '锁定阈值不得超过20次'),
  lockoutWindowMinutes: z.number().int().min(1).max(1440),
  lockoutMinutes: z.number().int().min(1, '锁定时长至少1分钟').max(1440, '锁定时长不得超过24小时'),
  sessionIdleMinutes: z.number().int().min(5).max(240),
  adminSessionIdleMinutes: z.number().int().min(5).max(60),
  /** Optional in requests so clients written before it keep working; always present in answers. */
  secondFactorRequired: z.enum(['none', 'admins', 'all']).optional(),
});
export type SecurityPolicyValues = z.infer<typeof SecurityPolicyFields>;
export type SecurityPolicy = typeof securityPolicy.$inferSelect;

export const DEFAULT_SECURITY_POLICY: SecurityPolicyValues = {
  passwordMinLength: 12,
  passwordMinClasses: 3,
  passwordHistory: 5,
  passwordMaxAgeDays: 90,
  lockoutThreshold: 5,
  lockoutWindowMinutes: 15,
  lockoutMinutes: 30,
  sessionIdleMinutes: 30,
  adminSessionIdleMinutes: 15,
  secondFactorRequired: 'none',
};

/** Read on every request (session idle timeout): a few seconds' cache per process; updates clear it. */
const CACHE_MS = 5_000;
const cache = new WeakMap<object, { at: number; policy: SecurityPolicy }>();

export async function loadSecurityPolicy(db: Db, fresh = false): Promise<SecurityPolicy> {
  const hit = cache.get(db);
  if (!fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.policy;
  const [row] = await db.select().from(securityPolicy).where(eq(securityPolicy.id, 1));
  const policy: SecurityPolicy = row ?? {
    id: 1,
    ...DEFAULT_SECURITY_POLICY,
    secondFactorRequired: 'none',
    version: 0,
    updatedAt: new Date(0),
    updatedBy: null,
  };
  cache.set(db, { at: Date.now(), policy });
  return policy;
}

export function forgetSecurityPolicy(db: Db): void {
  cache.delete(db);
}
