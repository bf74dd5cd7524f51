import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { base32Decode, timeStep, hotp } from '../../src/server/modules/auth/totp.js';
import { startTestServer } from './server.js';
import { DEMO_PASSWORD, launchChromium, loginFromRoot, SHOTS, shot, signOut } from './session.js';

/**
 * 两步验证 in Chromium against the real server and the demo data: a demo user enrols from the account menu
 * (the test plays the authenticator app, computing the TOTP code from the secret the page shows), keeps
 * the recovery codes, signs out, and signs in again with password and code, by keyboard.
 */
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('两步验证', () => {
  it('SEC-06 a demo user enrols with a TOTP code and signs in with one', async () => {
    const page = await loginFromRoot(browser, server.url, 'thq_xxy');
    await page.getByTestId('current-user').click();
    await page.getByRole('menuitem', { name: '两步验证' }).click();
    await page.waitForURL(/\/two-factor/);
    await page.getByRole('button', { name: '开始绑定' }).click();
    const secret = base32Decode(await page.getByTestId('totp-secret').innerText());
    expect(await page.locator('.ant-qrcode canvas, .ant-qrcode svg').count()).toBeGreaterThan(0);
    await shot(page, 'two-factor-enrol');
    const step = timeStep(Date.now());
    await page.getByLabel('验证器中当前显示的6位动态口令').fill(hotp(secret, step));
    await page.getByLabel('验证器中当前显示的6位动态口令').press('Enter');
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await shot(page, 'two-factor-recovery-codes');
    await page.getByRole('button', { name: '我已保存，进入系统' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/two-factor'));
    await signOut(page);

    await page.getByLabel('用户名').fill('thq_xxy');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByLabel('密码').press('Enter');
    const codeInput = page.getByLabel('动态口令');
    await codeInput.waitFor();
    await shot(page, 'two-factor-login');
    // The enrolment used this step: the authenticator's next code (within the accepted window) is new.
    await codeInput.fill(hotp(secret, Math.max(timeStep(Date.now()), step + 1)));
    await codeInput.press('Enter');
    await page.getByTestId('current-user').waitFor();
    expect(page.url()).not.toMatch(/\/login/);
  });
});
