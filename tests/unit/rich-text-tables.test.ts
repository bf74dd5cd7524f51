import { describe, expect, it } from 'vitest';
import { cleanPastedHtml, pastedImageSources } from '../../src/server/modules/items/domain/paste.js';
import {
  diffText,
  htmlToText,
  richBlocks,
  sanitizeRichText,
} from '../../src/server/modules/items/domain/text.js';

const IMG = '/files/0b9a3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d';

/** What Word (and WPS, which copies its format) puts on the clipboard for a paragraph, a table and a picture. */
const WORD = `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta name=Generator content="Microsoft Word 15"><style><!-- p.MsoNormal {mso-style-parent:""} --></style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]--></head>
<body lang=ZH-CN style='tab-interval:21.0pt'><!--StartFragment-->
<p class=MsoNormal><span lang=EN-US style='font-family:仿宋_GB2312;mso-bidi-font-family:"Times New Roman"'>今年以来，全县完成投资<o:p></o:p></span></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;</span></span></span><![endif]>压实责任<o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0'><td width=138 valign=top style='width:103.7pt;border:solid windowtext 1.0pt'><p class=MsoNormal><b><span style='mso-bidi-font-weight:normal'>指标</span></b></p></td>
  <td width=138 valign=top onmouseover="alert(1)"><p class=MsoNormal>数值<o:p></o:p></p></td></tr>
 <tr><td width=138><p class=MsoNormal><span lang=EN-US>52<o:p></o:p></span></p></td>
  <td width=138><p class=MsoNormal><span lang=EN-US>2.1<o:p></o:p></span></p></td></tr>
 <tr><td colspan=2 style='mso-yfti-lastrow:yes'><p class=MsoNormal>合计<o:p></o:p></p></td></tr>
</table>
<p class=MsoNormal><!--[if gte vml 1]><v:shape id="图片_x0020_1" style='width:200pt;height:100pt'><v:imagedata src="file:///C:/Users/a/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png" o:title=""/></v:shape><![endif]--><![if !vml]><img width=267 height=133 src="file:///C:/Users/a/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png" v:shapes="图片_x0020_1"><![endif]><o:p></o:p></p>
<!--EndFragment--></body></html>`;

describe('cleanPastedHtml (Word/WPS paste)', () => {
  const out = cleanPastedHtml(WORD);

  it.each([
    'mso-',
    'class=',
    'style=',
    'o:p',
    'v:shape',
    '<xml',
    'Generator',
    'width=',
    'onmouseover',
    'supportLists',
    '·',
  ])('leaves no trace of %s', (trace) => expect(out).not.toContain(trace));

  it('keeps the table with its cells and the colspan', () => {
    expect(out).toMatch(/<table>\s*<tr><td><p><b>指标<\/b><\/p><\/td>\s*<td><p>数值<\/p><\/td><\/tr>/);
    expect(out).toContain('<td colspan="2">');
    expect((out.match(/<td/g) ?? []).length).toBe(5);
  });

  it('keeps the picture once (the VML duplicate goes) so the editor can upload or refuse it', () => {
    expect(pastedImageSources(out)).toEqual([
      'file:///C:/Users/a/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png',
    ]);
  });

  it('keeps the text', () => {
    expect(out).toContain('今年以来，全县完成投资');
    expect(out).toContain('压实责任');
  });

  it('then sanitises to a table the server keeps, with figures in separate cells', () => {
    const html = sanitizeRichText(out);
    expect(html).toContain('<td colspan="2">');
    expect(html).not.toContain('file:');
    const text = htmlToText(html);
    expect(text).toContain('52\t2.1');
    expect(text).not.toContain('522.1');
  });
});

