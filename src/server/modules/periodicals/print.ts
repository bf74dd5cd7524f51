import { sanitizeRichText } from '../items/domain/text.js';
import { imprintRows, type Bulletin } from './bulletin.js';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #f0f0f0; }
body { margin: 0; font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 28pt; color: #000; }
.page { background: #fff; width: 156mm; margin: 12mm auto; padding: 37mm 26mm 35mm 28mm; box-shadow: 0 0 4px rgba(0,0,0,.3); }
.secret { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 12pt; margin: 0 0 8pt; }
.masthead { color: #e60012; text-align: center; font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "STZhongsong", "华文中宋", "SimSun", "宋体", "Noto Serif CJK SC", serif; font-weight: bold; letter-spacing: 2pt; line-height: 1.2; margin: 12pt 0; }
.number { text-align: center; margin: 0 0 12pt; }
.publisher { display: flex; justify-content: space-between; border-bottom: 3pt solid #e60012; padding-bottom: 4pt; margin-bottom: 18pt; }
.issue-title, .entry h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimHei", "黑体", "Noto Serif CJK SC", serif; font-size: 22pt; line-height: 34pt; font-weight: bold; text-align: center; margin: 18pt 0 12pt; }
.entry .note { font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", serif; text-indent: 2em; margin: 12pt 0 0; }
.entry .note b { font-weight: bold; }
.entry .body p, .entry .body li, .entry .body blockquote { text-indent: 2em; margin: 0; text-align: justify; }
.entry .body img { max-width: 100%; }
.entry .body table { width: 100%; border-collapse: collapse; margin: 8pt 0; font-size: 14pt; line-height: 22pt; }
.entry .body th, .entry .body td { border: .75pt solid #000; padding: 2pt 5pt; text-align: center; vertical-align: middle; }
.entry .body td p, .entry .body th p { text-indent: 0; text-align: center; }
.entry .body caption { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 14pt; }
.entry .body figure { margin: 8pt 0; text-align: center; page-break-inside: avoid; }
.entry .body figcaption { font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", serif; font-size: 14pt; }
.entry .source { text-align: right; font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", serif; margin: 0; }
.imprint { margin-top: 36pt; font-size: 14pt; line-height: 24pt; border-top: 1pt solid #000; border-bottom: 1pt solid #000; }
.imprint p { margin: 0; padding: 0 7pt; border-bottom: .5pt solid #000; }
.imprint p:last-child { border-bottom: none; }
.imprint .printed { display: flex; justify-content: space-between; }
.copies { text-align: right; font-size: 14pt; margin: 0; padding: 0 7pt; }
.draft { color: #e60012; }
@media print { html { background: none; } .page { box-shadow: none; margin: 0; padding: 0; width: auto; } .hint { display: none; } }
.hint { text-align: center; font: 12px sans-serif; color: #666; margin: 8px; }
`;

/** The printable page of an issue: the bulletin layout in HTML and CSS, no script (the CSP forbids it). */
/** The printable page; `nonce` is the response's CSP nonce, the only way its <style> may apply. */
export function bulletinHtml(b: Bulletin, nonce: string): string {
  const mastheadPt = Math.max(26, Math.min(48, Math.floor(420 / Math.max(1, b.periodicalName.length))));
  const entries = b.entries
    .map(
      (e) => `<section class="entry">
${e.editorNote ? `<p class="note"><b>【编者按】</b>${esc(e.editorNote)}</p>` : ''}
<h1>${esc(e.title)}</h1>
<div class="body">${sanitizeRichText(e.bodyHtml)}</div>
${e.sourceLine ? `<p class="source">${esc(e.sourceLine)}</p>` : ''}
</section>`,
    )
    .join('\n');
  const rows = imprintRows(b.lines)
    .map((r) => `<p>${r.label}：${esc(r.text)}</p>`)
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(b.periodicalName)} ${esc(b.numberLabel)}</title>
<style nonce="${nonce}">${STYLE}
.masthead{font-size:${mastheadPt}pt}</style></head>
<body><p class="hint">请使用浏览器的打印功能（Ctrl+P）打印本期，纸张 A4。</p>
<main class="page">
<p class="secret">内部资料&#12288;注意保存${b.draft ? '&#12288;<span class="draft">（样稿）</span>' : ''}</p>
<div class="masthead">${esc(b.periodicalName)}</div>
<p class="number">${esc(b.numberLabel)}</p>
<div class="publisher"><span>${esc(b.publisherName)}编</span><span>${esc(b.dateLabel)}</span></div>
${b.title ? `<div class="issue-title">${esc(b.title)}</div>` : ''}
${entries}
<div class="imprint">${rows}<p class="printed"><span>${esc(b.publisherName)}</span><span>${b.dateLabel ? `${esc(b.dateLabel)}印发` : ''}</span></p></div>
<p class="copies">（共印${b.copies}份）</p>
</main></body></html>`;
}
