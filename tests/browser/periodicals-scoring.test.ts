import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { startTestServer } from './server.js';
import { SHOTS, label, launchChromium, loginFromRoot, modal, poll, shot } from './session.js';

/**
 * Periodicals and scoring as a 信息科 does them, in Chromium against the real server and the demo data
 * (a year of history with adoptions left in the pool): the city editor compiles an issue of
 * 《吕梁政务信息》, the chief editor signs and issues it to some counties, a county reads it (the hub sees
 * the read receipt), then rankings, the 通报 flow and the DOCX downloads.
 */

let server: { url: string; close(): Promise<void> };
let browser: Browser;
const pages = new Map<string, Page>();

async function as(username: string): Promise<Page> {
  const existing = pages.get(username);
  if (existing) return existing;
  const page = await loginFromRoot(browser, server.url, username, { acceptDownloads: true });
  pages.set(username, page);
  return page;
}

async function confirmPopover(page: Page, okText: string): Promise<void> {
  await page
    .locator('.ant-popconfirm')
    .filter({ visible: true })
    .getByRole('button', { name: label(okText) })
    .click();
}

async function entryTitles(page: Page): Promise<string[]> {
  return page.getByTestId('entry').locator('.zx-entry-title').allInnerTexts();
}

/** Checks units in the open org TreeSelect dropdown by their names. */
async function pickOrgs(page: Page, names: string[]): Promise<void> {
  const dropdown = page.locator('.ant-select-dropdown').filter({ visible: true }).last();
  const search = page
    .getByRole('dialog')
    .filter({ visible: true })
    .last()
    .locator('.ant-select input')
    .first();
  // The tree is virtual (only visible rows exist) and periodicals preset a default distribution: find each
  // unit by typing its name, and tick it only when it is not ticked yet (a click would untick it).
  for (const n of names) {
    await search.fill(n);
    const box = dropdown
      .locator('.ant-select-tree-treenode')
      .filter({ hasText: new RegExp(`^${n}$`) })
      .locator('.ant-select-tree-checkbox');
    await box.waitFor();
    if (!/ant-select-tree-checkbox-checked/.test((await box.getAttribute('class')) ?? '')) await box.click();
  }
  await search.fill('');
  await page.keyboard.press('Escape');
}

