/**
 * Unicode hygiene for text people type or paste. Stored text keeps its Chinese typography (full-width
 * punctuation stays: only NFC is applied), but loses the characters that hide or reorder text: zero-width
 * characters, soft hyphens and bidirectional controls. Rule checks (涉密 markings) run on a folded form:
 * NFKC, then traditional → simplified for the characters the rules look for, so 機密, ｍ or 机\u200b密 cannot
 * slip past them.
 */

/** Zero-width and invisible format characters, and bidirectional embedding/override/isolate controls. */
// The class lists lone invisible code points on purpose (each one is removed wherever it stands).
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;

/** NFC with invisible and bidi-control characters removed: what is stored. */
export function cleanText(s: string): string {
  return s.normalize('NFC').replace(INVISIBLE, '');
}

/** True when the text has nothing visible once invisible characters and white space are removed. */
export function isBlank(s: string): boolean {
  return cleanText(s).replace(/[\s\u3000]/g, '') === '';
}

// Traditional and variant forms of the characters that classification markings are written with.
const FOLD: Readonly<Record<string, string>> = {
  機: '机',
  絕: '绝',
  祕: '秘',
  級: '级',
  宻: '密',
  滵: '密',
};
const FOLD_RE = new RegExp(Object.keys(FOLD).join('|'), 'g');

/** The form rule checks read: cleaned, NFKC (full-width ASCII and compatibility forms), folded. */
export function foldForRules(s: string): string {
  return cleanText(s)
    .normalize('NFKC')
    .replace(FOLD_RE, (c) => FOLD[c] ?? c);
}

/** NUL, and a UTF-16 surrogate that is not half of a pair: PostgreSQL stores neither in text or JSON. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface BadText {
  /** Where the string stands, as keys and indexes from the root ([] for the root value itself). */
  path: (string | number)[];
  kind: 'nul' | 'surrogate';
}

/**
 * The first string (or object key) in a parsed request part that holds NUL or a lone surrogate, or null.
 * Walks objects (the query parser's have no Object prototype) and arrays, never a Buffer, Date or stream;
 * depth first in key order; parsed input has no cycles.
 */
export function findBadText(value: unknown, path: (string | number)[] = []): BadText | null {
  if (typeof value === 'string') {
    const m = BAD_TEXT.exec(value);
    return m ? { path, kind: m[0] === '\u0000' ? 'nul' : 'surrogate' } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadText(value[i], [...path, i]);
      if (bad) return bad;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    if (
      ArrayBuffer.isView(value) ||
      value instanceof Date ||
      typeof (value as { pipe?: unknown }).pipe === 'function'
    )
      return null;
    for (const [k, v] of Object.entries(value)) {
      const keyBad = findBadText(k, [...path, k]);
      if (keyBad) return keyBad;
      const bad = findBadText(v, [...path, k]);
      if (bad) return bad;
    }
  }
  return null;
}
