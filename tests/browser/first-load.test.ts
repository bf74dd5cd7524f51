import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page, type Response } from 'playwright-core';
import { startTestServer } from './server.js';
import { launchChromium } from './session.js';

/**
 * What a person's browser downloads before the login form and before the 工作台, with an empty cache:
 * compressed JavaScript and CSS bytes (as transferred), printed, and checked against a generous budget.
 * The rich-text editor must not be among them.
 */

const PASSWORD = 'Zhengxun@2026';
const BUDGET_GZIP_BYTES = 300 * 1024;

let server: { url: string; close(): Promise<void> };
let browser: Browser;

interface Asset {
  url: string;
  type: string;
  encoding: string | null;
  transferred: number;
  cacheControl: string | null;
}

/** Records every script and stylesheet the page fetches, with its encoded (on-the-wire) body size. */
function recordAssets(page: Page): Asset[] {
  const assets: Asset[] = [];
  page.on('response', (res: Response) => {
    const type = res.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet') return;
    void (async () => {
      const sizes = await res.request().sizes();
      const headers = await res.allHeaders();
      assets.push({
        url: new URL(res.url()).pathname,
        type,
        encoding: headers['content-encoding'] ?? null,
        transferred: sizes.responseBodySize,
        cacheControl: headers['cache-control'] ?? null,
      });
    })();
  });
  return assets;
}

const total = (a: Asset[]) => a.reduce((s, x) => s + x.transferred, 0);
const DIST = fileURLToPath(new URL('../../dist/web', import.meta.url));
/** The same files' gzip size (the precompressed .gz next to each), for browsers that do not take brotli. */
const gzipTotal = (a: Asset[]) =>
  a.reduce((s, x) => {
    const gz = DIST + x.url + '.gz';
    return s + (existsSync(gz) ? statSync(gz).size : x.transferred);
  }, 0);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

describe('first load', () => {
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the login form and the 工作台 arrive compressed, cacheable, without the editor, within budget', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const assets = recordAssets(page);

    await page.goto(`${server.url}/`);
    await page.getByLabel('用户名').waitFor();
    await page.waitForLoadState('networkidle');
    const login = [...assets];
    mkdirSync('test-results/screenshots', { recursive: true });
    await page.screenshot({ path: 'test-results/screenshots/first-load-390-login.png' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await page.getByLabel('用户名').fill('thq_xxy');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByLabel('密码').press('Enter');
    await page.getByTestId('current-user').waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    const afterLogin = assets.slice(login.length);

    const lines = [
      `first load — login screen: ${login.length} files, ${kb(total(login))} transferred` +
        ` (${login[0]?.encoding ?? 'identity'}; ${kb(gzipTotal(login))} as gzip)`,
      `first load — 工作台 after login: +${afterLogin.length} files, +${kb(total(afterLogin))};` +
        ` cumulative ${kb(total(assets))} (${kb(gzipTotal(assets))} as gzip); budget ${kb(BUDGET_GZIP_BYTES)} gzip`,
      ...[...assets]
        .sort((a, b) => b.transferred - a.transferred)
        .slice(0, 6)
        .map((a) => `  ${kb(a.transferred).padStart(9)}  ${a.encoding ?? 'identity'}  ${a.url}`),
    ];
    console.log(lines.join('\n'));

    expect(login.length).toBeGreaterThan(0);
    for (const a of assets) {
      if (a.transferred > 1024) expect(['br', 'gzip'], a.url).toContain(a.encoding);
      if (a.url.startsWith('/assets/')) expect(a.cacheControl, a.url).toContain('immutable');
    }
    expect(assets.some((a) => /RichTextEditor|tiptap|prosemirror/i.test(a.url))).toBe(false);
    expect(
      assets.some((a) => /jsx-dev-runtime/.test(a.url)),
      'a development bundle',
    ).toBe(false);
    // Generous budget checks (sizes, not timings): the login form within 300 KB gzip, the 工作台 within 1.5×.
    expect(gzipTotal(login)).toBeLessThan(BUDGET_GZIP_BYTES);
    expect(gzipTotal(assets)).toBeLessThan(1.5 * BUDGET_GZIP_BYTES);
    await context.close();
  });
});
