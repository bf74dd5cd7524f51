import { z } from 'zod';
import { ORG_LEVELS, REVIEW_MODES, ROLES } from '../orgs/domain.js';

// ---- responses ----

/** The signed-in user, their units and roles, the CSRF token, and what administrators did to the account lately. */
export const MeSchema = z.object({
  accountNotices: z.array(z.object({ event: z.string(), label: z.string(), at: z.string() })),
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string() }),
  units: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional(),
      shortName: z.string().optional(),
      isHub: z.boolean().optional(),
      level: z.enum(ORG_LEVELS).optional(),
      reviewMode: z.enum(REVIEW_MODES).optional(),
      roles: z.array(z.enum(ROLES)),
      roleLabels: z.array(z.string()),
    }),
  ),
  csrfToken: z.string(),
  mustChangePassword: z.boolean(),
  /** The security policy requires a second factor this user has not enrolled yet (SECURITY.md §6). */
  mustEnrolSecondFactor: z.boolean(),
});

/** The password was right and a second factor is enrolled: no session yet, only the challenge (§6). */
export const SecondFactorChallenge = z.object({
  secondFactor: z.enum(['totp', 'sm2-ukey']),
  challenge: z.string(),
});
export const LoginResult = z.union([MeSchema, SecondFactorChallenge]);

export const LoggedOut = z.object({ ok: z.boolean() });