describe('sanitizeRichText and tables', () => {
  it('keeps table, thead, tbody, tr, th, td, caption with colspan/rowspan only', () => {
    const html =
      '<table style="width:100%" border="1"><caption>表1 投资</caption><thead><tr><th colspan="2" class="x">项目</th></tr></thead><tbody><tr><td rowspan="2" width="9">一</td><td>二</td></tr></tbody></table>';
    expect(sanitizeRichText(html)).toBe(
      '<table><caption>表1 投资</caption><thead><tr><th colspan="2">项目</th></tr></thead><tbody><tr><td rowspan="2">一</td><td>二</td></tr></tbody></table>',
    );
  });

  it.each([
    ['an event handler on a cell', '<table><tr><td onclick="alert(1)" colspan="2">x</td></tr></table>'],
    ['script in colspan', '<table><tr><td colspan="2 onmouseover=alert(1)">x</td></tr></table>'],
    [
      'javascript: in a cell attribute',
      '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    ],
    ['style expression on a table', '<table style="x:expression(alert(1))"><tr><td>x</td></tr></table>'],
    [
      'quote breakout in rowspan',
      "<table><tr><td rowspan='1\"><script>alert(1)</script>'>x</td></tr></table>",
    ],
  ])('strips XSS in table attributes: %s', (_l, html) => {
    const out = sanitizeRichText(html);
    expect(out).not.toMatch(/onclick|onmouseover|javascript|expression|<script|style=|background/i);
    expect(out).toContain('x</td>');
  });

  it.each([
    ['/api/ image', `<img src="/api/attachments/1">`],
    ['/api/ image with a query', `<img src="/api/items/1/submit?x=1">`],
    ['encoded /api/ path', `<img src="/%61pi/items">`],
    ['outside image', `<img src="https://evil.example/t.png">`],
    ['data: image', `<img src="data:image/png;base64,AAAA">`],
    ['files path with a traversal', `<img src="/files/../api/items">`],
    ['a link to /api/', `<a href="/api/items/1/withdraw">撤回</a>`],
  ])('strips references to the API and elsewhere: %s', (_l, html) => {
    const out = sanitizeRichText(`<p>正文</p>${html}`);
    expect(out).not.toMatch(/api|https?:|data:|href|\.\./);
  });

  it('keeps our own figure with its caption and is idempotent', () => {
    const html = `<figure><img src="${IMG}" alt=""><figcaption>图为施工现场</figcaption></figure>`;
    const once = sanitizeRichText(html);
    expect(once).toBe(`<figure><img src="${IMG}" alt="" /><figcaption>图为施工现场</figcaption></figure>`);
    expect(sanitizeRichText(once)).toBe(once);
  });
});

describe('htmlToText keeps table cells apart', () => {
  it.each([
    ['cells with paragraphs', '<table><tr><td><p>52</p></td><td><p>2.1</p></td></tr></table>', '52\t2.1'],
    ['bare cells', '<table><tr><td>52</td><td>2.1</td></tr></table>', '52\t2.1'],
    [
      'cells with spans (Word)',
      '<table><tr><td><span>5</span><span>2</span></td><td><span>2.1</span></td></tr></table>',
      '52\t2.1',
    ],
    ['two paragraphs in a cell', '<table><tr><td><p>甲</p><p>乙</p></td><td>3</td></tr></table>', '甲 乙\t3'],
    [
      'rows on lines',
      '<table><tr><th>项目</th><th>数</th></tr><tr><td>投资</td><td>52</td></tr></table>',
      '项目\t数\n投资\t52',
    ],
    ['text around a table', '<p>前</p><table><tr><td>1</td><td>2</td></tr></table><p>后</p>', '前\n1\t2\n后'],
    [
      'a figure is its caption',
      `<p>前</p><figure><img src="${IMG}"><figcaption>图为现场</figcaption></figure>`,
      '前\n图为现场',
    ],
  ])('%s', (_l, html, text) => {
    expect(htmlToText(html)).toBe(text);
    expect(htmlToText(html)).not.toContain('522.1');
  });

  it('reads blocks for DOCX: a table with spans, a figure with its image', () => {
    const blocks = richBlocks(
      `<table><tr><th colspan="2">项目</th></tr><tr><td>52</td><td>2.1</td></tr></table><figure><img src="${IMG}"><figcaption>图</figcaption></figure>`,
    );
    expect(blocks).toEqual([
      {
        kind: 'table',
        caption: '',
        rows: [
          [{ text: '项目', header: true, colspan: 2, rowspan: 1 }],
          [
            { text: '52', header: false, colspan: 1, rowspan: 1 },
            { text: '2.1', header: false, colspan: 1, rowspan: 1 },
          ],
        ],
      },
      { kind: 'figure', src: IMG, caption: '图' },
    ]);
  });

  it('a changed cell shows as a change of that cell only in the diff', () => {
    const before = htmlToText('<table><tr><td>投资</td><td>52</td><td>2.1</td></tr></table>');
    const after = htmlToText('<table><tr><td>投资</td><td>53</td><td>2.1</td></tr></table>');
    const parts = diffText(before, after);
    expect(parts.filter((p) => p.op !== 'equal').map((p) => p.text)).toEqual(['2', '3']);
    expect(parts.map((p) => p.text).join('')).not.toContain('522.1');
  });
});
