import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer } from './server.js';
import { label, poll } from './session.js';

/**
 * A writer pastes from Word: a table whose figures must stay in their cells and a picture that must be
 * uploaded (or refused by name). Then: leaving with unsaved text warns; a reload offers the autosave.
 */
const SHOTS = 'test-results/screenshots';
const PASSWORD = 'Zhengxun@2026';

/** 1×1 PNG as Word's clipboard sometimes carries it (data: URI), and a local file it never can. */
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const WORD_HTML = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{mso-style-parent:""}</style></head><body><!--StartFragment-->
<p class=MsoNormal><span style='font-family:仿宋_GB2312'>一季度全街道完成投资情况如下<o:p></o:p></span></p>
<table class=MsoTableGrid border=1 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
<tr><td width=100 style='mso-border-alt:solid'><p class=MsoNormal><b>指标<o:p></o:p></b></p></td><td width=100><p class=MsoNormal><b>数值<o:p></o:p></b></p></td></tr>
<tr><td><p class=MsoNormal><span lang=EN-US>投资额<o:p></o:p></span></p></td><td><p class=MsoNormal><span lang=EN-US>52<o:p></o:p></span></p></td></tr>
<tr><td><p class=MsoNormal>增速<o:p></o:p></p></td><td><p class=MsoNormal><span lang=EN-US>2.1<o:p></o:p></span></p></td></tr>
</table>
<p class=MsoNormal><img width=200 height=100 src="${PNG}"><o:p></o:p></p>
<p class=MsoNormal><!--[if gte vml 1]><v:imagedata src="file:///C:/x/clip_image001.png"/><![endif]--><![if !vml]><img width=200 height=100 src="file:///C:/Users/a/AppData/Local/Temp/msohtmlclip1/01/clip_image003.jpg"><![endif]></p>
<!--EndFragment--></body></html>`;

let server: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;

async function shot(p: Page, name: string): Promise<void> {
  await p.waitForTimeout(300);
  await p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('pasting from Word into 正文, autosave and the leave warning', () => {
  let itemUrl = '';

  it('logs in from the root address and opens the editor from the menu', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('用户名').fill('thq_xxy');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByLabel('密码').press('Enter');
    await page.getByTestId('current-user').waitFor();
    await page.getByRole('link', { name: '撰写信息' }).first().click();
    await page.getByTestId('body-editor').waitFor();
  }, 120_000);

  it('keeps the pasted table, uploads the picture and refuses the local one by name', async () => {
    await page.getByRole('textbox', { name: '标题' }).fill('某街道一季度投资稳步增长（粘贴测试）');
    const editor = page.getByTestId('body-editor');
    await editor.click();
    await editor.evaluate((el, html) => {
      const dt = new DataTransfer();
      dt.setData('text/html', html);
      dt.setData('text/plain', '一季度全街道完成投资情况如下');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, WORD_HTML);
    await poll(() => editor.locator('table td').count()).toBe(6);
    await poll(() => editor.locator('figure img').getAttribute('src')).toMatch(/^\/files\/[0-9a-f-]{36}$/);
    expect(await editor.locator('table tr').nth(1).locator('td').allInnerTexts()).toEqual(['投资额', '52']);
    await poll(() => page.getByTestId('refused-images').innerText()).toContain('第2张图片无法从剪贴板读取');
    expect(await editor.innerHTML()).not.toMatch(/mso-|o:p|file:/);
    await shot(page, 'editor-paste-1440');
    await editor.locator('figcaption').click();
    await page.keyboard.type('图为项目施工现场');
  }, 60_000);

  it('saves, and the detail page shows the table and the captioned picture', async () => {
    await page.getByRole('button', { name: /保存草稿/ }).click();
    await page.waitForURL(/\/items\/[0-9a-f-]{36}\/edit$/);
    itemUrl = page.url().replace(/\/edit$/, '');
    await page.goto(itemUrl);
    const body = page.getByTestId('item-body');
    await poll(() => body.locator('table td').count()).toBe(6);
    expect(await body.locator('table tr').nth(2).locator('td').allInnerTexts()).toEqual(['增速', '2.1']);
    expect(await body.locator('figcaption').innerText()).toBe('图为项目施工现场');
    await poll(() => body.locator('figure img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
      1,
    );
    await shot(page, 'editor-paste-detail-1440');
  }, 60_000);

  it('warns when leaving through the menu with typed text not yet saved', async () => {
    await page.goto(`${itemUrl}/edit`);
    const editor = page.getByTestId('body-editor');
    await editor.locator('p').first().click();
    await page.keyboard.press('End');
    await page.keyboard.type('，同比增长百分之十二');
    await page.getByRole('link', { name: '我的稿件' }).first().click();
    const dialog = page.getByRole('dialog').filter({ hasText: '有尚未保存的内容' });
    await dialog.waitFor();
    await shot(page, 'editor-leave-warning-1440');
    await dialog.getByRole('button', { name: label('留在本页') }).click();
    expect(page.url()).toMatch(/\/edit$/);
  }, 60_000);

  it('after a reload offers the autosave and restores it', async () => {
    await poll(() => page.getByTestId('autosave-status').innerText()).toMatch(/^已自动保存 \d\d:\d\d:\d\d$/);
    await page.reload();
    const offer = page.getByTestId('autosave-offer');
    await offer.waitFor();
    await shot(page, 'editor-autosave-offer-1440');
    await offer.getByRole('button', { name: label('恢复') }).click();
    await poll(() => page.getByTestId('body-editor').innerText()).toContain('同比增长百分之十二');
    await poll(() => page.getByTestId('body-editor').locator('table td').count()).toBe(6);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'editor-restored-390');
    await page.setViewportSize({ width: 1440, height: 900 });
    // Saving clears the autosave: another reload offers nothing and leaving does not warn.
    await page.getByRole('button', { name: /保存草稿/ }).click();
    await poll(() => page.getByTestId('autosave-status').innerText()).toBe('');
    await page.reload();
    await page.getByTestId('body-editor').waitFor();
    await page.waitForTimeout(800);
    expect(await page.getByTestId('autosave-offer').count()).toBe(0);
    await page.getByRole('link', { name: '我的稿件' }).first().click();
    await page.waitForURL(/\/my$/);
  }, 90_000);
});
