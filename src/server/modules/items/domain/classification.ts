/**
 * 涉密信息不上网: text carrying a classification marking (密级标志) is refused. The markings follow
 * GB/T 9704: 「秘密★1年」「机密★」「绝密」 on a line of their own, or 「密级：秘密」. Ordinary words such as
 * 「商业秘密」「保守秘密」 are not markings and pass.
 */
const LEVEL = '(绝密|机密|秘密)';
const PATTERNS: readonly RegExp[] = [
  // 秘密★ / 机密★1年 / 绝密☆长期 / 秘密*
  new RegExp(`${LEVEL}\\s*[★☆\\*]`),
  // 密级：秘密 / 密级: 机密
  new RegExp(`密\\s*级\\s*[:：]?\\s*${LEVEL}`),
  // a marking alone on its line, optionally bracketed: 【秘密】 (机密)
  new RegExp(`(^|\\n)\\s*[【\\[（(]?\\s*${LEVEL}\\s*[】\\]）)]?\\s*(\\n|$)`),
];

export interface ClassificationHit {
  marking: string;
  index: number;
}

export function findClassificationMarking(text: string): ClassificationHit | null {
  for (const pattern of PATTERNS) {
    const m = pattern.exec(text);
    if (m) {
      const level = /(绝密|机密|秘密)/.exec(m[0]);
      return { marking: level?.[0] ?? m[0].trim(), index: m.index };
    }
  }
  return null;
}
