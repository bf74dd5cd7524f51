import { expect } from 'vitest';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

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

/** Signs out from the account menu as a person does, and waits for the login form. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('current-user').click();
  const item = page.getByRole('menuitem', { name: '退出登录' });
  await item.waitFor({ state: 'visible' });
  await item.click();
  await page.waitForURL(/\/login/);
  await page.getByLabel('用户名').waitFor();
}

/** A full-page screenshot once antd's motion has settled (look at them: test-results/screenshots). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header stays on top in a full-page shot
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no network calls). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Polls with a timeout long enough for a page load and a server round trip. */
export const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });

/** antd puts a space between the two characters of a two-character Chinese button label. */
export const label = (text: string) => new RegExp(`(^|\\s)${[...text].join('\\s*')}\\s*$`);

/** The dialog in front. */
export function modal(page: Page): Locator {
  return page.getByRole('dialog').filter({ visible: true }).last();
}
