import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { inMailDomains, maskEmail } from '../../src/server/modules/delivery/one-time-password.js';
import { retryDelayMs } from '../../src/server/modules/delivery/outbox.js';
import { parseMail } from '../helpers/smtp-catcher.js';

describe('SEC-08 one-time password delivery: pure parts', () => {
  it('masks an address to its first letter and domain', () => {
    expect(maskEmail('zhang.san@example.gov.cn')).toBe('z***@example.gov.cn');
    expect(maskEmail('a@b.cn')).toBe('a***@b.cn');
    expect(maskEmail('broken')).toBe('***');
  });

  it('keeps a 三员’s mail to the configured unit domains (and their subdomains)', () => {
    expect(inMailDomains('a@x.cn')).toBe(true);
    expect(inMailDomains('a@shanxi.gov.cn', ['shanxi.gov.cn'])).toBe(true);
    expect(inMailDomains('a@fy.shanxi.gov.cn', ['shanxi.gov.cn'])).toBe(true);
    expect(inMailDomains('a@evilshanxi.gov.cn', ['shanxi.gov.cn'])).toBe(false);
    expect(inMailDomains('a@qq.com', ['shanxi.gov.cn'])).toBe(false);
  });

  it('reads ZX_SMTP_URL, ZX_MAIL_FROM and ZX_MAIL_DOMAINS', () => {
    expect(loadConfig({}).mail).toBeNull();
    expect(
      loadConfig({
        ZX_SMTP_URL: 'smtp://h:25',
        ZX_MAIL_FROM: 'a@b.cn',
        ZX_MAIL_DOMAINS: ' @Shanxi.gov.cn, sx.gov.cn ',
      }).mail,
    ).toEqual({ url: 'smtp://h:25', from: 'a@b.cn', domains: ['shanxi.gov.cn', 'sx.gov.cn'] });
    expect(() => loadConfig({ ZX_SMTP_URL: 'http://h' })).toThrow(/ZX_SMTP_URL/);
  });

  it('retries at 30 s doubling, capped at an hour, never giving up', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(50)).toBe(3_600_000);
  });

  it('the test catcher decodes base64 and quoted-printable bodies and encoded subjects', () => {
    const b64 = Buffer.from('一次性密码：Ab3!xyz', 'utf8').toString('base64');
    const raw = `Subject: =?UTF-8?B?${Buffer.from('【政讯】密码', 'utf8').toString('base64')}?=\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n`;
    expect(parseMail(raw)).toEqual({ subject: '【政讯】密码', text: '一次性密码：Ab3!xyz' });
    const qp = 'Subject: x\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nA=3DB =E4=B8=80=\r\nC\r\n';
    expect(parseMail(qp).text).toBe('A=B 一C\n');
  });
});
