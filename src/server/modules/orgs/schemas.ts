import { z } from 'zod';
import { ORG_KINDS, ORG_LEVELS, REVIEW_MODES, ROLES, STAGE_ROLES } from './domain.js';
import { Timestamp } from '../../http/responses.js';
import { entityId } from '../../http/entity-id.js';

/** Request schemas for units, hub settings, people and the tree import. Unknown fields are refused. */
export const IdParams = z.strictObject({ id: entityId({ error: '编号格式不正确' }) });

const orgName = z.string().trim().min(1, '请填写单位名称').max(100, '单位名称不能超过100字');
const shortName = z.string().trim().min(1, '简称不能为空').max(50, '简称不能超过50字');
/** GB/T 2260 county-level codes have 6 digits; township-level statistical codes 9 or 12. */
export const DIVISION_CODE = /^\d{6}(\d{3}){0,2}$/;
const divisionCode = z.string().trim().regex(DIVISION_CODE, '行政区划代码应为6、9或12位数字');

export const CreateOrgBody = z.strictObject({
  name: orgName,
  shortName: shortName.optional(),
  kind: z.enum(ORG_KINDS),
  level: z.enum(ORG_LEVELS),
  divisionCode: divisionCode.nullish(),
  parentId: entityId().nullish(),
  isHub: z.boolean().optional(),
  reviewMode: z.enum(REVIEW_MODES).optional(),
  urgentSignForMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .optional(),
  sortOrder: z.number().int().min(0).max(1_000_000).optional(),
});
export type CreateOrgInput = z.infer<typeof CreateOrgBody>;

/** The version the client read; a stale one answers 409 (SECURITY.md §30). */
const rowVersion = z.number({ error: '缺少版本号 rowVersion' }).int().positive();

export const UpdateOrgBody = z.strictObject({
  rowVersion,
  name: orgName.optional(),
  shortName: shortName.optional(),
  kind: z.enum(ORG_KINDS).optional(),
  level: z.enum(ORG_LEVELS).optional(),
  divisionCode: divisionCode.nullish(),
  parentId: entityId().nullish(),
  isHub: z.boolean().optional(),
  reviewMode: z.enum(REVIEW_MODES).optional(),
  urgentSignForMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .optional(),
  sortOrder: z.number().int().min(0).max(1_000_000).optional(),
});
export type UpdateOrgInput = z.infer<typeof UpdateOrgBody>;

export const StagesBody = z.strictObject({
  rowVersion,
  stages: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1, '请填写环节名称').max(20, '环节名称不能超过20字'),
        role: z.enum(STAGE_ROLES),
      }),
    )
    .max(5, '接收环节最多5个'),
});
export type StageInput = z.infer<typeof StagesBody>['stages'][number];

export const DirectReportHubsBody = z.strictObject({ rowVersion, hubIds: z.array(entityId()).max(10) });

/** Login names: letters, digits and . _ - @; compared case-insensitively. */
const username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/, '用户名为2～64位字母、数字或 . _ - @，须以字母或数字开头');
const displayName = z.string().trim().min(1, '请填写姓名').max(50, '姓名不能超过50字');
const phone = z
  .string()
  .trim()
  .regex(/^[0-9+\- ]{5,20}$/, '电话号码格式不正确');
/** Where one-time passwords are mailed; stored in lower case. */
const email = z
  .string()
  .trim()
  .max(254, '邮箱地址过长')
  .regex(z.regexes.email, '邮箱地址格式不正确')
  .transform((v) => v.toLowerCase());
const membership = z.strictObject({ orgId: entityId(), role: z.enum(ROLES) });
export type MembershipInput = z.infer<typeof membership>;
const membershipList = z.array(membership).min(1, '至少分配一个单位角色').max(50);

export const UserListQuery = z.strictObject({ orgId: entityId() });

