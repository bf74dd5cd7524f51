import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { startTestServer } from './server.js';
import { label, launchChromium, loginFromRoot, modal, poll } from './session.js';

/**
 * 领导批示 as people do it, in Chromium against the real server and the demo data: 吕梁's leader finds the
 * item his editor put before him on 待批示, writes an instruction asking for a follow-up, and sees it under
 * 我的批示; 太和桥街道's writer answers it under 落实反馈, sees her item as 已采用 and opens 本单位积分与排名;
 * the leader then reads her answer.
 */

const SHOTS = 'test-results/screenshots';
const ITEM = '太和桥街道“网格+物业”模式破解老旧小区治理难题';
const TEXT = '此做法很好，请总结经验，在全市推广。';
const ANSWER = '已在全街道12个老旧小区全面推行，并形成《网格+物业工作指引》报市政府办。';

let server: { url: string; close(): Promise<void> };
let browser: Browser;
const pages = new Map<string, Page>();

/** Logs in starting from the root address, as a person would: `/` sends them to the login page. */
async function as(username: string): Promise<Page> {
  const existing = pages.get(username);
  if (existing) return existing;
  const page = await loginFromRoot(browser, server.url, username);
  pages.set(username, page);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300); // let antd's motion finish
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The same page loaded at phone width (the layout picks its breakpoint on load), then back. */
async function phoneShot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.waitForLoadState('networkidle');
  await shot(page, name);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.reload();
  await page.waitForLoadState('networkidle');
}

describe('leader instructions in the browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the leader finds the flagged item on 待批示 and writes an instruction with a follow-up', async () => {
    const leader = await as('ll_ld');
    await leader.getByRole('link', { name: '待批示' }).click();
    const row = leader.getByTestId('desk-row').filter({ hasText: ITEM });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('呈请阅示');
    await shot(leader, '60-leader-desk');
    await phoneShot(leader, '60-leader-desk-phone');

    await row.getByRole('link', { name: ITEM }).click();
    await leader.waitForURL(/\/items\/[0-9a-f-]{36}$/);
    const panel = leader.getByTestId('instructions-panel');
    await panel.getByRole('button', { name: label('批示') }).click();
    const dialog = modal(leader);
    await dialog.getByLabel('批示内容').fill(TEXT);
    await dialog.getByLabel('反馈期限（天）').fill('5');
    await dialog.getByRole('button', { name: '发出批示' }).click();
    await panel.getByTestId('instruction').filter({ hasText: TEXT }).waitFor();
    await expect(panel.getByTestId('follow-up-task').first().innerText()).resolves.toContain('待反馈');

    await leader.reload();
    await leader
      .getByTestId('instructions-panel')
      .getByTestId('instruction')
      .filter({ hasText: TEXT })
      .waitFor();
    await shot(leader, '61-item-instruction');

    // The item has left the desk; 我的批示 lists it with its open task.
    await leader.getByRole('link', { name: '待批示' }).click();
    await leader.getByRole('heading', { name: '待批示' }).waitFor();
    await poll(() => leader.getByTestId('desk-row').filter({ hasText: ITEM }).count()).toBe(0);
    await leader.getByRole('link', { name: '我的批示' }).click();
    await leader.getByTestId('my-instruction').filter({ hasText: TEXT }).waitFor();
  });

  it('the origin unit’s writer answers the follow-up, sees 已采用, and opens her unit’s standing', async () => {
    const writer = await as('thq_xxy');
    await writer.getByRole('link', { name: '落实反馈' }).click();
    const row = writer.getByTestId('follow-up-row').filter({ hasText: TEXT });
    await row.waitFor();
    await shot(writer, '62-follow-ups');
    await phoneShot(writer, '62-follow-ups-phone');
    await row.getByRole('button', { name: '填写落实反馈' }).click();
    await modal(writer).getByLabel('落实情况').fill(ANSWER);
    await modal(writer).getByRole('button', { name: '提交反馈' }).click();
    await modal(writer)
      .getByRole('button', { name: label('提交') })
      .click();
    await poll(() => writer.getByTestId('follow-up-row').filter({ hasText: TEXT }).count()).toBe(0);
    await writer.getByText('已反馈', { exact: true }).first().click();
    const done = writer.getByTestId('follow-up-row').filter({ hasText: TEXT });
    await done.waitFor();
    await expect(done.innerText()).resolves.toContain(ANSWER);

    await writer.getByRole('link', { name: '我的稿件' }).click();
    const mine = writer.getByRole('row').filter({ hasText: ITEM });
    await mine.waitFor();
    await expect(mine.innerText()).resolves.toContain('已采用');
    await expect(mine.innerText()).resolves.not.toContain('已处理');

    // The adoption banner opens the issue entry that used her item (when the item is in an issued issue).
    await mine.getByRole('link', { name: ITEM }).click();
    await writer.waitForURL(/\/items\/[0-9a-f-]{36}$/);
    await writer.getByTestId('instructions-panel').getByText(ANSWER).waitFor();
    const issueLinks = writer.getByTestId('adopted-issue').getByRole('link');
    if ((await issueLinks.count()) > 0) {
      await issueLinks.first().click();
      await writer.waitForURL(/\/issues\/[0-9a-f-]{36}$/);
      await expect(writer.getByText('对象不存在或无权访问').count()).resolves.toBe(0);
      await writer.goBack();
    }

    await writer.getByRole('link', { name: '本单位积分与排名' }).click();
    const summary = writer.getByTestId('standing-summary');
    await summary.waitFor();
    await expect(summary.innerText()).resolves.toContain('汾阳市太和桥街道办事处');
    await writer.locator('.ant-segmented-item').filter({ hasText: /^年$/ }).click();
    await writer.getByTestId('standing-entries').getByRole('row').nth(1).waitFor();
    await writer.reload();
    await writer.getByTestId('standing-summary').waitFor();
    await expect(writer.getByTestId('standing-summary').innerText()).resolves.toMatch(
      /第\s*\d+\s*名[\s\S]*共\d+个考核单位/,
    );
    await shot(writer, '63-standing');
    await phoneShot(writer, '63-standing-phone');
  });

  it('the leader reads the answer under 我的批示', async () => {
    const leader = await as('ll_ld');
    await leader.reload();
    const mine = leader.getByTestId('my-instruction').filter({ hasText: TEXT });
    await mine.waitFor();
    await expect(mine.innerText()).resolves.toContain(ANSWER);
    await shot(leader, '64-my-instructions');
    await phoneShot(leader, '64-my-instructions-phone');
  });
});
