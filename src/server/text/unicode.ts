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
