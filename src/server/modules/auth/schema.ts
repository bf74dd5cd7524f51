import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../orgs/schema.js';

/** Server-side sessions. The cookie carries a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Login throttling counters, one row per (scope, key): `account` keyed by the lower-cased login name (so an
 * unknown name is throttled exactly like a known one), `ip_minute` / `ip_hour` keyed by the client address;
 * `reveal_hour` keyed by the user id counts reveals of personal data (SECURITY.md §22).
 * Each counter is changed only by single atomic statements (INSERT … ON CONFLICT DO UPDATE … RETURNING), so
 * concurrent attempts cannot read the same value; the window restarts at the first attempt after it ends.
 */
export const loginThrottle = pgTable(
  'login_throttle',
  {
    scope: text('scope', { enum: ['account', 'ip_minute', 'ip_hour', 'reveal_hour'] }).notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('login_throttle_locked_idx').on(t.lockedUntil)],
);

/**
 * The password, lockout and session policy (one row), set by the security administrator and read by the
 * login, password and session code.
 */
export const securityPolicy = pgTable(
  'security_policy',
  {
    id: integer('id').primaryKey(),
    passwordMinLength: integer('password_min_length').notNull().default(12),
    passwordMinClasses: integer('password_min_classes').notNull().default(3),
    passwordHistory: integer('password_history').notNull().default(5),
    passwordMaxAgeDays: integer('password_max_age_days').notNull().default(90),
    lockoutThreshold: integer('lockout_threshold').notNull().default(5),
    lockoutWindowMinutes: integer('lockout_window_minutes').notNull().default(15),
    lockoutMinutes: integer('lockout_minutes').notNull().default(30),
    sessionIdleMinutes: integer('session_idle_minutes').notNull().default(30),
    adminSessionIdleMinutes: integer('admin_session_idle_minutes').notNull().default(15),
    /** Who must have a second factor (SECURITY.md §6): nobody, the three administrators, or all users. */
    secondFactorRequired: text('second_factor_required', { enum: ['none', 'admins', 'all'] })
      .notNull()
      .default('none'),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [check('security_policy_single_row', sql`${t.id} = 1`)],
);

/** Earlier password hashes, so the last five cannot be reused (SECURITY.md §3). */
export const passwordHistory = pgTable(
  'password_history',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('password_history_user_idx').on(t.userId, t.createdAt)],
);

/**
 * A user's second factor (SECURITY.md §6): at most one per user. `pending` between enrolment start and the
 * confirming code. The secret is stored only encrypted through the crypto provider; `last_used_step` is the
 * TOTP time step last accepted, advanced by one conditional UPDATE so a code is accepted once.
 */
export const secondFactors = pgTable('second_factors', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  kind: text('kind', { enum: ['totp', 'sm2-ukey'] }).notNull(),
  status: text('status', { enum: ['pending', 'active'] }).notNull(),
  secretEnc: text('secret_enc').notNull(),
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  enabledAt: timestamp('enabled_at', { withTimezone: true }),
});

/** Single-use recovery codes: only the SHA-256 of each (high-entropy) code is kept. */
export const recoveryCodes = pgTable(
  'second_factor_recovery_codes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/** The pending second step of a login: bound to the user, five minutes, used once; only its hash is stored. */
export const loginChallenges = pgTable(
  'login_challenges',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('login_challenges_user_idx').on(t.userId)],
);
