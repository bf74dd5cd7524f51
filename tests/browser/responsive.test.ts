import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer } from './server.js';
import { launchChromium } from './session.js';

/**
 * Every menu page of several roles at two phone sizes and a desktop size: nothing overflows sideways,
 * the menu button never covers the page title, the header shows the user's name unclipped, lists are
 * cards on phones. Screenshots go to test-results/screenshots/responsive-*.png.
 */

const SHOTS = 'test-results/screenshots';
const PASSWORD = 'Zhengxun@2026';
const USERS = ['thq_xxy', 'fy_bj', 'll_ld', 'fy_zb', 'sysadmin'];
const VIEWPORTS = [
  { name: '390', width: 390, height: 844, phone: true },
  { name: '360', width: 360, height: 740, phone: true },
  { name: '1440', width: 1440, height: 900, phone: false },
];

let server: { url: string; close(): Promise<void> };
let browser: Browser;

const slug = (path: string) => path.replace(/^\//, '').replace(/[/?=&]+/g, '-') || 'home';

async function login(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${username}] pageerror:`, e.message));
  await page.goto(`${server.url}/`); // the printed root address; not logged in → the login form
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByLabel('密码').press('Enter');
  await page.getByTestId('current-user').waitFor();
  return page;
}

/** Waits for the page head and for the page's data (no spinner left). */
async function settle(page: Page): Promise<void> {
  await page.locator('.zx-page-head h1').first().waitFor({ timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await expect
    .poll(() => page.locator('.ant-spin-spinning, .zx-page-spin').count(), { timeout: 15_000 })
    .toBe(0);
  await page.waitForTimeout(250);
}

async function layoutProblems(page: Page, phone: boolean): Promise<string[]> {
  return page.evaluate((phone) => {
    const problems: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth)
      problems.push(`page is ${doc.scrollWidth}px wide in a ${window.innerWidth}px window`);
    const name = document.querySelector<HTMLElement>('[data-testid="current-user"]');
    if (name && name.scrollWidth > name.clientWidth + 1)
      problems.push('the user name is clipped in the header');
    const title = document.querySelector('.zx-page-head h1')?.getBoundingClientRect();
    const button = document.querySelector('.zx-header-menu')?.getBoundingClientRect();
    if (phone) {
      if (!button || button.width === 0) problems.push('no menu button on a phone');
      if (document.querySelector('.zx-sider')?.getBoundingClientRect().width)
        problems.push('the side menu takes room on a phone');
      if (document.querySelector('.zx-content .ant-table-wrapper .ant-table-thead'))
        problems.push('a list is shown as a table on a phone');
    }
    if (!phone)
      for (const t of document.querySelectorAll<HTMLElement>(
        '.zx-content .ant-table-content, .zx-content .ant-table-body',
      ))
        if (t.scrollWidth > t.clientWidth + 1)
          problems.push(`a table needs sideways scrolling (${t.scrollWidth}px in ${t.clientWidth}px)`);
    if (title && button && button.width > 0) {
      const overlap =
        title.left < button.right &&
        button.left < title.right &&
        title.top < button.bottom &&
        button.top < title.bottom;
      if (overlap) problems.push('the menu button covers the page title');
    }
    return problems;
  }, phone);
}

describe('responsive layout', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const username of USERS)
    it(`${username}: every menu page at 390, 360 and 1440 px`, async () => {
      const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      const first = await login(desk, username);
      const paths = await first
        .locator('.zx-sider a[href]')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      expect(paths.length).toBeGreaterThan(0);
      // One item's page too, where the user has any.
      for (const list of ['/my', '/inbox', '/unit']) {
        if (!paths.includes(list)) continue;
        await first.goto(`${server.url}${list}`);
        await settle(first);
        const href = await first
          .locator('.zx-content a[href^="/items/"]:not([href$="/new"])')
          .first()
          .getAttribute('href', { timeout: 3000 })
          .catch(() => null);
        if (href) {
          paths.push(href.replace(/^(\/items\/[^/]+).*$/, '$1'));
          break;
        }
      }
      const state = await desk.storageState();
      await desk.close();

      const problems: string[] = [];
      for (const vp of VIEWPORTS) {
        const context = await browser.newContext({
          viewport: { width: vp.width, height: vp.height },
          locale: 'zh-CN',
          storageState: state,
          isMobile: vp.phone,
          hasTouch: vp.phone,
        });
        const page = await context.newPage();
        page.on('pageerror', (e) => problems.push(`${vp.name} pageerror: ${e.message}`));
        for (const path of paths) {
          await page.goto(`${server.url}${path}`);
          await settle(page);
          for (const p of await layoutProblems(page, vp.phone)) problems.push(`${vp.name}px ${path}: ${p}`);
          const isItem = /^\/items\/[0-9a-f-]{36}$/.test(path);
          // Phones: the first screen as the person sees it (the checks above cover the whole page).
          if (vp.name !== '1440' || path === '/scoring/rankings' || path === '/')
            await page.screenshot({
              path: `${SHOTS}/responsive-${vp.name}-${username}-${isItem ? 'item' : slug(path)}.png`,
            });
        }
        if (vp.phone) {
          // The drawer menu: opens from the header button and reaches every page.
          await page.getByRole('button', { name: '打开菜单' }).click();
          const drawer = page.locator('.zx-menu-drawer');
          await drawer.locator('a[href]').first().waitFor();
          await page.waitForTimeout(300);
          expect(await drawer.locator('a[href]').count()).toBe(
            paths.filter((p) => !/^\/items\/[0-9a-f-]{36}$/.test(p)).length,
          );
          await page.screenshot({ path: `${SHOTS}/responsive-${vp.name}-${username}-menu.png` });
          await drawer.locator('a[href="/"]').click();
          await page.waitForURL(`${server.url}/`);
          // Closed: hidden, or slid off the left edge (after the slide-out motion).
          const open = async () => {
            const box = await drawer.locator('a[href]').first().boundingBox();
            return box !== null && box.x + box.width > 0;
          };
          const deadline = Date.now() + 5000;
          while ((await open()) && Date.now() < deadline) await page.waitForTimeout(100);
          if (await open()) problems.push(`${vp.name}px: the menu drawer stays open after choosing a page`);
        }
        await context.close();
      }
      expect(problems).toEqual([]);
    });
});
