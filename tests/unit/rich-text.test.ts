import { describe, expect, it } from 'vitest';
import {
  diffText,
  htmlToText,
  sanitizeRichText,
  type DiffPart,
} from '../../src/server/modules/items/domain/text.js';

/*
 * Rich text of an item: what the editor produces or a person pastes (often from Word) is reduced to a small
 * allow-list. The safety check below is written independently of the sanitizer's options: it scans the
 * output's tags and attributes and accepts only what an information item needs.
 */

// prettier-ignore
const SAFE_TAGS = new Set([
  'p', 'br', 'strong', 'em', 'u', 's', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'li',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img', 'figure', 'figcaption', 'span', 'sub', 'sup',
]);
const SAFE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  img: ['src', 'alt', 'title'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
};
const URL_ATTRIBUTES = new Set(['src']);

const TAG = /<(\/?)([^\s/>]+)([^>]*?)(\/?)>/g;
const ATTRIBUTE = /\s+([^\s=/>]+)(?:="([^"]*)")?/g;

function decodeAttribute(v: string): string {
  return v
    .replace(/&#x([0-9a-f]+);?/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_m, dec: string) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A URL is acceptable when it is http(s), or relative to our own server (not protocol-relative). */
function isSafeUrl(raw: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("jav\tascript:").
  // eslint-disable-next-line no-control-regex -- browsers ignore these control characters inside URLs, so must we
  const v = decodeAttribute(raw).replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (v.startsWith('//') || v.startsWith('\\\\') || v.startsWith('/\\')) return false;
  // Without a scheme (RFC 3986: a letter, then letters, digits, + . -) the URL is relative to our server.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v);
  if (!scheme) return true;
  return ['http', 'https'].includes((scheme[1] ?? '').toLowerCase());
}

/** Every problem the output has; empty when it is safe. */
function unsafeParts(html: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(TAG)) {
    const closing = m[1] === '/';
    const tag = (m[2] ?? '').toLowerCase();
    const attrs = m[3] ?? '';
    if (!SAFE_TAGS.has(tag)) problems.push(`tag <${tag}>`);
    if (closing) {
      if (attrs.trim()) problems.push(`attributes on </${tag}>`);
      continue;
    }
    const leftover = attrs.replace(ATTRIBUTE, '').trim();
    if (leftover) problems.push(`unparsed attribute text ${JSON.stringify(leftover)} on <${tag}>`);
    for (const a of attrs.matchAll(ATTRIBUTE)) {
      const name = (a[1] ?? '').toLowerCase();
      const value = a[2] ?? '';
      if (!(SAFE_ATTRIBUTES[tag] ?? []).includes(name)) problems.push(`attribute ${name} on <${tag}>`);
      if (URL_ATTRIBUTES.has(name) && !isSafeUrl(value)) problems.push(`url ${JSON.stringify(value)}`);
    }
  }
  const text = html.replace(TAG, '');
  if (/[<>]/.test(text)) problems.push(`raw angle bracket in text ${JSON.stringify(text)}`);
  return problems;
}

const XSS: readonly (readonly [string, string])[] = [
  ['script tag', '<p>正文</p><script>alert(1)</script>'],
  ['upper-case script', '<SCRIPT SRC=https://evil.example/x.js></SCRIPT><p>正文</p>'],
  ['script with attributes and line breaks', '<script\ntype="text/javascript"\n>alert(1)</script>'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['img onerror with quotes', '<img src="x" onerror="alert(document.cookie)">'],
  ['img onerror without closing bracket', '<img src=x onerror=alert(1)//'],
  ['event handler on an allowed tag', '<p onclick="alert(1)" onmouseover=alert(2)>点我</p>'],
  ['javascript: img src', '<img src="javascript:alert(1)">'],
  ['javascript: with mixed case and spaces', '<img src="  JaVaScRiPt:alert(1)">'],
  ['javascript: with an entity-encoded tab', '<img src="jav&#x09;ascript:alert(1)">'],
  [
    'javascript: fully entity encoded',
    '<img src="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">',
  ],
  ['vbscript:', '<img src="vbscript:msgbox(1)">'],
  ['javascript: href on a link', '<a href="javascript:alert(1)">链接</a>'],
  ['data: image', '<img src="data:image/png;base64,iVBORw0KGgo=">'],
  ['data: html', '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">'],
  ['protocol-relative image', '<img src="//evil.example/x.png">'],
  ['svg onload', '<svg onload=alert(1)><circle r="10"/></svg>'],
  ['svg with script', '<svg><script>alert(1)</script></svg>'],
  ['svg/onload without space', '<svg/onload=alert(1)>'],
  ['svg use xlink:href', '<svg><use xlink:href="data:image/svg+xml;base64,PHN2Zz4="/></svg>'],
  ['iframe', '<iframe src="https://evil.example"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['object and embed', '<object data="x.swf"></object><embed src="x.swf">'],
  ['style tag', '<style>body{background:url(javascript:alert(1))}</style><p>正文</p>'],
  ['style attribute', '<p style="background:url(javascript:alert(1))">正文</p>'],
  ['expression() in style', '<span style="width:expression(alert(1))">字</span>'],
  [
    'link and meta',
    '<link rel=stylesheet href=https://evil.example/x.css><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  ],
  ['base href', '<base href="javascript:alert(1)//">'],
  ['form and input', '<form action="https://evil.example"><input name=q autofocus onfocus=alert(1)></form>'],
  ['nested script split', '<scr<script>ipt>alert(1)</script>'],
  ['double open bracket', '<<script>script>alert(1)<</script>/script>'],
  ['script in comment', '<!--<script>alert(1)</script>-->正文'],
  ['conditional comment', '<!--[if IE]><script>alert(1)</script><![endif]-->'],
  ['CDATA', '<![CDATA[<script>alert(1)</script>]]>'],
  ['noscript mXSS', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
  ['math/style mXSS', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  ['textarea breakout', '<textarea></textarea><img src=x onerror=alert(1)></textarea>'],
  ['title breakout', '<title><img src=x onerror=alert(1)></title>'],
  ['attribute breakout', '<img alt="><script>alert(1)</script>" src="/api/attachments/1">'],
  ['unquoted attribute with backtick', '<img src=`javascript:alert(1)`>'],
  ['null byte in tag name', '<scri\u0000pt>alert(1)</scri\u0000pt>'],
  ['encoded brackets stay text', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  [
    'table with event handlers',
    '<table onmouseover=alert(1)><tr><td background="javascript:alert(1)" colspan="2">数据</td></tr></table>',
  ],
  ['img srcset', '<img src="/api/attachments/1" srcset="javascript:alert(1) 1x">'],
  [
    'deeply nested disallowed tags',
    '<div><div><font><a href="javascript:x"><b onclick=y>字</b></a></font></div></div>',
  ],
];

const WORD_PASTE = `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=Generator content="Microsoft Word 15">
<style><!-- /* Style Definitions */ p.MsoNormal, li.MsoNormal {mso-style-unhide:no; mso-style-qformat:yes; font-family:"Calibri",sans-serif;} --></style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View><w:Zoom>0</w:Zoom></w:WordDocument></xml><![endif]-->
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<!--StartFragment-->
<p class=MsoNormal align=center style='text-align:center;mso-line-height-rule:exactly'><b><span style='font-size:22.0pt;font-family:方正小标宋简体;mso-hansi-font-family:"Times New Roman"'>某县扎实推进防汛工作<span lang=EN-US><o:p></o:p></span></span></b></p>
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span style='font-family:仿宋_GB2312;mso-ascii-font-family:"Times New Roman"'>今年以来，某县转移群众<span lang=EN-US>1200</span>人。<span lang=EN-US><o:p>&nbsp;</o:p></span></span></p>
<p class=MsoListParagraph style='margin-left:18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span lang=EN-US>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><span>压实责任</span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
<tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'><td width=100 valign=top colspan=2 style='width:75pt;border:solid windowtext 1.0pt'><p class=MsoNormal><span>乡镇</span></p></td></tr>
</table>
<!--EndFragment-->
</body></html>`;

/** Inputs for the idempotency check: the XSS list, Word, and ordinary and odd rich text. */
const IDEMPOTENCY: readonly (readonly [string, string])[] = [
  ...XSS,
  ['Word paste', WORD_PASTE],
  ['plain paragraphs', '<p>第一段</p><p>第二段</p>'],
  ['b and i become strong and em', '<b>粗</b><i>斜</i>'],
  ['text with entities and quotes', '<p>1 &lt; 2 &amp;&amp; "引号" \'单引号\' &nbsp; &copy;</p>'],
  ['bare text', '没有标签的纯文本 & < >'],
  [
    'image with caption',
    '<figure><img src="/api/attachments/9" alt="现场图片"><figcaption>图为防汛现场</figcaption></figure>',
  ],
  [
    'table',
    '<table><thead><tr><th>单位</th></tr></thead><tbody><tr><td rowspan="2">某县</td></tr></tbody></table>',
  ],
  ['lists', '<ul><li>甲</li><li>乙<ol><li>子项</li></ol></li></ul>'],
  ['empty spans', '<p><span> </span>正文<span></span></p>'],
  ['unclosed tags', '<p>一<p>二<li>三'],
  ['misnested inline tags', '<p><strong>一<em>二</strong>三</em></p>'],
  ['paragraph inside a paragraph', '<p>外<p>内</p></p>'],
  ['heading inside a paragraph', '<p><h3>标题</h3></p>'],
  // Block elements reached through a dropped inline wrapper (old web pages and Word use <font>, <a>, <o:p>).
  ['heading inside <font> inside a paragraph', '<p><font><h3>标题</h3></font></p>'],
  [
    'table inside <font> inside a paragraph',
    '<p><font face="宋体"><table><tr><td>数据</td></tr></table></font></p>',
  ],
  ['heading inside a link inside a paragraph', '<p><a href="https://www.gov.cn"><h3>标题</h3></a></p>'],
  ['list item inside <font> inside a list item', '<li>甲<font><li>乙</li></font></li>'],
  ['list inside <o:p> inside a paragraph', '<p><o:p><ul><li>一</li></ul></o:p></p>'],
];

describe('the safety checker of this file flags unsafe HTML (self-test)', () => {
  it.each([
    '<script>alert(1)</script>',
    '<img src="javascript:alert(1)" />',
    '<img src="jav&#x09;ascript:alert(1)" />',
    '<img src="data:image/png;base64,AA" />',
    '<img src="//evil.example/x.png" />',
    '<img src="x" onerror="alert(1)" />',
    '<p style="color:red">x</p>',
    '<svg></svg>',
    '<a href="https://www.gov.cn">x</a>',
    '<p>raw < bracket</p>',
  ])('%s', (html) => {
    expect(unsafeParts(html)).not.toEqual([]);
  });

  it.each([
    '<p>正文</p>',
    '<img src="/api/attachments/1" alt="图" />',
    '<img src="https://www.gov.cn/a.png" />',
    '<td colspan="2">x</td>',
  ])('accepts %s', (html) => {
    expect(unsafeParts(html)).toEqual([]);
  });
});

describe('SEC-19 sanitizeRichText removes XSS vectors', () => {
  it.each(XSS)('%s', (_label, input) => {
    const out = sanitizeRichText(input);
    expect(unsafeParts(out), out).toEqual([]);
    const tags = [...out.matchAll(TAG)].map((m) => m[0].toLowerCase()).join('');
    expect(tags).not.toMatch(
      /<script|<svg|<iframe|<style|<object|<embed|<math|\son\w+=|="\s*(javascript|data|vbscript):|srcdoc/,
    );
  });

  it.each([
    ['script content', '<p>正文</p><script>alert(1)</script>', 'alert'],
    ['style content', '<style>p{color:red}</style><p>正文</p>', 'color:red'],
    ['svg script content', '<svg><script>alert(1)</script></svg>', 'alert'],
  ])('drops the %s, not only the tag', (_label, input, gone) => {
    expect(sanitizeRichText(input)).not.toContain(gone);
  });

  it('keeps the text of an allowed paragraph around a dropped script', () => {
    expect(sanitizeRichText('<p>前<script>alert(1)</script>后</p>')).toBe('<p>前后</p>');
  });

  it('keeps the text of a dropped link', () => {
    expect(sanitizeRichText('<p><a href="javascript:alert(1)">链接</a></p>')).toBe('<p>链接</p>');
  });
});

describe('sanitizeRichText keeps what an item needs', () => {
  it.each([
    ['paragraphs', '<p>第一段</p><p>第二段</p>', '<p>第一段</p><p>第二段</p>'],
    ['b/i normalised to strong/em', '<p><b>粗</b><i>斜</i></p>', '<p><strong>粗</strong><em>斜</em></p>'],
    ['headings', '<h2>二</h2><h3>三</h3><h4>四</h4>', '<h2>二</h2><h3>三</h3><h4>四</h4>'],
    [
      'own attachment image',
      '<img src="/files/0b9a3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d" alt="图">',
      '<img src="/files/0b9a3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d" alt="图" />',
    ],
    ['an outside image is dropped', '<p>文</p><img src="https://www.gov.cn/a.png">', '<p>文</p>'],
    ['an /api/ image is dropped', '<p>文</p><img src="/api/attachments/1">', '<p>文</p>'],
    [
      'table spans',
      '<table><tr><td colspan="2" rowspan="3">数据</td></tr></table>',
      '<table><tr><td colspan="2" rowspan="3">数据</td></tr></table>',
    ],
    ['sub and sup', '<p>H<sub>2</sub>O m<sup>2</sup></p>', '<p>H<sub>2</sub>O m<sup>2</sup></p>'],
    [
      'figure with caption',
      '<figure><img src="/files/0b9a3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d"><figcaption>图为现场</figcaption></figure>',
      '<figure><img src="/files/0b9a3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d" /><figcaption>图为现场</figcaption></figure>',
    ],
    ['text entities stay escaped', '<p>1 &lt; 2 &amp; 3</p>', '<p>1 &lt; 2 &amp; 3</p>'],
  ])('%s', (_label, input, expected) => {
    expect(sanitizeRichText(input)).toBe(expected);
  });

  it('drops data: images but keeps the element harmless', () => {
    expect(sanitizeRichText('<img src="data:image/png;base64,AAAA" alt="图">')).not.toContain('data:');
  });
});

describe('Word-pasted HTML is cleaned', () => {
  const out = sanitizeRichText(WORD_PASTE);

  it('is safe', () => {
    expect(unsafeParts(out)).toEqual([]);
  });

  it.each([
    'mso',
    'class=',
    'style=',
    'lang=',
    'o:p',
    '<xml',
    'w:',
    'Generator',
    'MsoNormal',
    'StartFragment',
    'font-family',
    'supportLists',
    'Normal',
    'align=',
    'width=',
    'valign',
  ])('leaves no trace of %s', (trace) => {
    expect(out).not.toContain(trace);
  });

  it.each(['某县扎实推进防汛工作', '今年以来，某县转移群众1200人。', '压实责任', '乡镇'])(
    'keeps the text %s',
    (text) => {
      expect(htmlToText(out)).toContain(text);
    },
  );

  it('keeps structure: bold title paragraph, table with its colspan', () => {
    expect(out).toContain('<strong>');
    expect(out).toMatch(/<td colspan="2">/);
  });
});

describe('SEC-19 sanitizeRichText is idempotent', () => {
  it.each(IDEMPOTENCY)('%s', (_label, input) => {
    const once = sanitizeRichText(input);
    expect(sanitizeRichText(once), JSON.stringify(input)).toBe(once);
  });
});

/* Property-style check over random tag soup, with a seeded generator so every failure is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// prettier-ignore
const SOUP_TAGS = [
  'p', 'span', 'b', 'i', 'strong', 'em', 'u', 's', 'h2', 'h3', 'blockquote', 'ul', 'ol', 'li', 'table', 'tbody',
  'tr', 'td', 'th', 'img', 'figure', 'figcaption', 'br', 'sub', 'sup', 'script', 'style', 'svg', 'iframe', 'a',
  'div', 'font', 'o:p', 'math', 'noscript', 'textarea', 'object', 'xmp', 'title', 'select', 'option', 'SCRIPT',
] as const;
// prettier-ignore
const SOUP_ATTRIBUTES = [
  ' onerror="alert(1)"', ' onclick=alert(1)', ' style="mso-fareast-font-family:宋体;color:red"', ' class="MsoNormal"',
  ' src="javascript:alert(1)"', ' src="data:text/html,<script>alert(1)</script>"', ' src="https://www.gov.cn/a.png"',
  ' src="/api/attachments/7"', ' href="javascript:alert(1)"', ' colspan="2"', ' alt="图 1"', ` title='"x"'`, ' src=x',
  ' lang=ZH-CN', ' src="jav&#x09;ascript:alert(1)"', ' src="//evil.example/x"', ' srcdoc="<img src=x onerror=alert(1)>"',
] as const;
// prettier-ignore
const SOUP_TEXT = [
  '政务信息', '&amp;', '&lt;', '&gt;', '&nbsp;', '"', "'", '<', '>', '&', 'a&b', ' ', '\n', 'alert(1)', 'javascript:',
  '<!--', '-->', '<![CDATA[x]]>', '&#x3c;script&#x3e;', '</', '<p', '=', '　', '★',
] as const;

function pick<T>(rand: () => number, list: readonly T[]): T {
  const v = list[Math.floor(rand() * list.length)];
  if (v === undefined) throw new Error('empty list');
  return v;
}

function tagSoup(seed: number): string {
  const rand = mulberry32(seed);
  let html = '';
  const pieces = 1 + Math.floor(rand() * 14);
  for (let k = 0; k < pieces; k++) {
    const roll = rand();
    const tag = pick(rand, SOUP_TAGS);
    if (roll < 0.35) {
      const a1 = rand() < 0.6 ? pick(rand, SOUP_ATTRIBUTES) : '';
      const a2 = rand() < 0.3 ? pick(rand, SOUP_ATTRIBUTES) : '';
      html += `<${tag}${a1}${a2}>`;
    } else if (roll < 0.55) {
      html += `</${tag}>`;
    } else {
      html += pick(rand, SOUP_TEXT);
    }
  }
  return html;
}

describe('random tag soup (property-style)', () => {
  const SEEDS = 3000;
  const soups = Array.from({ length: SEEDS }, (_v, i) => ({ seed: i + 1, html: tagSoup(i + 1) }));

  it(`${SEEDS} generated inputs come out safe`, () => {
    const bad = soups
      .map(({ seed, html }) => ({ seed, html, problems: unsafeParts(sanitizeRichText(html)) }))
      .filter((r) => r.problems.length > 0);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it(`${SEEDS} generated inputs are idempotent`, () => {
    const bad = soups
      .map(({ seed, html }) => {
        const once = sanitizeRichText(html);
        return { seed, html, once, twice: sanitizeRichText(once) };
      })
      .filter((r) => r.once !== r.twice);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it(`${SEEDS} generated inputs: sanitized output has no leftover raw text < or >`, () => {
    for (const { html } of soups) expect(sanitizeRichText(html), html).not.toMatch(/>[^<]*[<>][^>]*</);
  });
});

describe('htmlToText', () => {
  it.each([
    ['paragraphs become lines', '<p>一</p><p>二</p>', '一\n二'],
    ['headings and paragraphs', '<h2>标题</h2><p>正文</p>', '标题\n正文'],
    ['br becomes a line break', '<p>一<br>二<br/>三<br />四</p>', '一\n二\n三\n四'],
    ['list items become lines', '<ul><li>甲</li><li>乙</li></ul>', '甲\n乙'],
    [
      'blockquote and figcaption end lines',
      '<blockquote>引文</blockquote><figure><img src="/a"><figcaption>图注</figcaption></figure>正文',
      '引文\n图注\n正文',
    ],
    ['table rows become lines', '<table><tr><td>甲</td></tr><tr><td>乙</td></tr></table>', '甲\n乙'],
    ['inline tags disappear', '<p><strong>重</strong><em>点</em><span>工作</span></p>', '重点工作'],
    ['lt gt amp decoded', '<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>', '1 < 2 && 3 > 2'],
    ['quotes decoded', '<p>&quot;引号&quot; &#39;单&#39;</p>', '"引号" \'单\''],
    ['numeric and named entities decoded', '<p>&#x4E2D;&#22269;&mdash;&hellip;</p>', '中国—…'],
    ['no double decoding', '<p>&amp;lt;script&amp;gt;</p>', '&lt;script&gt;'],
    ['&nbsp; becomes a space', '<p>a&nbsp;b</p>', 'a b'],
    ['at most one blank line', '<p>一</p><p></p><p></p><p></p><p>二</p>', '一\n\n二'],
    [
      "Word's empty paragraphs (&nbsp;) collapse like empty ones",
      '<p>一</p><p>&nbsp;</p><p>&nbsp;</p><p>&nbsp;</p><p>二</p>',
      '一\n\n二',
    ],
    ['trailing spaces on a line are dropped', '<p>一  </p><p>二</p>', '一\n二'],
    ['surrounding whitespace trimmed', '\n  <p>正文</p>\n  ', '正文'],
    ['scripts do not leak text', '<p>前<script>alert(1)</script>后</p>', '前后'],
    ['upper-case tags', '<P>一</P><P>二<BR>三</P>', '一\n二\n三'],
    ['empty', '', ''],
  ])('%s', (_label, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('reads Word paste, after sanitising, as lines of text', () => {
    const lines = htmlToText(sanitizeRichText(WORD_PASTE))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    expect(lines).toContain('某县扎实推进防汛工作');
    expect(lines).toContain('今年以来，某县转移群众1200人。');
    expect(lines.join('')).not.toMatch(/mso|MsoNormal|<|>/);
  });
});

describe('diffText on Chinese text', () => {
  const ops = (parts: DiffPart[]) => parts.map((p) => `${p.op}:${p.text}`);

  it.each([
    ['insertion', '今天召开会议', '今天召开重要会议', ['equal:今天召开', 'insert:重要', 'equal:会议']],
    [
      'deletion',
      '全县共转移群众1200人',
      '全县转移群众1200人',
      ['equal:全县', 'delete:共', 'equal:转移群众1200人'],
    ],
    [
      'replacement',
      '某县召开防汛工作会议',
      '某县召开抗旱工作会议',
      ['equal:某县召开', 'delete:防汛', 'insert:抗旱', 'equal:工作会议'],
    ],
    ['identical', '政务信息', '政务信息', ['equal:政务信息']],
    ['from empty', '', '新稿件', ['insert:新稿件']],
    ['to empty', '旧稿件', '', ['delete:旧稿件']],
    ['both empty', '', '', []],
  ] as const)('%s', (_label, before, after, expected) => {
    expect(ops(diffText(before, after))).toEqual(expected);
  });

  const PAIRS: readonly (readonly [string, string])[] = [
    ['今天召开会议', '今天召开重要会议'],
    ['某县扎实推进防汛工作，转移群众1200人。', '某县全力推进防汛救灾工作，共转移群众1500余人。'],
    ['第一段\n第二段', '第一段\n新增段落\n第二段'],
    ['𠮷野家在某县开业', '𠮶野家在某县开业'],
    ['张𠮷同志', '张吉同志'],
    ['标点，“引号”；', '标点。"引号";'],
    ['', '全文'],
    ['全文', ''],
    ['甲乙丙丁戊己庚辛', '辛庚己戊丁丙乙甲'],
  ];

  it.each(PAIRS)('rebuilds both versions: %j → %j', (before, after) => {
    const parts = diffText(before, after);
    const rebuiltBefore = parts
      .filter((p) => p.op !== 'insert')
      .map((p) => p.text)
      .join('');
    const rebuiltAfter = parts
      .filter((p) => p.op !== 'delete')
      .map((p) => p.text)
      .join('');
    expect(rebuiltBefore).toBe(before);
    expect(rebuiltAfter).toBe(after);
    for (const p of parts) expect(p.text.length).toBeGreaterThan(0);
  });

  it.each(PAIRS)('never splits a character (no lone surrogate): %j → %j', (before, after) => {
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const p of diffText(before, after)) expect(p.text, JSON.stringify(p)).not.toMatch(loneSurrogate);
  });

  it('keeps an inserted sentence whole even when some of its characters occur in the old text', () => {
    const before = '太和桥街道推进老旧小区改造，惠及居民。';
    const after = '太和桥街道推进老旧小区改造，惠及居民。\n此次改造涉及居民860户，计划投入资金1200万元。';
    const inserted = diffText(before, after).filter((p) => p.op === 'insert');
    expect(inserted.map((p) => p.text)).toEqual(['\n此次改造涉及居民860户，计划投入资金1200万元。']);
    const rewritten = diffText('共转移群众1200人', '累计安置受灾户300户');
    expect(rewritten.filter((p) => p.op === 'insert')).toHaveLength(1);
  });

  it('marks only the changed character of a rare (astral) character', () => {
    expect(ops(diffText('𠮷野家', '𠮶野家'))).toEqual(['delete:𠮷', 'insert:𠮶', 'equal:野家']);
  });
});
