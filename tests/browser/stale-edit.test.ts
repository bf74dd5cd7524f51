import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer } from './server.js';
import { label, launchChromium, loginFromRoot, poll } from './session.js';

/**
 * SECURITY.md §30 in the browser: two system administrators open the same hub's receiving stages; the first
 * saves, the second's save (from the version it read) is refused, and the page says so in Chinese instead of
 * overwriting the first one's work.
 */
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openStages(page: Page): Promise<void> {
  await page.goto(`${server.url}/admin/orgs`);
  await page
    .locator('.ant-tree-title')
    .filter({ hasText: /^汾阳市人民政府办公室/ })
    .first()
    .click();
  const card = page.locator('.ant-card').filter({ hasText: '接收环节' }).last();
  await card.getByRole('button', { name: label('设置') }).click();
  await card.getByRole('button', { name: label('保存') }).waitFor();
}

describe('stale edits in the UI', () => {
  it('SEC-30 the second of two administrators saving the same stages sees the 409 message, not a silent overwrite', async () => {
    const first = await loginFromRoot(browser, server.url, 'sysadmin');
    const second = await loginFromRoot(browser, server.url, 'sysadmin');
    await openStages(first);
    await openStages(second);
    const save = (page: Page) =>
      page
        .locator('.ant-card')
        .filter({ hasText: '接收环节' })
        .last()
        .getByRole('button', { name: label('保存') })
        .click();
    await save(first);
    await poll(() => first.getByText('接收环节已保存').isVisible()).toBe(true);
    await save(second);
    await poll(() => second.getByText('接收环节已被他人修改，请刷新后重试').isVisible()).toBe(true);
    expect(await second.getByText('接收环节已保存').count()).toBe(0);
  });
});
