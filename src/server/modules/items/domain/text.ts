import { diffChars } from 'diff';
import sanitizeHtml from 'sanitize-html';

/**
 * Rich text allow-list. Anything else (script, style, iframe, svg, event handlers, javascript:/data: URLs,
 * Word's mso- styles) is dropped. Idempotent: sanitising sanitised HTML returns it unchanged.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'h2',
    'h3',
    'h4',
    'blockquote',
    'ul',
    'ol',
    'li',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'img',
    'figure',
    'figcaption',
    'span',
    'sub',
    'sup',
  ],
  allowedAttributes: { img: ['src', 'alt', 'title'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
  allowedSchemes: ['https', 'http'],
  allowedSchemesByTag: { img: ['https', 'http'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Relative image URLs are our own attachment endpoints.
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  transformTags: { b: 'strong', i: 'em' },
  // Empty spans and paragraphs (Word leaves many) go; a paragraph holding only an image stays.
  exclusiveFilter: (frame) =>
    (frame.tag === 'span' || frame.tag === 'p') &&
    !frame.text.replace(/\u00a0/g, ' ').trim() &&
    frame.mediaChildren.length === 0,
};

/**
 * Sanitises to a fixed point: dropping an inline wrapper can leave a block nested in a paragraph, which
 * the next parse reads differently, so passes repeat until the output no longer changes.
 */
export function sanitizeRichText(html: string): string {
  let out = sanitizeHtml(html, OPTIONS).trim();
  for (let i = 0; i < 5; i++) {
    const next = sanitizeHtml(out, OPTIONS).trim();
    if (next === out) return out;
    out = next;
  }
  return out;
}

/** Plain text of sanitised HTML: block ends become line breaks, entities decoded. */
export function htmlToText(html: string): string {
  const withBreaks = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|h2|h3|h4|li|blockquote|tr|figcaption)>/gi, '\n')
    .replace(/<\/t[dh]>/gi, '\t');
  const stripped = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} });
  return stripped
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+(?=\n)/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export interface DiffPart {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/** Character diff of two versions' plain text: Chinese has no spaces, so characters are the honest unit. */
export function diffText(before: string, after: string): DiffPart[] {
  const parts: DiffPart[] = diffChars(before, after).map((c) => ({
    op: c.added ? 'insert' : c.removed ? 'delete' : 'equal',
    text: c.value,
  }));
  return foldSmallEqualities(parts);
}

/**
 * A character diff of Chinese finds coincidental one- or two-character matches inside rewritten text
 * (a 「户」 or 「万元」 in a new sentence), which shreds an insertion into pieces. An equality that short
 * between two edits is folded into them, so a rewritten passage reads as one deletion and one insertion.
 */
function foldSmallEqualities(parts: readonly DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) out.push({ op: 'delete', text: del });
    if (ins) out.push({ op: 'insert', text: ins });
    del = '';
    ins = '';
  };
  parts.forEach((p, i) => {
    if (p.op === 'delete') del += p.text;
    else if (p.op === 'insert') ins += p.text;
    else if ((del || ins) && i < parts.length - 1 && [...p.text].length <= 2) {
      del += p.text;
      ins += p.text;
    } else {
      flush();
      out.push(p);
    }
  });
  flush();
  return out;
}
