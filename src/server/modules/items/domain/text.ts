import { diffChars } from 'diff';
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';

/** Our own image path: `/files/<uuid>` (see the attachments module); no other image source is kept. */
const OWN_IMAGE = /^\/files\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** colspan/rowspan: small positive integers only (anything else, e.g. an injected handler, is dropped). */
function cellTransform(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const kept: sanitizeHtml.Attributes = {};
  for (const name of ['colspan', 'rowspan']) {
    const v = attribs[name];
    if (v && /^[1-9][0-9]?$/.test(v.trim()) && v.trim() !== '1') kept[name] = v.trim();
  }
  return { tagName, attribs: kept };
}

/**
 * Rich text allow-list. Anything else (script, style, iframe, svg, event handlers, links, Word's mso-
 * styles) is dropped. Images are kept only when they point at our attachment store (`/files/<id>`):
 * never an /api/ path, an outside address or a data: URL. Tables keep their structure and spans only.
 * Idempotent: sanitising sanitised HTML returns it unchanged.
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
    'caption',
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
  allowedAttributes: { img: ['src', 'alt'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
  allowedSchemes: [],
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  transformTags: { b: 'strong', i: 'em', td: cellTransform, th: cellTransform },
  // Empty spans and paragraphs (Word leaves many) go; a paragraph holding only an image stays. An image
  // that is not ours goes entirely.
  exclusiveFilter: (frame) =>
    (frame.tag === 'img' && !OWN_IMAGE.test(frame.attribs.src ?? '')) ||
    ((frame.tag === 'span' || frame.tag === 'p') &&
      !frame.text.replace(/\u00a0/g, ' ').trim() &&
      frame.mediaChildren.length === 0),
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

export interface TableCell {
  text: string;
  header: boolean;
  colspan: number;
  rowspan: number;
}

/** Sanitised rich text as blocks, for the outputs that are not HTML (plain text, DOCX). */
export type RichBlock =
  | { kind: 'paragraph'; text: string; heading: boolean }
  | { kind: 'table'; caption: string; rows: TableCell[][] }
  | { kind: 'figure'; src: string | null; caption: string };

const BLOCK_ENDS = new Set(['p', 'h2', 'h3', 'h4', 'li', 'blockquote', 'div']);
const SKIPPED = new Set(['script', 'style', 'textarea', 'noscript', 'title']);

/**
 * Reads rich text into paragraphs, tables and figures. Inside a table cell a paragraph end is a space, so
 * the cells of a row stay separate values (52 and 2.1 never become 522.1). A table inside a cell is read
 * as text of that cell.
 */
export function richBlocks(html: string): RichBlock[] {
  const blocks: RichBlock[] = [];
  let para = '';
  let heading = false;
  let table: { caption: string; rows: TableCell[][] } | null = null;
  let tableDepth = 0;
  let cell: TableCell | null = null;
  let inCaption = false;
  let figure: { src: string | null; caption: string } | null = null;
  let skip = 0;
  /** A closed empty paragraph is kept (as a blank line); text cut by a table or figure only when non-empty. */
  const flushPara = (closed = false) => {
    const text = para.replace(/[ \t\u00a0]+/g, ' ').trim();
    if (text || closed) blocks.push({ kind: 'paragraph', text, heading });
    para = '';
    heading = false;
  };
  const span = (v: string | undefined) => Math.max(1, Math.min(99, Number.parseInt(v ?? '1', 10) || 1));
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (SKIPPED.has(name)) skip++;
        if (name === 'table') {
          tableDepth++;
          if (tableDepth === 1) {
            flushPara();
            table = { caption: '', rows: [] };
          }
          return;
        }
        if (tableDepth > 1) return;
        if (table && name === 'tr') table.rows.push([]);
        else if (table && (name === 'td' || name === 'th')) {
          cell = {
            text: '',
            header: name === 'th',
            colspan: span(attribs.colspan),
            rowspan: span(attribs.rowspan),
          };
          if (table.rows.length === 0) table.rows.push([]);
          table.rows[table.rows.length - 1]!.push(cell);
        } else if (table && name === 'caption') inCaption = true;
        else if (name === 'figure' && !table) {
          flushPara();
          figure = { src: null, caption: '' };
        } else if (name === 'img') {
          const src = OWN_IMAGE.test(attribs.src ?? '') ? attribs.src! : null;
          if (figure) figure.src = src;
          else if (!table) {
            flushPara();
            blocks.push({ kind: 'figure', src, caption: '' });
          }
        } else if (name === 'br') {
          if (cell) cell.text += ' ';
          else if (!figure) flushPara();
        } else if (['h2', 'h3', 'h4'].includes(name) && !table && !figure) {
          flushPara();
          heading = true;
        }
      },
      ontext(text) {
        if (skip > 0) return;
        if (cell) cell.text += text;
        else if (table && inCaption) table.caption += text;
        else if (figure) figure.caption += text;
        else if (!table) para += text;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skip = Math.max(0, skip - 1);
        if (name === 'table') {
          tableDepth--;
          if (tableDepth === 0 && table) {
            const t: { caption: string; rows: TableCell[][] } = table;
            for (const row of t.rows)
              for (const c of row) c.text = c.text.replace(/[\s\u00a0]+/g, ' ').trim();
            blocks.push({
              kind: 'table',
              caption: t.caption.trim(),
              rows: t.rows.filter((r) => r.length > 0),
            });
            table = null;
          } else if (cell) cell.text += ' ';
          return;
        }
        if (tableDepth > 1) {
          if (cell && (BLOCK_ENDS.has(name) || name === 'td' || name === 'th')) cell.text += ' ';
          return;
        }
        if (name === 'td' || name === 'th') cell = null;
        else if (name === 'caption') inCaption = false;
        else if (cell && BLOCK_ENDS.has(name)) cell.text += ' ';
        else if (name === 'figure' && figure) {
          blocks.push({
            kind: 'figure',
            src: figure.src,
            caption: figure.caption.replace(/\s+/g, ' ').trim(),
          });
          figure = null;
        } else if (BLOCK_ENDS.has(name) && !table && !figure) flushPara(true);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flushPara();
  return blocks;
}

/**
 * Plain text of sanitised HTML, for search, checks and the diff: one line per paragraph; a table row is
 * one line with its cells separated by tabs; a figure is its caption.
 */
export function htmlToText(html: string): string {
  return richBlocks(html)
    .map((b) =>
      b.kind === 'paragraph'
        ? b.text
        : b.kind === 'figure'
          ? b.caption
          : [b.caption, ...b.rows.map((r) => r.map((c) => c.text).join('\t'))].filter(Boolean).join('\n'),
    )
    .join('\n')
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
