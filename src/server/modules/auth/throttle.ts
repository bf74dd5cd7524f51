import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import { loginThrottle } from './schema.js';

/**
 * Login throttling (SECURITY.md §4, OWASP ASVS 2.2.1): failures are counted per account and per client
 * address; successes never are. An attempt RESERVES its place in the counters before the password is
 * verified, in one atomic statement, so N concurrent guesses can never get more than the limit evaluated.
 * A success gives the reservation back (address) or clears the counter (account).
 */

type Scope = 'account' | 'ip_minute' | 'ip_hour' | 'reveal_hour';

interface Counter {
  count: number;
  windowStart: Date;
}

/** Adds one to a counter, restarting its window when the last one ended; null when the key is locked. */
async function bump(db: Db, scope: Scope, key: string, now: Date, windowMs: number): Promise<Counter | null> {
  const cutoff = new Date(now.getTime() - windowMs);
  const rows = await queryRows<{ count: number; window_start: string }>(
    db,
    sql`insert into login_throttle as t (scope, key, count, window_start, locked_until)
        values (${scope}, ${key}, 1, ${now}, null)
        on conflict (scope, key) do update set
          count = case when t.window_start <= ${cutoff} or t.locked_until is not null then 1 else t.count + 1 end,
          window_start = case when t.window_start <= ${cutoff} or t.locked_until is not null then ${now} else t.window_start end,
          locked_until = null
        where t.locked_until is null or t.locked_until <= ${now}
        returning t.count, t.window_start`,
  );
  const row = rows[0];
  return row ? { count: Number(row.count), windowStart: new Date(row.window_start) } : null;
}

/** Gives a reservation back, within the same window only. */
async function refund(db: Db, scope: Scope, key: string, windowStart: Date): Promise<void> {
  await db
    .update(loginThrottle)
    .set({ count: sql`greatest(${loginThrottle.count} - 1, 0)` })
    .where(
      and(
        eq(loginThrottle.scope, scope),
        eq(loginThrottle.key, key),
        eq(loginThrottle.windowStart, windowStart),
      ),
    );
}

const SHANGHAI_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const SHANGHAI_DAY = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: 'numeric',
  day: 'numeric',
});

