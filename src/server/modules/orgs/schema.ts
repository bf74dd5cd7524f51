import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ORG_KINDS, ORG_LEVELS, REVIEW_MODES, ROLES, STAGE_ROLES } from './domain.js';

export const orgs = pgTable(
  'orgs',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    shortName: text('short_name').notNull(),
    kind: text('kind', { enum: ORG_KINDS }).notNull(),
    level: text('level', { enum: ORG_LEVELS }).notNull(),
    divisionCode: text('division_code'),
    parentId: uuid('parent_id'),
    /** A 信息汇总单位: receives submissions from the units under it. */
    isHub: boolean('is_hub').notNull().default(false),
    /** How the unit's internal steps run: review then sign-off, or merged into one step. */
    reviewMode: text('review_mode', { enum: REVIEW_MODES }).notNull().default('review_and_signoff'),
    /** 特急 hops must be signed for within this many minutes. */
    urgentSignForMinutes: integer('urgent_sign_for_minutes').notNull().default(60),
    sortOrder: integer('sort_order').notNull().default(0),
    /** Optimistic concurrency: every edit bumps it; a stale one answers 409. */
    rowVersion: integer('row_version').notNull().default(1),
    /** The version of the hub's receiving stages (hub_stages rows), replaced as a whole. */
    stagesRowVersion: integer('stages_row_version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('orgs_parent_idx').on(t.parentId, t.sortOrder),
    uniqueIndex('orgs_name_under_parent_uq').on(
      sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      t.name,
    ),
    check('orgs_not_own_parent', sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
  ],
);

/** A unit designated as a 直报点 of a higher hub may submit to it directly, skipping levels. */
export const directReportPoints = pgTable(
  'direct_report_points',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.hubId] })],
);

/** Receiving stages a hub configures (初审 → 复审 → 领导审核). No rows: sign-for leads straight to handling. */
export const hubStages = pgTable(
  'hub_stages',
  {
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: STAGE_ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.hubId, t.position] })],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    /**
     * The phone number, encrypted (SECURITY.md §22; crypto/personal-data.ts, USER_PHONE): never stored in
     * plain. `phone_index` is its blind index, for exact-match lookups without decrypting.
     */
    phoneEnc: text('phone_enc'),
    phoneIndex: text('phone_index'),
    /** Where one-time passwords are mailed (三员分立: an administrator never sees them). */
    email: text('email'),
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /** When an administrator last re-enabled the account: inactivity counts from here too. */
    enabledAt: timestamp('enabled_at', { withTimezone: true }),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    /** Optimistic concurrency: every edit bumps it; a stale one answers 409. */
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_ci_uq').on(sql`lower(${t.username})`),
    index('users_phone_index_idx').on(t.phoneIndex),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Who granted the role (null: bootstrap, seed, import or before this was recorded). */
    grantedBy: uuid('granted_by'),
    /**
     * 三员分立, two-person rule (系统管理员创建、安全管理员审核): a 单位管理员 role the system administrator grants
     * takes effect only once a security administrator confirms it. Null: pending, the row grants nothing. Every
     * other grant sets it at once; there is deliberately no default, so a new grant path must decide.
     */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    confirmedBy: uuid('confirmed_by'),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.orgId, t.role] }),
    index('memberships_org_idx').on(t.orgId, t.role),
    // The security administrator's list of grants waiting for confirmation.
    index('memberships_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.confirmedAt} is null`),
  ],
);

export type OrgRow = typeof orgs.$inferSelect;
export type UserRow = typeof users.$inferSelect;
