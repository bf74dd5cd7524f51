import nodemailer from 'nodemailer';
import type { MailSettings } from '../../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Where mail to people goes. The SMTP channel below; a test or another gateway implements the same. */
export interface MailChannel {
  readonly kind: 'mail';
  /** Resolves once the server accepted the message; throws otherwise (the outbox retries). */
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/** SMTP through nodemailer: `ZX_SMTP_URL` carries host, port, TLS and credentials (nodemailer's URL form). */
export function smtpChannel(settings: MailSettings): MailChannel {
  const transport = nodemailer.createTransport(settings.url);
  return {
    kind: 'mail',
    async send(mail) {
      const info = await transport.sendMail({
        from: settings.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
      if (info.rejected.length > 0) throw new Error(`recipient refused: ${info.rejected.length}`);
    },
    async close() {
      transport.close();
    },
  };
}
