import { resolve } from 'node:path';
import type { S3Settings } from './modules/attachments/storage.js';
import { parseAdminNetworks, type AdminNetworks } from './modules/auth/admin-networks.js';

/** Configuration from the environment, with defaults that run on a fresh machine. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /**
   * PostgreSQL only: the server runs as this role after migrating as the owner (SECURITY.md §17): every
   * connection starts with `role=<it>`. Default zx_app (made by migration 0013); `none` runs as the owner.
   */
  dbAppRole: string | undefined;
  /** Audit export to syslog (RFC 5424): udp://host:port or tcp://host:port; unset: no export. */
  syslog: string | undefined;
  /** PostgreSQL only: a separate login for the server (a member of zx_app); the owner URL only migrates. */
  databaseAppUrl: string | undefined;
  /** demo: loads the demo tree and accounts on first start. production: no account until bootstrapped. */
  mode: 'demo' | 'production';
  /** Cookies get `Secure` and the `__Host-` prefix; set when served behind TLS. */
  secureCookies: boolean;
  trustProxy: boolean;
  auditKey: string;
  /** Session idle timeout and absolute lifetime, minutes. */
  sessionIdleMinutes: number;
  sessionAbsoluteMinutes: number;
  /**
   * How long a reading request may reuse the session another one of this instance read (0: never). Changes
   * invalidate it at once on every instance (modules/auth/session-cache.ts); this is only the backstop.
   */
  sessionCacheSeconds: number;
  rankingCacheSeconds: number;
  /**
   * How often each instance reads the change feed unasked (db/change-feed.ts): the delay of live
   * notifications pushed to browsers. Rankings catch up with it before each read, whatever this is.
   */
  changeFeedPollMs: number;
  /** Per-IP login attempts per minute (SECURITY.md §4). */
  loginPerMinute: number;
  /** Reveals of personal data (a phone in plain) per user per hour (SECURITY.md §22). */
  revealPerHour: number;
  /** Passwords expire after this many days; accounts unused this long are disabled (SECURITY.md §3, §7). */
  passwordMaxAgeDays: number;
  inactiveDisableDays: number;
  logLevel: string;
  /** Share of ordinary requests logged (0–1); errors and slow requests are always logged. */
  requestLogSample: number;
  /** Attachments in an S3-compatible bucket (several instances), or null for `<dataDir>/attachments`. */
  s3: S3Settings | null;
  /** Where the three administrators and the management APIs may be used from (null: anywhere). */
  adminNetworks: AdminNetworks | null;
  /**
   * The mail channel that delivers one-time passwords to the person (三员分立: an administrator never sees the
   * password of an account they create or reset). Null: no channel configured.
   */
  mail: MailSettings | null;
}

/** SMTP delivery: `ZX_SMTP_URL` (smtp://user:pass@host:587, smtps://…:465) and the sender `ZX_MAIL_FROM`. */
export interface MailSettings {
  url: string;
  from: string;
  /**
   * `ZX_MAIL_DOMAINS` (e.g. `shanxi.gov.cn,sx.gov.cn`): the only mail domains (and their subdomains) a 三员's
   * one-time password may be sent to — mailboxes the units issue, not addresses anyone can register. Empty: any.
   */
  domains: string[];
}

function mailSettings(env: NodeJS.ProcessEnv): MailSettings | null {
  const url = env.ZX_SMTP_URL;
  if (!url) return null;
  if (!/^smtps?:\/\//.test(url)) throw new Error('ZX_SMTP_URL must start with smtp:// or smtps://');
  const domains = (env.ZX_MAIL_DOMAINS ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
    .filter(Boolean);
  return { url, from: env.ZX_MAIL_FROM || '政讯平台 <no-reply@localhost>', domains };
}

/** S3 settings from `ZX_S3_*`; a bucket without an endpoint or keys is a configuration error. */
function s3Settings(env: NodeJS.ProcessEnv): S3Settings | null {
  const bucket = env.ZX_S3_BUCKET;
  if (!bucket) return null;
  const need = (name: string) => {
    const v = env[name];
    if (!v) throw new Error(`ZX_S3_BUCKET is set: ${name} must be set too`);
    return v;
  };
  return {
    bucket,
    endpoint: need('ZX_S3_ENDPOINT'),
    accessKeyId: need('ZX_S3_ACCESS_KEY_ID'),
    secretAccessKey: need('ZX_S3_SECRET_ACCESS_KEY'),
    region: env.ZX_S3_REGION ?? 'us-east-1',
    forcePathStyle: env.ZX_S3_FORCE_PATH_STYLE !== '0',
    prefix: env.ZX_S3_PREFIX ?? '',
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = env.ZX_MODE === 'production' ? 'production' : 'demo';
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    dbAppRole: env.ZX_DB_APP_ROLE === 'none' ? undefined : env.ZX_DB_APP_ROLE || 'zx_app',
    databaseAppUrl: env.DATABASE_APP_URL || undefined,
    syslog: env.ZX_SYSLOG || undefined,
    mode,
    secureCookies: env.ZX_SECURE_COOKIES === '1',
    trustProxy: env.ZX_TRUST_PROXY === '1',
    auditKey: env.ZX_AUDIT_KEY ?? (mode === 'demo' ? 'zhengxun-demo-audit-key' : ''),
    sessionIdleMinutes: Number(env.ZX_SESSION_IDLE_MINUTES ?? 30),
    sessionAbsoluteMinutes: Number(env.ZX_SESSION_ABSOLUTE_MINUTES ?? 720),
    sessionCacheSeconds: Math.min(60, Math.max(0, Number(env.ZX_SESSION_CACHE_SECONDS ?? 10))),
    rankingCacheSeconds: Math.min(3600, Math.max(0, Number(env.ZX_RANKING_CACHE_SECONDS ?? 600))),
    changeFeedPollMs: Math.min(60_000, Math.max(50, Number(env.ZX_CHANGE_FEED_POLL_MS ?? 200) || 200)),
    loginPerMinute: Number(env.ZX_LOGIN_PER_MINUTE ?? 6),
    revealPerHour: Number(env.ZX_REVEAL_PER_HOUR ?? 30),
    passwordMaxAgeDays: Number(env.ZX_PASSWORD_MAX_AGE_DAYS ?? 90),
    inactiveDisableDays: Number(env.ZX_INACTIVE_DISABLE_DAYS ?? 90),
    logLevel: env.LOG_LEVEL ?? 'info',
    requestLogSample: Math.min(1, Math.max(0, Number(env.ZX_REQUEST_LOG_SAMPLE ?? 0.01))),
    s3: s3Settings(env),
    adminNetworks: parseAdminNetworks(env.ZX_ADMIN_NETWORKS),
    mail: mailSettings(env),
  };
}
