import { and, eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../../crypto/provider.js';
import type { Db } from '../../db/client.js';
import type { Actor } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import { ADMIN_ROLES } from '../orgs/domain.js';
import { secondFactors } from './schema.js';
import type { SecurityPolicy } from './security-policy.js';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.js';

/**
 * Second factors behind one interface (SECURITY.md §6). TOTP is built in; an SM2 certificate / UKey
 * provider (a certified product: the browser or a client component signs the server's challenge with the
 * key on the token, the provider checks the signature against the enrolled certificate and its chain)
 * plugs in with `registerSecondFactorProvider` at start-up. Until then its slot refuses with "not
 * configured".
 *
 * - `enrolStart` makes the material to keep (stored only encrypted, through the crypto provider) and what
 *   to show the user (for TOTP the otpauth:// URI for the QR code, and the secret as text).
 * - `enrolConfirm` checks the user's first response against the new material.
 * - `verify` checks a login response; `lastUsedStep` is the provider's replay marker (TOTP time step, or a
 *   counter); the caller stores the returned `step` with a conditional UPDATE so a response is used once.
 */
export type SecondFactorKind = 'totp' | 'sm2-ukey';

export type SecondFactorCheck = { ok: true; step: number | null } | { ok: false };

export interface SecondFactorProvider {
  readonly kind: SecondFactorKind;
  readonly label: string;
  enrolStart(account: {
    username: string;
  }): Promise<{ material: Buffer; show: { uri?: string; secret?: string } }>;
  enrolConfirm(material: Buffer, response: string, now: Date): Promise<SecondFactorCheck>;
  verify(
    material: Buffer,
    response: string,
    now: Date,
    lastUsedStep: number | null,
  ): Promise<SecondFactorCheck>;
}

export const TOTP_ISSUER = '政讯';

export const totpProvider: SecondFactorProvider = {
  kind: 'totp',
  label: '动态口令（TOTP）',
  enrolStart: async ({ username }) => {
    const secret = newTotpSecret();
    const uri = otpauthUri(secret, username, TOTP_ISSUER);
    return { material: secret, show: { uri, secret: new URL(uri).searchParams.get('secret') ?? '' } };
  },
  enrolConfirm: async (material, response, now) =>
    check(matchTotp(material, response.trim(), now.getTime(), null)),
  verify: async (material, response, now, last) =>
    check(matchTotp(material, response.trim(), now.getTime(), last)),
};

const check = (step: number | null): SecondFactorCheck =>
  step === null ? { ok: false } : { ok: true, step };

const notConfigured = async (): Promise<never> => {
  throw new AppError('conflict', 'SM2证书/UKey认证尚未配置：请部署经认证的UKey认证组件后再使用', {
    field: 'kind',
  });
};

/** The slot for a certified SM2 certificate / UKey provider: refuses until one is registered. */
export const sm2UkeyUnconfigured: SecondFactorProvider = {
  kind: 'sm2-ukey',
  label: 'SM2证书/UKey',
  enrolStart: notConfigured,
  enrolConfirm: notConfigured,
  verify: notConfigured,
};

const providers = new Map<SecondFactorKind, SecondFactorProvider>([
  ['totp', totpProvider],
  ['sm2-ukey', sm2UkeyUnconfigured],
]);

export function registerSecondFactorProvider(p: SecondFactorProvider): void {
  providers.set(p.kind, p);
}

export function secondFactorProvider(kind: SecondFactorKind): SecondFactorProvider {
  const p = providers.get(kind);
  if (!p) throw new AppError('validation', '不支持的两步验证方式', { field: 'kind' });
  return p;
}

/** Ten recovery codes, 80 bits each, shown once: `xxxxx-xxxxx-xxxxx-xxxxx` in lower-case base32. */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: 10 }, () => {
    const bytes = randomBytes(20);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return chars.match(/.{5}/g)!.join('-');
  });
}

export const normaliseRecoveryCode = (code: string) => code.trim().toLowerCase().replace(/[\s-]/g, '');
export const hashRecoveryCode = (code: string) => sha256(`zx-recovery:${normaliseRecoveryCode(code)}`);

export const isAdminActor = (actor: Actor) =>
  actor.memberships.some((m) => (ADMIN_ROLES as readonly string[]).includes(m.role));

export function secondFactorRequiredFor(actor: Actor, policy: SecurityPolicy): boolean {
  return (
    policy.secondFactorRequired === 'all' || (policy.secondFactorRequired === 'admins' && isAdminActor(actor))
  );
}

export async function activeSecondFactor(db: Db, userId: string) {
  const [row] = await db
    .select()
    .from(secondFactors)
    .where(and(eq(secondFactors.userId, userId), eq(secondFactors.status, 'active')));
  return row ?? null;
}
