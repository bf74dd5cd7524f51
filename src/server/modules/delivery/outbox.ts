import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import { getCrypto } from '../../crypto/current.js';
import type { Db } from '../../db/client.js';
import type { UseCaseContext } from '../../http/context.js';
import type { MailChannel } from './channel.js';
import { mailOutbox } from './schema.js';

export const PASSWORD_MARK = '{{password}}';
/** How long a sender owns a claimed row; a sender that dies releases it by expiry. */
const CLAIM_MS = 120_000;
const BATCH = 20;

export interface MailInput {
  userId: string;
  kind: 'one_time_password' | 'account_notice';
  to: string;
  subject: string;
  /** With PASSWORD_MARK where the secret goes (kind one_time_password). */
  body: string;
  secret?: string;
}

/**
 * Queues a mail in the caller's transaction: it exists if and only if the account change commits. A newer
 * one-time password supersedes an older one not yet sent (its secret is dropped: it no longer opens the account).
 */
export async function enqueueMail(ctx: UseCaseContext, mail: MailInput): Promise<string> {
  if (mail.kind === 'one_time_password') await supersedeOneTimePasswords(ctx, mail.userId);
  const id = randomUUID();
  await ctx.tx.insert(mailOutbox).values({
    id,
    userId: mail.userId,
    kind: mail.kind,
    recipient: mail.to,
    subject: mail.subject,
    body: mail.body,
    secret: mail.secret === undefined ? null : getCrypto().encrypt(Buffer.from(mail.secret, 'utf8')),
    nextAttemptAt: ctx.now,
    createdAt: ctx.now,
  });
  return id;
}

/** Drops the unsent one-time passwords of an account (a newer one replaced them): they would no longer open it. */
export async function supersedeOneTimePasswords(ctx: UseCaseContext, userId: string): Promise<void> {
  await ctx.tx
    .update(mailOutbox)
    .set({ status: 'superseded', secret: null, claimedUntil: null })
    .where(
      and(
        eq(mailOutbox.userId, userId),
        eq(mailOutbox.kind, 'one_time_password'),
        eq(mailOutbox.status, 'pending'),
      ),
    );
}

/** Retry delay after the n-th failed attempt: 30 s doubling, at most an hour. Never given up. */
export function retryDelayMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export interface SendResult {
  sent: number;
  failed: number;
}

/**
 * One pass of the sender: claims due rows (skipping rows another instance holds), sends each, then marks it sent
 * and blanks its secret — or schedules the next attempt. The claim commits before sending, so no transaction is
 * held open over the network; a sender that dies mid-send leaves a claim that expires and the row is sent again
 * (at least once).
 */
export async function sendDueMail(db: Db, channel: MailChannel, now = new Date()): Promise<SendResult> {
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      and(
        eq(mailOutbox.status, 'pending'),
        lte(mailOutbox.nextAttemptAt, now),
        or(isNull(mailOutbox.claimedUntil), lt(mailOutbox.claimedUntil, now)),
      ),
    )
    .orderBy(asc(mailOutbox.nextAttemptAt))
    .limit(BATCH)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(mailOutbox)
    .set({ claimedUntil: new Date(now.getTime() + CLAIM_MS) })
    .where(inArray(mailOutbox.id, due))
    .returning();
  const result: SendResult = { sent: 0, failed: 0 };
  for (const row of claimed) {
    try {
      let text = row.body;
      if (row.secret) text = text.replace(PASSWORD_MARK, getCrypto().decrypt(row.secret).toString('utf8'));
      else if (text.includes(PASSWORD_MARK)) throw new Error('one-time password missing from outbox row');
      await channel.send({ to: row.recipient, subject: row.subject, text });
      await db
        .update(mailOutbox)
        .set({
          status: 'sent',
          sentAt: new Date(),
          secret: null,
          claimedUntil: null,
          attempts: row.attempts + 1,
          lastError: null,
        })
        .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, 'pending')));
      result.sent++;
    } catch (err) {
      const attempts = row.attempts + 1;
      await db
        .update(mailOutbox)
        .set({
          attempts,
          claimedUntil: null,
          nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
          lastError: (err instanceof Error ? err.message : String(err)).slice(0, 500),
        })
        .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, 'pending')));
      result.failed++;
    }
  }
  return result;
}

/**
 * The background sender: polls the outbox, and is kicked after a commit that queued mail so it goes out at once.
 * One pass at a time per process; several instances share the work through the row claims.
 */
export class MailSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SendResult> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    readonly channel: MailChannel,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  start(intervalMs = 10_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Sends what is due now (after a commit); a no-op before start(). */
  kick(): void {
    if (!this.timer) return;
    void this.runOnce().catch(this.onError);
  }

  /** One pass (or waits for the pass under way and runs another after it). */
  async runOnce(now?: Date): Promise<SendResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = sendDueMail(this.db, this.channel, now);
    try {
      return await this.running;
    } finally {
      this.running = null;
      if (this.again) {
        this.again = false;
        if (this.timer) this.kick();
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    await this.channel.close();
  }
}
