import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { startTestServer } from './server.js';
import { SHOTS, label, launchChromium, loginFromRoot, modal, poll, shot } from './session.js';

/**
 * The reporting workflow as people do it, in Chromium against the real server and the demo data:
 * a township drafts, reviews and signs; the county signs for and sends it back; the township revises and
 * resubmits; the county forwards it; the city signs for and adopts it. Each person has their own browser
 * context (own session cookie).
 */

const TITLE = `太和桥街道“邻里议事厅”推动老旧小区改造落地见效（浏览器测试${Date.now() % 100000}）`;

let server: { url: string; close(): Promise<void> };
let browser: Browser;
const pages = new Map<string, Page>();

async function as(username: string): Promise<Page> {
  const existing = pages.get(username);
  if (existing) return existing;
  const page = await loginFromRoot(browser, server.url, username);
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

async function openItem(page: Page, listPath: string): Promise<void> {
  await page.goto(`${server.url}${listPath}`);
  await page.getByRole('link', { name: TITLE }).first().click();
  await page.getByTestId('item-title').filter({ hasText: TITLE }).waitFor();
}

async function expectStatus(page: Page, text: string): Promise<void> {
  await poll(() => page.getByTestId('item-status').innerText()).toContain(text);
}

async function expectTimeline(page: Page, text: string): Promise<void> {
  await poll(() => page.getByTestId('timeline').innerText()).toContain(text);
}

async function hop(page: Page, toOrg: string): Promise<Locator> {
  const h = page.locator(`[data-testid="hop-${toOrg}"]`);
  await h.waitFor();
  return h;
}

/** The unit's own steps: reviewer approves, signer signs (targets preset to the parent hub). */
async function reviewAndSign(round: number): Promise<void> {
  const reviewer = await as('thq_shr');
  await openItem(reviewer, '/review');
  await reviewer.getByRole('button', { name: '审核通过' }).click();
  await modal(reviewer)
    .getByLabel('审核意见')
    .fill(round === 1 ? '同意报送，数据已核实。' : '已按上级意见修改，同意报送。');
  await modal(reviewer).getByRole('button', { name: '审核通过' }).click();
  await expectStatus(reviewer, '待签发');
  await expectTimeline(reviewer, '审核通过');
  if (round === 1) await shot(reviewer, '03-reviewer-approved');

  const signer = await as('thq_qfr');
  await openItem(signer, '/signoff');
  await signer.getByRole('button', { name: label('签发') }).click();
  if (round === 1) await poll(() => modal(signer).getByLabel('汾阳市人民政府办公室').isChecked()).toBe(true);
  await modal(signer)
    .getByRole('button', { name: label('签发') })
    .click();
  await expectStatus(signer, '待签收');
  await expectTimeline(signer, '签发报送');
  await expectTimeline(signer, '报送 → 汾阳市人民政府办公室');
  if (round === 1) await shot(signer, '04-signer-signed');
}

async function receive(page: Page, hub: string): Promise<void> {
  const h = await hop(page, hub);
  await h.getByRole('button', { name: label('签收') }).click();
  await confirmPopover(page, '签收');
  await poll(() => h.innerText()).toContain('已签收');
  await expectTimeline(page, '签收');
}

describe('reporting workflow in the browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const [user, page] of pages)
      await page.screenshot({ path: `${SHOTS}/zz-last-${user}.png`, fullPage: true }).catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  it('township drafts → review → sign → county returns → revise → county forwards → city adopts', async () => {
    // 1. The township's information officer drafts and submits for review.
    const writer = await as('thq_xxy');
    await shot(writer, '01-writer-dashboard');
    await writer.getByRole('link', { name: '撰写信息' }).first().click();
    await writer.getByLabel('标题', { exact: true }).fill(TITLE);
    const body = writer.getByTestId('body-editor');
    await body.click();
    await writer.keyboard.type('11月20日，太和桥街道召开“邻里议事厅”专题会议，');
    await writer.keyboard.press('Control+b');
    await writer.keyboard.type('12个小区');
    await writer.keyboard.press('Control+b');
    await writer.keyboard.type('的居民代表围绕加装电梯、停车位改造等事项议定方案。');
    await writer.getByText('汾阳市人民政府办公室').first().waitFor();
    await shot(writer, '02-writer-editor');
    await writer.getByRole('button', { name: '提交审核' }).click();
    await confirmPopover(writer, '提交');
    await writer.waitForURL(/\/items\/[0-9a-f-]{36}$/);
    await expectStatus(writer, '待审核');
    await expectTimeline(writer, '提交审核');

    // 2–3. Reviewer approves, signer signs it off to the county hub.
    await reviewAndSign(1);

    // 4. County editor signs for it and sends it back with a reason.
    const county = await as('fy_bj');
    await county.goto(`${server.url}/inbox?state=pending`);
    await county.getByRole('link', { name: TITLE }).waitFor();
    await shot(county, '05-county-inbox');
    await openItem(county, '/inbox?state=pending');
    await receive(county, '汾阳市人民政府办公室');
    const countyHop = await hop(county, '汾阳市人民政府办公室');
    await countyHop.getByRole('button', { name: '退回修改' }).click();
    const reason = '请补充改造涉及的户数和资金投入等具体数据。';
    // Let the dialog finish opening before submitting it empty, or the click can land mid-animation.
    await modal(county).getByLabel('退回理由').waitFor();
    await county.waitForTimeout(300);
    await modal(county).getByRole('button', { name: '退回修改' }).click();
    await modal(county).getByText('请填写退回理由').waitFor(); // a reason is required
    await modal(county).getByLabel('退回理由').fill(reason);
    await modal(county).getByRole('button', { name: '退回修改' }).click();
    await poll(() => countyHop.innerText()).toContain('退回理由');
    await expectTimeline(county, reason);
    await shot(county, '06-county-returned');

    // 5. The officer sees the reason, revises (a new version) and resubmits through the unit's steps.
    await writer.reload();
    await writer.getByText(`退回理由：${reason}`).first().waitFor();
    await expectStatus(writer, '修改中');
    await writer.getByRole('button', { name: label('修改') }).click();
    await writer.getByTestId('body-editor').waitFor();
    await poll(() => writer.getByTestId('body-editor').innerText()).toContain('邻里议事厅');
    await writer.getByTestId('body-editor').click();
    await writer.keyboard.press('Control+End');
    await writer.keyboard.press('Enter');
    await writer.keyboard.type('此次改造涉及居民860户，计划投入资金1200万元。');
    await writer.getByLabel('修改说明').fill('按汾阳市政府办意见补充数据');
    await shot(writer, '07-writer-revising');
    await writer.getByRole('button', { name: '提交审核' }).click();
    await confirmPopover(writer, '提交');
    await writer.waitForURL(/\/items\/[0-9a-f-]{36}$/);
    await expectStatus(writer, '待审核');
    // The versions tab compares the revision with the first draft.
    await writer.getByRole('tab', { name: /版本记录/ }).click();
    await writer.getByRole('button', { name: /与第1版比较/ }).click();
    await poll(async () =>
      (await writer.getByTestId('diff-body').locator('ins').allInnerTexts()).join(''),
    ).toContain('此次改造涉及居民860户，计划投入资金1200万元。');
    await shot(writer, '08-writer-diff');

    await reviewAndSign(2);

    // 6. County signs for the revised item and forwards it to the city.
    await openItem(county, '/inbox?state=pending');
    await receive(county, '汾阳市人民政府办公室');
    await (await hop(county, '汾阳市人民政府办公室')).getByRole('button', { name: label('转报') }).click();
    await poll(() => modal(county).locator('.ant-select').innerText()).toContain('吕梁市人民政府办公室');
    await modal(county)
      .getByRole('button', { name: label('转报') })
      .click();
    const cityHop = await hop(county, '吕梁市人民政府办公室');
    await poll(() => cityHop.innerText()).toContain('待签收');
    await expectTimeline(county, '转报 → 吕梁市人民政府办公室');
    await shot(county, '09-county-forwarded');

    // 7. City editor signs for it and adopts it into 《吕梁政务信息》.
    const city = await as('ll_bj');
    await openItem(city, '/inbox?state=pending');
    await receive(city, '吕梁市人民政府办公室');
    await (await hop(city, '吕梁市人民政府办公室')).getByRole('button', { name: label('采用') }).click();
    const m = modal(city);
    await m.locator('.ant-select').first().click();
    await city.locator('.ant-select-item-option').filter({ hasText: '《吕梁政务信息》' }).click();
    await poll(() => m.getByLabel('单篇采用').isChecked()).toBe(true);
    await shot(city, '10-city-adopt-dialog');
    await m.getByRole('button', { name: label('采用') }).click();
    await city.getByTestId('adopted-banner').waitFor();
    await poll(() => city.getByTestId('adopted-banner').innerText()).toContain('被《吕梁政务信息》单篇采用');
    await expectTimeline(city, '采用：《吕梁政务信息》（单篇采用）');
    await shot(city, '11-city-adopted');

    // 8. The result flows back down to the township.
    await writer.reload();
    await writer.getByTestId('adopted-banner').waitFor();
    await poll(() => writer.getByTestId('adopted-banner').innerText()).toContain('《吕梁政务信息》');
    for (const step of [
      '提交审核',
      '审核通过',
      '签发报送',
      '签收',
      '退回修改',
      '转报 → 吕梁市人民政府办公室',
      '采用',
    ])
      await expectTimeline(writer, step);
    await shot(writer, '12-writer-final');
  });

  it('a stale save (409) is shown and the text typed is not lost', async () => {
    const writer = await as('thq_xxy');
    await writer.goto(`${server.url}/items/new`);
    await writer.getByLabel('标题', { exact: true }).fill('太和桥街道开展冬季消防安全排查（并发修改测试）');
    await writer.getByTestId('body-editor').click();
    await writer.keyboard.type('11月21日，太和桥街道组织开展冬季消防安全排查。');
    await writer.getByRole('button', { name: '保存草稿' }).click();
    await writer.waitForURL(/\/items\/[0-9a-f-]{36}\/edit$/);

    // Someone else (here: a second tab) saves a newer version meanwhile.
    const other = await writer.context().newPage();
    await other.goto(writer.url());
    await poll(() => other.getByTestId('body-editor').innerText()).toContain('消防安全排查');
    await other.getByLabel('标题', { exact: true }).fill('太和桥街道开展冬季消防安全大排查（并发修改测试）');
    await other.getByRole('button', { name: '保存草稿' }).click();
    await other.getByText('草稿已保存').waitFor();
    await other.close();

    await writer.getByTestId('body-editor').click();
    await writer.keyboard.press('Control+End');
    await writer.keyboard.type('共排查沿街商铺136家。');
    await writer.getByRole('button', { name: '保存草稿' }).click();
    await writer.getByTestId('stale-warning').waitFor();
    await poll(() => writer.getByTestId('body-editor').innerText()).toContain('共排查沿街商铺136家。');
    await shot(writer, '13-writer-stale-version');
    await writer
      .getByRole('button', { name: '知道了' })
      .click()
      .catch(() => undefined);
    await writer.getByRole('button', { name: '以我的修改覆盖保存' }).click();
    await confirmPopover(writer, '覆盖保存');
    await writer.getByText('已保存为新版本').waitFor();
  });

  it('the system administrator sees the org tree and the people of a unit', async () => {
    const admin = await as('sysadmin');
    await admin.getByRole('link', { name: '单位管理' }).click();
    await admin.getByRole('tree').getByText('汾阳市太和桥街道办事处').click();
    await admin.locator('.ant-card-head-title').filter({ hasText: '汾阳市太和桥街道办事处' }).waitFor();
    await shot(admin, '14-admin-orgs');
    await admin.getByRole('link', { name: '用户管理' }).click();
    await admin.getByLabel('选择单位').click();
    await admin.keyboard.type('太和桥');
    await admin
      .locator('.ant-select-tree-node-content-wrapper')
      .filter({ hasText: '汾阳市太和桥街道办事处' })
      .click();
    await admin.getByRole('cell', { name: 'thq_xxy' }).waitFor();
    await shot(admin, '15-admin-users');
  });
});