describe('periodicals and scoring in the browser', () => {
  let issueUrl = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('editor compiles an issue from the pool, reorders it and submits it', async () => {
    const editor = await as('ll_bj');
    await editor.getByRole('link', { name: '刊物管理' }).click();
    const row = editor.getByRole('row').filter({ hasText: '《吕梁政务信息》' });
    await row.waitFor();
    await shot(editor, '30-periodicals');
    await row.getByRole('button', { name: /新建一期/ }).click();
    await editor.waitForURL(/\/issues\/[0-9a-f-]{36}\/compile$/);
    issueUrl = editor.url().replace(/\/compile$/, '');
    const pool = editor.getByTestId('pool');
    await pool
      .getByRole('button', { name: /^单篇编入/ })
      .first()
      .waitFor();
    const poolTitles = await pool.locator('tbody a').allInnerTexts();
    expect(poolTitles.length).toBeGreaterThanOrEqual(4);

    // Two single entries, then the next two merged into one 综合 entry crediting both sources.
    await pool.getByRole('button', { name: `单篇编入 ${poolTitles[0]}` }).click();
    await poll(() => entryTitles(editor)).toHaveLength(1);
    await pool.getByRole('button', { name: `单篇编入 ${poolTitles[1]}` }).click();
    await poll(() => entryTitles(editor)).toHaveLength(2);
    for (const t of poolTitles.slice(2, 4))
      await pool.getByRole('row').filter({ hasText: t }).getByRole('checkbox').check();
    await pool.getByRole('button', { name: /综合编入（2）/ }).click();
    await modal(editor).getByLabel('综合标题').fill('我市多地加快农村寄递物流和重点项目建设');
    await modal(editor).getByLabel('编者按').fill('现将有关情况综合刊发，供参阅。');
    await modal(editor)
      .getByRole('button', { name: /^编\s*入$/ })
      .click();
    await poll(() => entryTitles(editor)).toHaveLength(3);
    const merged = editor.getByTestId('entry').nth(2);
    await poll(() => merged.innerText()).toContain('综合');
    await poll(() => merged.innerText()).toMatch(/（.+、.+报送）|（.+报送）/);

    // Reorder: the 综合 entry moves up twice (keyboard-accessible buttons), then drag the last to the top.
    await editor.getByRole('button', { name: '上移 我市多地加快农村寄递物流和重点项目建设' }).click();
    await poll(async () => (await entryTitles(editor))[1]).toContain('我市多地');
    await editor.getByRole('button', { name: '上移 我市多地加快农村寄递物流和重点项目建设' }).click();
    await poll(async () => (await entryTitles(editor))[0]).toContain('我市多地');
    const before = await entryTitles(editor);
    await editor.getByTestId('entry').nth(2).dragTo(editor.getByTestId('entry').nth(0));
    await poll(async () => (await entryTitles(editor))[0]).toContain(before[2]!.replace(/^\d+\.\s*/, ''));
    await editor.reload();
    await poll(async () => (await entryTitles(editor))[0]).toContain(before[2]!.replace(/^\d+\.\s*/, ''));

    // 编者按 on an entry.
    await editor
      .getByRole('button', { name: /^编辑 / })
      .first()
      .click();
    await editor.getByLabel('编者按').fill('此文经验做法值得各地学习借鉴。');
    await editor.getByRole('button', { name: label('保存') }).click();
    await poll(() => editor.getByTestId('entry').first().innerText()).toContain('编者按：此文经验做法');
    await shot(editor, '31-issue-compiling');
    await editor.getByRole('tab', { name: '版面预览' }).click();
    await editor.getByTestId('bulletin').waitFor();
    await shot(editor, '32-issue-preview');

    await editor.getByRole('button', { name: '提交审签' }).click();
    await confirmPopover(editor, '提交');
    await poll(() => editor.getByTestId('issue-state').innerText()).toBe('待审签');
  });

  it('chief editor reviews, signs and issues it to two counties', async () => {
    const chief = await as('ll_zb');
    await chief.goto(`${issueUrl}/compile`);
    await chief.getByRole('button', { name: label('审核') }).click();
    await modal(chief).getByLabel('审核意见').fill('同意。');
    await modal(chief).getByRole('button', { name: '提交审核意见' }).click();
    await chief.getByText('审签记录').waitFor();
    await chief.getByRole('button', { name: label('签发') }).click();
    await modal(chief)
      .getByRole('button', { name: label('签发') })
      .click();
    await poll(() => chief.getByTestId('issue-state').innerText()).toBe('已签发');
    await chief.getByRole('button', { name: label('印发') }).click();
    // Open the tree by its search box: the middle of the field may be a preset tag's remove button.
    await modal(chief).locator('.ant-select input').first().click();
    await pickOrgs(chief, ['汾阳市人民政府办公室', '孝义市人民政府办公室']);
    await shot(chief, '33-issue-distribution');
    await modal(chief)
      .getByRole('button', { name: label('印发') })
      .click();
    await chief.waitForURL(/\/issues\/[0-9a-f-]{36}$/);
    await poll(() => chief.getByTestId('issue-heading').innerText()).toMatch(
      /《吕梁政务信息》2026年第\d+期（总第\d+期）/,
    );
    await poll(() => chief.getByTestId('distribution').innerText()).toContain('孝义市人民政府办公室');
  });

  it('a recipient county reads it and the hub sees the read receipt', async () => {
    const county = await as('fy_bj');
    await county.goto(`${server.url}/received`);
    await poll(() => county.getByTestId('bell').getAttribute('aria-label')).toMatch(/[1-9]\d*条未读/);
    await county.getByRole('row').nth(1).getByRole('link').first().click();
    await county.getByTestId('bulletin').waitFor();
    await poll(() => county.getByTestId('bulletin').innerText()).toContain('编者按');
    await shot(county, '34-county-reads-issue');
    await county.getByTestId('bell').click();
    await county.getByTestId('notification-popover').waitFor();
    await shot(county, '35-county-notifications');
    await county.keyboard.press('Escape');

    const editor = await as('ll_bj');
    await editor.goto(issueUrl);
    const dist = editor.getByTestId('distribution');
    await poll(() => dist.getByRole('row').filter({ hasText: '汾阳市人民政府办公室' }).innerText()).toContain(
      '已读',
    );
    await poll(() => dist.getByRole('row').filter({ hasText: '孝义市人民政府办公室' }).innerText()).toContain(
      '未读',
    );
    // One reader so far among the recipients (the periodical's preset list plus the two picked).
    const rows = await dist
      .getByRole('row')
      .filter({ hasText: /已读|未读/ })
      .count();
    await poll(() => editor.getByTestId('read-rate').innerText()).toContain(`${Math.round(100 / rows)}%`);
    await shot(editor, '36-issue-read-receipts');
    const [docx] = await Promise.all([
      editor.waitForEvent('download'),
      editor.getByRole('button', { name: /下载Word/ }).click(),
    ]);
    expect(docx.suggestedFilename()).toMatch(/\.docx$/);
  });

  it('chief editor sets the scoring rule; editor views rankings for the month and the year', async () => {
    const chief = await as('ll_zb');
    await chief.goto(`${server.url}/scoring/rules`);
    await chief.getByRole('button', { name: '添加计分刊物' }).click();
    await chief.getByLabel('计分刊物').last().click();
    await chief
      .locator('.ant-select-dropdown')
      .filter({ visible: true })
      .getByText('《吕梁政务信息》')
      .click();
    await chief.getByRole('button', { name: '保存规则' }).click();
    await confirmPopover(chief, '保存');
    await chief.getByText(/第 \d+ 版/).waitFor();
    await shot(chief, '37-scoring-rules');

    const editor = await as('ll_bj');
    await editor.goto(`${server.url}/scoring/rankings`);
    await editor.getByTestId('rankings').getByText('汾阳市政府办').waitFor();
    await shot(editor, '38-rankings-month');
    await editor.locator('.ant-segmented-item').filter({ hasText: /^年$/ }).click();
    await editor.waitForURL(/period=year/);
    await poll(() => editor.getByTestId('rankings').innerText()).toContain('《吕梁政务信息》');
    await shot(editor, '39-rankings-year');
    const [sheet] = await Promise.all([
      editor.waitForEvent('download'),
      editor.getByRole('button', { name: '导出Excel' }).click(),
    ]);
    expect(sheet.suggestedFilename()).toMatch(/排名.*\.xlsx$/);

    await editor.goto(`${server.url}/scoring/ledger`);
    await editor.getByRole('columnheader', { name: '说明' }).waitFor();
    await shot(editor, '43-ledger');
    await editor.goto(`${server.url}/scoring/quotas?tab=lagging`);
    await editor.getByRole('columnheader', { name: '未完成' }).waitFor();
    await shot(editor, '44-lagging');
    await editor.goto(`${server.url}/scoring/rewards`);
    await editor.getByRole('tab', { name: '按信息员' }).waitFor();
    await shot(editor, '45-rewards');
  });

  it('editor composes a 通报, the chief editor issues it, both download it', async () => {
    const editor = await as('ll_bj');
    await editor.goto(`${server.url}/notices`);
    await editor.getByRole('button', { name: '编制通报' }).click();
    await modal(editor)
      .getByLabel('通报正文（说明、点评、下步要求）')
      .fill('各单位要进一步提高信息报送质量。');
    await modal(editor).getByRole('button', { name: '生成草稿' }).click();
    await editor.waitForURL(/\/notices\/[0-9a-f-]{36}$/);
    await poll(() => editor.getByTestId('notice-state').innerText()).toBe('草稿');
    await editor.getByTestId('notice-table').getByText('汾阳市人民政府办公室').waitFor();
    await shot(editor, '40-notice-draft');
    const noticeUrl = editor.url();

    const chief = await as('ll_zb');
    await chief.goto(noticeUrl);
    await chief.getByRole('button', { name: label('下发') }).click();
    await confirmPopover(chief, '下发');
    await poll(() => chief.getByTestId('notice-state').innerText()).toBe('已印发');
    const [docx] = await Promise.all([
      chief.waitForEvent('download'),
      chief.getByRole('button', { name: /下载Word/ }).click(),
    ]);
    expect(docx.suggestedFilename()).toMatch(/\.docx$/);
    await shot(chief, '41-notice-issued');

    const county = await as('fy_bj');
    await county.goto(`${server.url}/notices`);
    await county
      .getByRole('link', { name: /政务信息报送采用情况的通报/ })
      .first()
      .click();
    await county.getByTestId('notice-table').waitFor();
    await shot(county, '42-county-notice');
  });
});
