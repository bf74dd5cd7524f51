import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';

export const DEMO_PASSWORD = 'Zhengxun@2026';
export const SHOTS = 'test-results/screenshots';

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * Logs a demo user in the way a person arrives: the address the server prints (the root, which sends an
 * anonymous visitor to the login form), the form submitted with Enter, then a reload (F5) that must keep
 * the session and the page. Every response the page loads on the way must be a success.
 */
export async function loginFromRoot(
  browser: Browser,
  baseUrl: string,
  username: string,
  opts: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? DESKTOP,
    locale: 'zh-CN',
    acceptDownloads: opts.acceptDownloads ?? false,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${username}] pageerror:`, e.message));
  const root = await page.goto(`${baseUrl}/`);
  expect(root?.status(), 'the printed address').toBe(200);
  await page.waitForURL(/\/login/);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByLabel('密码').press('Enter');
  await page.getByTestId('current-user').waitFor();
  const reload = await page.reload();
  expect(reload?.status(), `F5 on ${page.url()}`).toBe(200);
  await page.getByTestId('current-user').waitFor();
  return page;
}

/** A full-page screenshot once antd's motion has settled (look at them: test-results/screenshots). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header stays on top in a full-page shot
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}
