import { foldForRules } from '../../../text/unicode.js';

/**
 * 涉密信息不上网: text carrying a classification marking (密级标志) is refused. The markings follow
 * GB/T 9704: 「秘密★1年」「机密★」「绝密」 on a line of their own, or 「密级：秘密」. Ordinary words such as
 * 「商业秘密」「保守秘密」 are not markings and pass.
 */
// GB/T 9704-1999 prints the bare level with a full-width space between its two characters.
const LEVEL = '(绝[ \\t\u3000]*密|机[ \\t\u3000]*密|秘[ \\t\u3000]*密)';
// Stars and the stand-ins people type for them: ★ ☆ ⭐ ✩…✰ ✱…✽ ❉ ❊ ❋ * ＊ ⁎ ∗ 🌟.
const STAR = '[★☆⭐\u2729-\u2730\u2731-\u273D\u2749-\u274B*＊⁎∗]|\u{1F31F}';
const PATTERNS: readonly RegExp[] = [
  // 秘密★ / 机密★1年 / 绝密☆长期 / 秘密*
  new RegExp(`${LEVEL}\\s*(?:${STAR})`, 'u'),
  // 密级：秘密 / 密级: 机密
  new RegExp(`密\\s*级\\s*[:：]?\\s*${LEVEL}`),
  // a marking alone on its line, optionally bracketed: 【秘密】 (机密)
  new RegExp(`(^|\\n)\\s*[【\\[（(]?\\s*${LEVEL}\\s*[】\\]）)]?\\s*(\\n|$)`),
];

export interface ClassificationHit {
  marking: string;
  index: number;
}

/**
 * The first marking in the text, read through foldForRules (zero-width characters, bidi controls,
 * traditional characters and full-width forms cannot hide one). The index is in the folded text.
 */
export function findClassificationMarking(raw: string): ClassificationHit | null {
  const text = foldForRules(raw);
  for (const pattern of PATTERNS) {
    const m = pattern.exec(text);
    if (m) {
      const level = /(绝|机|秘)[ \t\u3000]*密/.exec(m[0]);
      return {
        marking: level ? level[0].replace(/[ \t\u3000]/g, '') : m[0].trim(),
        index: m.index + (level?.index ?? 0),
      };
    }
  }
  return null;
}
