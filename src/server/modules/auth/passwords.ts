import { hash, verify } from '@node-rs/argon2';

/** argon2id with 46 MiB, t=1, p=1 (OWASP's first recommended set; SECURITY.md §2). */
const OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable under verbatimModuleSyntax */,
  memoryCost: 47104,
  timeCost: 1,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
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

const TOP_PASSWORDS = new Set([
  '123456789012',
  'password1234',
  'qwertyuiop12',
  '1qaz2wsx3edc',
  'admin1234567',
  'zhengxun1234',
  'Password@123',
  'P@ssw0rd1234',
  'Aa123456789!',
  'Admin@123456',
  'Abc@12345678',
  'Qwer@1234567',
]);

export interface PasswordRules {
  passwordMinLength: number;
  passwordMinClasses: number;
}
export const DEFAULT_PASSWORD_RULES: PasswordRules = { passwordMinLength: 12, passwordMinClasses: 3 };

/** The rules in words, for forms and refusals. */
export function passwordRulesText(rules: PasswordRules = DEFAULT_PASSWORD_RULES): string {
  return `至少${rules.passwordMinLength}位，含大写字母、小写字母、数字、特殊字符中的至少${rules.passwordMinClasses}类，不得包含用户名`;
}

/**
 * 等保 practice: at least 12 characters, three of four character classes (the security administrator may
 * raise or lower these within bounds), not a well-known password, not containing the login name.
 * Returns the reason for refusal, or null.
 */
export function passwordPolicyViolation(
  password: string,
  username: string,
  rules: PasswordRules = DEFAULT_PASSWORD_RULES,
): string | null {
  if (password.length < rules.passwordMinLength) return `密码长度至少${rules.passwordMinLength}位`;
  if (password.length > 128) return '密码长度不能超过128位';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < rules.passwordMinClasses)
    return `密码须包含大写字母、小写字母、数字、特殊字符中的至少${rules.passwordMinClasses}类`;
  if (TOP_PASSWORDS.has(password) || TOP_PASSWORDS.has(password.toLowerCase()))
    return '该密码过于常见，请更换';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}
