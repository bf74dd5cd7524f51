import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { UseCaseContext } from '../../http/context.js';
import { AppError, invalid } from '../../http/errors.js';
import { ADMIN_ROLES, isAdminRole, ROLE_LABELS } from '../orgs/domain.js';
import { memberships, users } from '../orgs/schema.js';
import { notify } from '../notifications/notify.js';
import { enqueueMail, PASSWORD_MARK, supersedeOneTimePasswords } from './outbox.js';

/** What the routes creating or resetting an account know about delivery (from the app's configuration). */
export interface DeliverySettings {
  /** A mail channel is configured (ZX_SMTP_URL). */
  mail: boolean;
  mode: 'demo' | 'production';
  /** Mail domains a 三员's one-time password may go to (ZX_MAIL_DOMAINS); empty: any. */
  domains?: readonly string[];
}

/** The address is in one of the domains (or a subdomain of one); any address when none are set. */
export function inMailDomains(email: string, domains: readonly string[] = []): boolean {
  if (domains.length === 0) return true;
  const host = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}

/**
 * How the one-time password reached the person, as the API answers it. `mail`: sent to the masked address, never
 * shown. `screen`: shown once in this answer — to a unit's own administrator, or, in demo mode without a mail
 * channel, to a 三员 with `demoOnly` set (the screen says so).
 */
export type PasswordDelivery =
  { delivery: 'mail'; to: string } | { delivery: 'screen'; temporaryPassword: string; demoOnly: boolean };

export type DeliveryPlan = 'mail' | 'screen' | 'screen_demo';

/** The actor is one of the three administrators (三员). */
export function actorIsAdministrator(ctx: UseCaseContext): boolean {
  return ctx.actor.memberships.some((m) => isAdminRole(m.role));
}

/**
 * Decides, before anything is written, how a one-time password will be delivered. 三员分立: a 三员 never sees the
 * password of an account they create or reset — it is mailed to the person (400 naming `email` when the account
 * has none); without a mail channel a production server refuses (409) and a demo server shows it with a warning.
 * A unit's own administrator (the business side's trust anchor) is shown it once, as before.
 */
export function planDelivery(
  ctx: UseCaseContext,
  settings: DeliverySettings,
  email: string | null | undefined,
  emailMissing: string,
): DeliveryPlan {
  if (!actorIsAdministrator(ctx)) return 'screen';
  if (!settings.mail) {
    if (settings.mode === 'demo') return 'screen_demo';
    throw new AppError(
      'conflict',
      '未配置一次性密码的发送通道：三员创建或重置的账号，一次性密码只能发送至本人邮箱。请运维人员设置环境变量 ZX_SMTP_URL（及 ZX_MAIL_FROM）后重启服务',
      { setting: 'ZX_SMTP_URL' },
    );
  }
  if (!email) throw invalid('email', emailMissing);
  if (!inMailDomains(email, settings.domains))
    throw invalid(
      'email',
      `一次性密码只发送至单位邮箱（${settings.domains!.join('、')}），请填写本人的单位邮箱`,
    );
  return 'mail';
}

/**
 * A 三员's one-time password never goes to an address registered to an administrator account (their own or a
 * colleague's): that would hand the administrator the account after all. 400 naming `email`.
 */
export async function assertNotAdministratorsAddress(
  ctx: UseCaseContext,
  email: string,
  targetUserId: string,
): Promise<void> {
  const [clash] = await ctx.tx
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(
      and(
        sql`lower(${users.email}) = lower(${email})`,
        inArray(memberships.role, [...ADMIN_ROLES]),
        ne(users.id, targetUserId),
      ),
    )
    .limit(1);
  if (clash)
    throw invalid('email', '该邮箱登记在管理员账号上：一次性密码须发送至本人邮箱，不得发送至管理员的邮箱');
}

/** z***@example.gov.cn: enough for the administrator to tell the address, not to read it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export interface DeliveryTarget {
  userId: string;
  username: string;
  displayName: string;
  email: string | null;
  /** A unit of the account, to address the in-app notice (shown to this person only). */
  orgId: string;
}

function actorLabel(ctx: UseCaseContext): string {
  const role = ctx.actor.memberships.find((m) => isAdminRole(m.role))?.role ?? 'org_admin';
  return `${ROLE_LABELS[role]}（${ctx.actor.displayName}）`;
}

const when = (d: Date) =>
  d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }).replace(/\//g, '-');

/**
 * Delivers a one-time password as planned, in the caller's transaction: queues the mail (sent after commit by the
 * outbox sender) and tells the person in the app — and by mail when shown on screen and an address is known.
 */
export async function deliverOneTimePassword(
  ctx: UseCaseContext,
  settings: DeliverySettings,
  plan: DeliveryPlan,
  target: DeliveryTarget,
  password: string,
  act: 'create' | 'reset',
): Promise<PasswordDelivery> {
  const who = actorLabel(ctx);
  const what = act === 'create' ? '为您开设了政讯平台账号' : '重置了您的政讯平台账号密码';
  const title = act === 'create' ? '您的账号已开设' : '您的密码已被重置';
  const head = `${target.displayName}：\n\n${who}于 ${when(ctx.now)} ${what}（用户名 ${target.username}）。`;
  const tail = '\n\n如非本人申请，请立即联系本单位管理员或安全管理员。此邮件由系统发送，请勿回复。';
  let how: string;
  if (plan === 'mail') {
    await assertNotAdministratorsAddress(ctx, target.email!, target.userId);
    const to = maskEmail(target.email!);
    await enqueueMail(ctx, {
      userId: target.userId,
      kind: 'one_time_password',
      to: target.email!,
      subject: `【政讯】${title}：一次性密码`,
      body: `${head}\n\n一次性密码：${PASSWORD_MARK}\n\n首次登录后须立即修改密码。该密码只发送给您本人，管理员看不到它。${tail}`,
      secret: password,
    });
    how = `一次性密码已发送至您的邮箱 ${to}，首次登录须修改。`;
    await tellInApp(ctx, target, title, `${who}${what}。${how}如非本人申请，请立即联系安全管理员。`);
    return { delivery: 'mail', to };
  }
  // A password shown now replaces any still waiting in the outbox.
  await supersedeOneTimePasswords(ctx, target.userId);
  how = '一次性密码由管理员转交给您，首次登录须修改。';
  await tellInApp(ctx, target, title, `${who}${what}。${how}如非本人申请，请立即联系安全管理员。`);
  if (settings.mail && target.email)
    await enqueueMail(ctx, {
      userId: target.userId,
      kind: 'account_notice',
      to: target.email,
      subject: `【政讯】${title}`,
      body: `${head}\n\n一次性密码由管理员另行转交（本邮件不含密码），首次登录须修改。${tail}`,
    });
  return { delivery: 'screen', temporaryPassword: password, demoOnly: plan === 'screen_demo' };
}

function tellInApp(ctx: UseCaseContext, target: DeliveryTarget, title: string, body: string) {
  return notify(ctx, [target.orgId], { kind: 'account', title, body, userId: target.userId });
}