/** “11月27日” in Beijing time (the zh-CN format alone gives “11/27”). */
function shanghaiDay(at: Date): string {
  const parts = SHANGHAI_DAY.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${part('month')}月${part('day')}日`;
}

/**
 * “请于 14:32 后再试（约 15 分钟）”: a wall-clock time in Beijing time and the wait in minutes, with the day
 * (“11月27日 00:29”) when it is not today's.
 */
export function retryHint(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  const day = shanghaiDay(until) === shanghaiDay(now) ? '' : `${shanghaiDay(until)} `;
  return `请于 ${day}${SHANGHAI_TIME.format(until)} 后再试（约 ${minutes} 分钟）`;
}

export const retryAfterSeconds = (until: Date, now: Date) =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

export interface IpReservation {
  release(): Promise<void>;
}

/**
 * Reserves one attempt in the address's minute and hour budgets, or throws 429 saying when to retry.
 * `release` gives the attempt back (a success, or an attempt refused before any password was checked).
 */
export async function reserveIpAttempt(
  db: Db,
  ip: string,
  now: Date,
  perMinute: number,
): Promise<IpReservation> {
  const budgets = [
    { scope: 'ip_minute' as const, windowMs: 60_000, limit: perMinute },
    { scope: 'ip_hour' as const, windowMs: 3_600_000, limit: perMinute * 5 },
  ];
  const taken: { scope: Scope; windowStart: Date }[] = [];
  const release = async () => {
    for (const t of taken.splice(0)) await refund(db, t.scope, ip, t.windowStart);
  };
  for (const b of budgets) {
    const c = await bump(db, b.scope, ip, now, b.windowMs);
    if (!c) continue; // address counters are never locked
    taken.push({ scope: b.scope, windowStart: c.windowStart });
    if (c.count > b.limit) {
      await release();
      // Clamped: a concurrent request with a later clock reading may have opened the window.
      const until = new Date(Math.min(c.windowStart.getTime(), now.getTime()) + b.windowMs);
      throw new AppError('rate_limited', `该网络地址登录失败次数过多，${retryHint(until, now)}`, {
        retryAfter: retryAfterSeconds(until, now),
        retryAt: until.toISOString(),
      });
    }
  }
  return { release };
}

/**
 * A per-user hourly budget for a sensitive read (revealing personal data, SECURITY.md §22): counts one use
 * in the caller's transaction (a refused or failed use rolls its count back) or throws 429 saying when to
 * retry.
 */
export async function reserveHourlyUse(
  db: Db,
  scope: 'reveal_hour',
  userId: string,
  now: Date,
  perHour: number,
  what: string,
): Promise<void> {
  const c = await bump(db, scope, userId, now, 3_600_000);
  if (c && c.count <= perHour) return;
  const until = new Date(Math.min(c?.windowStart.getTime() ?? now.getTime(), now.getTime()) + 3_600_000);
  throw new AppError('rate_limited', `${what}过于频繁，${retryHint(until, now)}`, {
    retryAfter: retryAfterSeconds(until, now),
    retryAt: until.toISOString(),
  });
}

export interface AccountPolicy {
  lockoutThreshold: number;
  lockoutWindowMinutes: number;
  lockoutMinutes: number;
}

export type AccountReservation =
  { ok: true; count: number; remaining: number } | { ok: false; lockedUntil: Date };

export const accountKey = (username: string) => username.trim().toLowerCase();

/**
 * Reserves one attempt against an account (by login name, so unknown names behave like known ones). When
 * the account is locked, or this attempt would pass the threshold, nothing is verified: the answer is the
 * time the lock ends.
 */
export async function reserveAccountAttempt(
  db: Db,
  username: string,
  now: Date,
  policy: AccountPolicy,
): Promise<AccountReservation> {
  const key = accountKey(username);
  const c = await bump(db, 'account', key, now, policy.lockoutWindowMinutes * 60_000);
  if (!c) return { ok: false, lockedUntil: await lockedUntil(db, key, now) };
  if (c.count > policy.lockoutThreshold)
    return { ok: false, lockedUntil: await lockAccount(db, key, now, policy) };
  return { ok: true, count: c.count, remaining: policy.lockoutThreshold - c.count };
}

/** Locks the account for the policy's duration (once: a running lock keeps its end). */
export async function lockAccount(db: Db, key: string, now: Date, policy: AccountPolicy): Promise<Date> {
  const until = new Date(now.getTime() + policy.lockoutMinutes * 60_000);
  await db
    .update(loginThrottle)
    .set({ lockedUntil: until })
    .where(
      and(
        eq(loginThrottle.scope, 'account'),
        eq(loginThrottle.key, key),
        sql`(${loginThrottle.lockedUntil} is null or ${loginThrottle.lockedUntil} <= ${now})`,
      ),
    );
  return lockedUntil(db, key, now);
}

async function lockedUntil(db: Db, key: string, now: Date): Promise<Date> {
  const [row] = await db
    .select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(and(eq(loginThrottle.scope, 'account'), eq(loginThrottle.key, key)));
  // Unlocked in between (by the security administrator): a short wait rather than a second race.
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : new Date(now.getTime() + 60_000);
}

/** A verified password, an unlock or a reset clears the account's failures and lock. */
export async function clearAccount(db: Db, username: string): Promise<void> {
  await db
    .delete(loginThrottle)
    .where(and(eq(loginThrottle.scope, 'account'), eq(loginThrottle.key, accountKey(username))));
}

export function lockedError(until: Date, now: Date): AppError {
  return new AppError('locked', `登录失败次数过多，账号已锁定，${retryHint(until, now)}`, {
    retryAfter: retryAfterSeconds(until, now),
    retryAt: until.toISOString(),
  });
}
