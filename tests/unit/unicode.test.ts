import { describe, expect, it } from 'vitest';
import { cleanText, findBadText, foldForRules, isBlank } from '../../src/server/text/unicode.js';
import { prepareContent } from '../../src/server/modules/items/use-cases/content.js';

describe('cleanText', () => {
  it('drops zero-width, soft-hyphen and bidi-control characters', () => {
    expect(cleanText('a\u200bb\u200cc\u200dd\ufeffe\u00adf\u202eg\u202ch\u2066i\u2069')).toBe('abcdefghi');
  });
  it('keeps Chinese typography: full-width punctuation and spaces survive', () => {
    const s = '　　全县完成投资５２亿元（同比增长２.１％），其中：';
    expect(cleanText(s)).toBe(s);
  });
  it('composes to NFC', () => {
    expect(cleanText('e\u0301')).toBe('é');
  });
});

describe('isBlank', () => {
  it.each(['', ' ', '\u3000', '\u200b\u200b', '\u202e\u202c', '\ufeff \u200d'])('%j is blank', (s) => {
    expect(isBlank(s)).toBe(true);
  });
  it('a character is not blank', () => expect(isBlank('\u200b县')).toBe(false));
});

describe('foldForRules', () => {
  it('folds full-width forms and traditional marking characters', () => {
    expect(foldForRules('機密＊１年')).toBe('机密*1年');
    expect(foldForRules('絕\u200b密')).toBe('绝密');
  });
});

describe('prepareContent', () => {
  it('refuses a title made only of invisible characters, naming the field', () => {
    expect(() => prepareContent('\u200b\u200c\u202e\u3000', '<p>正文</p>')).toThrow(/标题不能为空/);
  });
  it('says how long a too-long title is instead of cutting it', () => {
    expect(() => prepareContent('长'.repeat(10_000), '<p>正文</p>')).toThrow(/现为10000个字/);
  });
  it('stores title and body without invisible characters', () => {
    const out = prepareContent('全县\u200b春耕\u202e进展', '<p>完成\u200b播种</p>');
    expect(out.title).toBe('全县春耕进展');
    expect(out.bodyHtml).toBe('<p>完成播种</p>');
  });
  it('refuses a marking hidden with a zero-width space (issue: 机密★1年)', () => {
    expect(() => prepareContent('标题', '<p>机\u200b密★1年</p>')).toThrow(/密级标志「机密」/);
  });
});

describe('findBadText', () => {
  it('finds NUL and lone surrogates anywhere, naming where they stand', () => {
    expect(findBadText('a\u0000b')).toEqual({ path: [], kind: 'nul' });
    expect(findBadText({ title: 'ok', body: { html: ['x', 'y\uD800'] } })).toEqual({
      path: ['body', 'html', 1],
      kind: 'surrogate',
    });
    expect(findBadText({ a: '\uDC00z' })).toEqual({ path: ['a'], kind: 'surrogate' });
    expect(findBadText({ a: 'z\uD83D' })).toEqual({ path: ['a'], kind: 'surrogate' });
    expect(findBadText([1, null, true, { 'k\u0000': 1 }])).toEqual({ path: [3, 'k\u0000'], kind: 'nul' });
    const q = Object.assign(Object.create(null) as Record<string, unknown>, { cursor: '\u0000' });
    expect(findBadText(q)).toEqual({ path: ['cursor'], kind: 'nul' });
  });

  it('accepts well-formed text: pairs, CJK, emoji, other control characters', () => {
    expect(findBadText({ t: '政讯 😀 \uD83D\uDE00 \t\n\u0001', n: [1, 2, { x: null }] })).toBeNull();
    expect(findBadText(undefined)).toBeNull();
    expect(findBadText(42)).toBeNull();
  });

  it('does not walk buffers, dates or streams', () => {
    expect(findBadText(Buffer.from([0, 0xd8, 0]))).toBeNull();
    expect(findBadText(new Date(0))).toBeNull();
  });
});
