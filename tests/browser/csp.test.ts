import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { startTestServer } from './server.js';
import { launchChromium, loginFromRoot, poll } from './session.js';

/**
 * SECURITY.md §25 in a real browser: the CSP carries a fresh nonce per request and no 'unsafe-inline';
 * Ant Design's CSS-in-JS, TipTap's base styles and the print page apply through the nonce, so pages render
 * styled and Chromium reports no violation.
 */
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Every CSP complaint of a page: console messages and securitypolicyviolation events. */
function watchViolations(page: Page): string[] {
  const found: string[] = [];
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Refused to (apply|load|execute)/i.test(text)) found.push(text);
  });
  return found;
}

async function recordEvents(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(
        `${e.violatedDirective} ${e.blockedURI} ${e.sample} ${(e.target as Element | null)?.outerHTML?.slice(0, 200) ?? ''}`,
      ),
    );
  });
}
const events = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);

describe('SEC-25 CSP with per-request nonces', () => {
  it('SEC-25 the shell gets a fresh nonce per request and the header has no unsafe-inline', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/inbox`);
      const csp = res.headers.get('content-security-policy')!;
      const html = await res.text();
      const nonce = /<meta name="csp-nonce" content="([^"]+)"/.exec(html)![1]!;
      expect(nonce.length).toBeGreaterThanOrEqual(22);
      expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`);
      expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(html).toMatch(new RegExp(`<script nonce="${nonce.replace(/[+/]/g, '\\$&')}"`));
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(3);
    const direct = await fetch(`${server.url}/index.html`);
    expect(await direct.text()).toContain('name="csp-nonce"');
  });

  it('SEC-25 pages render styled with no CSP violation: login, 工作台, the editor, a popover, an issue and its print page', async () => {
    const writer = await loginFromRoot(browser, server.url, 'thq_xxy');
    await recordEvents(writer);
    const violations = watchViolations(writer);
    await writer.goto(`${server.url}/inbox`);
    await writer.getByTestId('current-user').waitFor();
    // Styled: antd's primary button has its colour, the layout its background (CSS-in-JS applied).
    const primary = writer.locator('.ant-btn-primary').first();
    if ((await primary.count()) > 0)
      expect(await primary.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(
        'rgba(0, 0, 0, 0)',
      );
    await writer.goto(`${server.url}/items/new`);
    await writer.getByTestId('body-editor').click();
    await writer.keyboard.type('11月21日，太和桥街道组织开展冬季消防安全排查。');
    const editorStyle = await writer
      .getByTestId('body-editor')
      .evaluate((el) => getComputedStyle(el).whiteSpace);
    expect(editorStyle).toMatch(/pre-wrap|break-spaces/); // TipTap's injected base style applied
    // antd's input style (not the browser's 13.33px default) reached the title field.
    const titleInput = writer.getByLabel('标题', { exact: true });
    expect(await titleInput.evaluate((el) => getComputedStyle(el).fontSize)).not.toBe('13.3333px');
    expect(await events(writer)).toEqual([]);
    expect(violations).toEqual([]);

    const county = await loginFromRoot(browser, server.url, 'fy_bj');
    await recordEvents(county);
    const countyViolations = watchViolations(county);
    await county.goto(`${server.url}/received`);
    await county.getByRole('row').nth(1).getByRole('link').first().click();
    await county.getByTestId('bulletin').waitFor();
    await county.getByTestId('bell').click();
    await county.getByTestId('notification-popover').waitFor();
    await county.keyboard.press('Escape');
    expect(await events(county)).toEqual([]);
    const issueId = /\/issues\/([0-9a-f-]{36})/.exec(county.url())![1]!;
    await county.goto(`${server.url}/api/issues/${issueId}/print`);
    await poll(() => county.locator('.masthead').evaluate((el) => getComputedStyle(el).textAlign)).toBe(
      'center',
    );
    expect(await events(county)).toEqual([]);
    expect(countyViolations).toEqual([]);
  });
});
