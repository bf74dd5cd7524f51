import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailedPassword, SmtpCatcher } from '../helpers/smtp-catcher.js';
import { startTestServer } from './server.js';
import { label, launchChromium, loginFromRoot, modal, poll, shot, SHOTS } from './session.js';

/**
 * SEC-08 (三员分立) in the browser: the system administrator opens a unit administrator with the email field;
 * the dialog says where the one-time password went and never shows it; the mail reaches a real SMTP server.
 */
const catcher = new SmtpCatcher();
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await catcher.start();
  server = await startTestServer({ mail: { url: catcher.url, from: 'zx@example.gov.cn', domains: [] } });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await catcher.stop();
});

describe('SEC-08 一次性密码发送至本人邮箱', () => {
  it('SEC-08 the system administrator creates a unit administrator: “一次性密码已发送至 …”, no password on screen', async () => {
    const page = await loginFromRoot(browser, server.url, 'sysadmin');
    await page.goto(`${server.url}/admin/users`);
    await page.getByRole('button', { name: /新建账号/ }).click();
    const dlg = modal(page);
    await dlg.getByLabel('用户名').fill('ua_mail_test');
    await dlg.getByLabel('姓名').fill('邮件测试');
    // A 三员 must give the address: saving without it is refused in the form.
    await dlg.getByRole('button', { name: label('保存') }).click();
    await poll(() => dlg.getByText('三员开设的账号须填写本人邮箱').isVisible()).toBe(true);
    await dlg.getByLabel('邮箱').fill('ua.mail@example.gov.cn');
    await dlg.getByRole('button', { name: label('保存') }).click();
    const done = modal(page);
    await poll(() => done.innerText()).toContain('一次性密码已发送至');
    expect(await done.innerText()).toContain('u***@example.gov.cn');
    await shot(page, 'admin-sys-create-mailed');
    // The mail leaves through the outbox after commit.
    await poll(() => catcher.to('ua.mail@example.gov.cn').length).toBe(1);
    const password = mailedPassword(catcher.to('ua.mail@example.gov.cn')[0]!);
    expect(await page.locator('body').innerText()).not.toContain(password);
  });
});