export const CreateUserBody = z.strictObject({
  username,
  displayName,
  phone: phone.nullish(),
  email: email.nullish(),
  memberships: membershipList,
});
export type CreateUserInput = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z.strictObject({
  rowVersion,
  displayName: displayName.optional(),
  phone: phone.nullish(),
  email: email.nullish(),
  memberships: membershipList.optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof UpdateUserBody>;

/** Nobody chooses another person's password: a reset always generates a one-time password. */
export const ResetPasswordBody = z.strictObject({}).optional();

export const GrantableRolesQuery = z.strictObject({ orgId: entityId() });

export const ImportOrgsBody = z.strictObject({
  csv: z.string().min(1, '导入内容为空').max(1_500_000, '导入文件过大'),
  dryRun: z.boolean().optional(),
});

// ---- responses ----

export const OrgSchema = z.object({
  id: z.string(),
  name: z.string(),
  shortName: z.string(),
  kind: z.enum(ORG_KINDS),
  level: z.enum(ORG_LEVELS),
  divisionCode: z.string().nullable(),
  parentId: z.string().nullable(),
  isHub: z.boolean(),
  reviewMode: z.enum(REVIEW_MODES),
  urgentSignForMinutes: z.number(),
  sortOrder: z.number(),
  directReportHubIds: z.array(z.string()),
  rowVersion: z.number(),
});
export const OrgList = z.array(OrgSchema);

export const ImportResultSchema = z.object({
  dryRun: z.boolean(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rows: z.array(
    z.object({
      row: z.number(),
      id: z.string(),
      action: z.enum(['create', 'update', 'unchanged']),
      name: z.string(),
      parentId: z.string().nullable(),
    }),
  ),
});

export const HubStageList = z.object({
  /** The version the next edit of the stages sends back. */
  rowVersion: z.number(),
  stages: z.array(z.object({ position: z.number(), name: z.string(), role: z.enum(STAGE_ROLES) })),
});

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  /** Masked (138****1234, SECURITY.md §22); the number in plain through POST /api/users/{id}/phone/reveal. */
  phoneMasked: z
    .string()
    .nullable()
    .describe('脱敏后的电话号码（如 138****1234）；明文须经“查看”接口，记入审计'),
  email: z.string().nullable(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lockedUntil: Timestamp.nullable(),
  lastLoginAt: Timestamp.nullable(),
  createdAt: Timestamp,
  rowVersion: z.number(),
  memberships: z.array(z.object({ orgId: z.string(), role: z.enum(ROLES) })),
  /** Of `memberships`, those granted by the system administrator and not yet confirmed (they grant nothing). */
  pendingMemberships: z
    .array(z.object({ orgId: z.string(), role: z.enum(ROLES) }))
    .describe('待安全管理员确认的角色（确认前不生效）'),
  abilities: z.object({
    edit: z.boolean(),
    editRoles: z.boolean(),
    disable: z.boolean(),
    resetPassword: z.boolean(),
    unlock: z.boolean(),
    endSessions: z.boolean(),
    /** The account has a phone and the actor may reveal it (本人或所在单位的单位管理员). */
    revealPhone: z.boolean(),
  }),
});
export const UserList = z.array(UserSchema);
/**
 * How a one-time password reached the person. `mail`: sent to `to` (masked), never shown to the administrator.
 * `screen`: shown once, in this answer only — to a unit's own administrator, or (`demoOnly`) to a 三员 on a demo
 * server without a mail channel.
 */
export const PasswordDeliverySchema = z.object({
  delivery: z.enum(['mail', 'screen']),
  to: z.string().optional(),
  temporaryPassword: z.string().optional(),
  demoOnly: z.boolean().optional(),
});
/** A new account with how its one-time password was delivered. */
export const CreatedUser = UserSchema.extend(PasswordDeliverySchema.shape);
/** The plain phone, for one authorized and audited reveal (SECURITY.md §22). */
export const RevealedPhone = z.object({ phone: z.string().nullable() });

/** A role granted by the system administrator that waits for a security administrator (two-person rule). */
export const PendingGrantSchema = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  role: z.enum(ROLES),
  grantedBy: z.string().nullable(),
  grantedByUsername: z.string().nullable(),
  grantedByDisplayName: z.string().nullable(),
  grantedAt: Timestamp,
});
export const PendingGrantList = z.array(PendingGrantSchema);
/** Which pending grant: the account, unit and role, and when it was granted (a grant made again is another). */
export const PendingGrantBody = z.strictObject({
  userId: entityId(),
  orgId: entityId(),
  role: z.enum(ROLES),
  grantedAt: z.iso.datetime({ offset: true }),
});
