import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';
import { PROJECT_ROOT } from '../../paths.js';
import { WEAKNESS_MESSAGES, passwordWeakness, type PasswordContext } from './password-strength.js';

/** argon2id with 46 MiB, t=1, p=1 (OWASP's first recommended set; SECURITY.md §2). */
const OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable under verbatimModuleSyntax */,
  memoryCost: 47104,
  timeCost: 1,
  parallelism: 1,
} as const;

/** libuv's thread pool, where argon2 runs beside file reads (static files, attachments). */
const THREAD_POOL = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/**
 * Every hash and verification waits its turn, first come first served: at most one per core, and never the
 * whole thread pool (each costs a core and 46 MiB for tens of milliseconds), so a burst of logins leaves
 * file reads a thread. Not a speed-up: an A/B of 16 logins at once on PGlite measured the same with and
 * without the queue (p95 440–650 ms either way on this 2-core machine).
 */
const passwordWork = pLimit(Math.max(1, Math.min(availableParallelism(), THREAD_POOL - 1)));

/** How many hashes run and wait now, and the limit (the tests read it). */
export function passwordQueue(): { running: number; waiting: number; limit: number } {
  return {
    running: passwordWork.activeCount,
    waiting: passwordWork.pendingCount,
    limit: passwordWork.concurrency,
  };
}

export function hashPassword(password: string): Promise<string> {
  return passwordWork(() => hash(password, OPTIONS));
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await passwordWork(() => verify(stored, password));
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the user does not exist, so timing does not tell. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('zhengxun-dummy-password-for-timing');
  return dummy;
}

/**
 * The first 100,000 lines of the "10 million password list" (Mark Burnett / xato.net, published in OWASP
 * SecLists) — resources/common-passwords-top100000.txt, see resources/README.md. Read once, on first use.
 */
let common: Set<string> | null = null;
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    readFileSync(join(PROJECT_ROOT, 'resources/common-passwords-top100000.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean),
  );
  return common.has(password.toLowerCase());
}

export interface PasswordRules {
  passwordMinLength: number;
  passwordMinClasses: number;
}
export const DEFAULT_PASSWORD_RULES: PasswordRules = { passwordMinLength: 12, passwordMinClasses: 3 };

/** The rules in words, for forms and refusals. */
export function passwordRulesText(rules: PasswordRules = DEFAULT_PASSWORD_RULES): string {
  return `至少${rules.passwordMinLength}位，含大写字母、小写字母、数字、特殊字符中的至少${rules.passwordMinClasses}类，不得是常见密码或键盘连续字符，不得包含用户名、姓名或单位代码`;
}

/**
 * 等保 practice: at least 12 characters, three of four character classes (the security administrator may
 * raise or lower these within bounds), not a well-known password (nor one decorated with a year or symbols),
 * not a keyboard walk, not containing the login name, the person's name or the unit's code.
 * Returns the reason for refusal, or null.
 */
export function passwordPolicyViolation(
  password: string,
  username: string,
  rules: PasswordRules = DEFAULT_PASSWORD_RULES,
  context: Omit<PasswordContext, 'username'> = {},
): string | null {
  if (password.length < rules.passwordMinLength) return `密码长度至少${rules.passwordMinLength}位`;
  if (password.length > 128) return '密码长度不能超过128位';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < rules.passwordMinClasses)
    return `密码须包含大写字母、小写字母、数字、特殊字符中的至少${rules.passwordMinClasses}类`;
  const weakness = passwordWeakness(password, { ...context, username }, isCommonPassword);
  return weakness ? WEAKNESS_MESSAGES[weakness] : null;
}
