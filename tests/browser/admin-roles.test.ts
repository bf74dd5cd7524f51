import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer } from './server.js';
import { loginFromRoot, poll } from './session.js';

/**
 * The security and audit administrators at work, in Chromium against the real server and the demo data:
 * each starts at the server's root address, signs in, walks their menu, reloads a page (F5), and never sees
 * a raw code. Screenshots at desktop (1440×900) and phone (390×844) width.
 */

const SHOTS = 'test-results/screenshots';
const RAW_CODES =
  /\b(sys_admin|sec_admin|audit_admin|org_admin|issue_published|auth\.login|access\.denied|user\.[a-z_]+)\b/;

let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function signIn(username: string, viewport: { width: number; height: number }): Promise<Page> {
  return loginFromRoot(browser, server.url, username, { viewport });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function heading(page: Page): Promise<string> {
  return page.locator('.zx-page-title h1').innerText();
}

async function visit(page: Page, menuText: string, title: string): Promise<void> {
  await page.locator('.zx-sider').getByRole('link', { name: menuText }).click();
  await poll(() => heading(page)).toBe(title);
  await page
    .locator('.ant-spin-spinning')
    .first()
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  expect(await page.locator('body').innerText()).not.toMatch(RAW_CODES);
}

describe('安全管理员', () => {
  it('has a 工作台 and a menu, and each page works after a reload', async () => {
    const page = await signIn('secadmin', { width: 1440, height: 900 });
    await poll(() => page.getByText('锁定账号').first().isVisible()).toBe(true);
    await poll(() => page.locator('.ant-statistic-content-value').first().innerText()).toMatch(/\d/);
    await shot(page, 'admin-sec-dashboard');

    await visit(page, '账号安全', '账号安全');
    await page.getByRole('tab', { name: '三员账号' }).click();
    await poll(() => page.locator('.ant-table-row').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.ant-table').innerText()).toContain('审计管理员');
    await shot(page, 'admin-sec-accounts');

    await visit(page, '在线会话', '在线会话');
    await poll(() => page.getByText('当前会话').isVisible()).toBe(true);
    await shot(page, 'admin-sec-sessions');

    await visit(page, '安全策略', '安全策略');
    await poll(() => page.getByLabel('连续登录失败').inputValue()).toBe('5');
    await page.reload(); // F5
    await poll(() => heading(page)).toBe('安全策略');
    await poll(() => page.getByLabel('连续登录失败').inputValue()).toBe('5');
    await shot(page, 'admin-sec-policy');

    await visit(page, '用户查询', '用户管理');
    await shot(page, 'admin-sec-users');
    // The security administrator grants nothing: no 新建账号.
    expect(await page.getByRole('button', { name: /新建账号/ }).count()).toBe(0);
  });

  it('fits a phone', async () => {
    const page = await signIn('secadmin', { width: 390, height: 844 });
    await poll(() => page.getByText('在线会话').filter({ visible: true }).count()).toBeGreaterThan(0);
    await shot(page, 'admin-sec-dashboard-phone');
    await page.goto(`${server.url}/security/policy`);
    await poll(() => heading(page)).toBe('安全策略');
    await shot(page, 'admin-sec-policy-phone');
  });
});

describe('审计管理员', () => {
  it(
    'reads, filters and verifies the audit log, and the page survives a reload',
    { timeout: 180_000 },
    async () => {
      const page = await signIn('auditadmin', { width: 1440, height: 900 });
      await poll(() => page.getByText('今日审计记录').isVisible()).toBe(true);
      await shot(page, 'admin-audit-dashboard');

      await visit(page, '审计日志', '审计日志');
      await poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(10);
      expect(await page.locator('.ant-table').innerText()).toContain('登录');
      await page.getByRole('button', { name: /校验哈希链/ }).click();
      // The whole demo history is checked: allow it time.
      await expect
        .poll(
          () =>
            page
              .locator('.ant-modal-confirm-title')
              .first()
              .innerText()
              .catch(() => ''),
          { timeout: 90_000 },
        )
        .toBe('哈希链完整');
      await shot(page, 'admin-audit-verified');
      await page.locator('.ant-modal-confirm-btns button').click();

      await page.getByLabel('结果').click();
      await page.locator('.ant-select-dropdown').getByText('成功', { exact: true }).click();
      await page.getByRole('button', { name: /查\s*询/ }).click();
      await poll(() => page.locator('.ant-table-row .ant-tag').first().innerText()).toBe('成功');
      expect(await page.locator('body').innerText()).not.toMatch(RAW_CODES);
      await shot(page, 'admin-audit-log');

      await page.reload(); // F5
      await poll(() => heading(page)).toBe('审计日志');
      await poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(10);

      await page.locator('.zx-sider').getByRole('link', { name: '工作台' }).click();
      await poll(() => page.getByText(/哈希链完整/).isVisible()).toBe(true);
      await shot(page, 'admin-audit-dashboard-verified');
    },
  );

  it('fits a phone', async () => {
    const page = await signIn('auditadmin', { width: 390, height: 844 });
    await page.goto(`${server.url}/audit`);
    // On a phone the log is a list of cards (ResponsiveTable), not table rows.
    await poll(() => page.locator('.zx-card').count()).toBeGreaterThan(5);
    await shot(page, 'admin-audit-log-phone');
  });
});
