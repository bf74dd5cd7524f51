import { describe, expect, it } from 'vitest';
import { sanitizeRichText } from '../../src/server/modules/items/domain/text.js';

/**
 * SECURITY.md §26: rich text may not make a reader's browser call the API (an <img src="/api/issues/ID">
 * in an item would act for whoever views it). /files/<uuid> is the only same-origin path an image keeps.
 */
const FILE = '/files/0b6c1f2e-8d3a-4c55-9a1e-3f2b7c6d5e4f';

describe('SEC-26 rich text references no same-origin API path', () => {
  it.each([
    '/api/issues/0b6c1f2e-8d3a-4c55-9a1e-3f2b7c6d5e4f',
    '/api/notices/0b6c1f2e-8d3a-4c55-9a1e-3f2b7c6d5e4f/read',
    '/%61pi/issues/x',
    '//api/issues/x',
    '/files/../api/issues/x',
    `${FILE}?next=/api/x`,
    `${FILE}/../../api/x`,
    'https://example.com/x.png',
    '/assets/logo.png',
  ])('drops <img src="%s">', (src) => {
    expect(sanitizeRichText(`<p>正文</p><p><img src="${src}" alt="图"></p>`)).not.toContain('<img');
  });

  it('keeps an attachment image, and never an href to the API', () => {
    expect(sanitizeRichText(`<p><img src="${FILE}" alt="图"></p>`)).toContain(`src="${FILE}"`);
    const linked = sanitizeRichText('<p><a href="/api/issues/x">链接</a></p>');
    expect(linked).not.toContain('href');
  });
});
