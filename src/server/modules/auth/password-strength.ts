/**
 * Guessable-password checks (SECURITY.md §2), pure: the common-password list is passed in as a predicate.
 *
 * - the password itself, or its lower-case form, is on the top list;
 * - a listed base word decorated with a year, a listed number, a simple sequence or symbols
 *   (Password@2024, Welcome@2024, P@ssw0rd1234, 2024@Admin), also after undoing leetspeak;
 * - a keyboard walk: rows (qwerty), columns (1qaz2wsx), diagonals and plain sequences (abcd, 1234),
 *   with shifted symbols read as their keys (1qaz@WSX3edc, Qwerty@123456);
 * - the login name, the person's name (Latin letters; a Chinese name also as its pinyin: 张三丰 → zhangsanfeng,
 *   sanfeng, zhang) or the unit's code inside it.
 */
import { createRequire } from 'node:module';

type PinyinFn = (
  text: string,
  options: { toneType: 'none'; type: 'array'; surname: 'head'; nonZh: 'removed' },
) => string[];
let pinyinFn: PinyinFn | null = null;

/** A Chinese name's syllables (surnames read as surnames: 单 → shan). The dictionary loads on first use. */
export function namePinyin(name: string): string[] {
  pinyinFn ??= (createRequire(import.meta.url)('pinyin-pro') as { pinyin: PinyinFn }).pinyin;
  return pinyinFn(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'removed' }).filter((s) =>
    /^[a-z]+$/.test(s),
  );
}

export type PasswordWeakness =
  'common' | 'common_base' | 'keyboard_walk' | 'contains_username' | 'contains_name' | 'contains_unit';

export const WEAKNESS_MESSAGES: Record<PasswordWeakness, string> = {
  common: '该密码过于常见，请更换',
  common_base: '该密码由常见密码加年份、数字或符号组成，请更换',
  keyboard_walk: '密码不能是键盘上连续排列的字符（如 qwerty、1qaz2wsx）',
  contains_username: '密码不能包含用户名',
  contains_name: '密码不能包含姓名',
  contains_unit: '密码不能包含单位代码',
};

export interface PasswordContext {
  username: string;
  /** The person's name as stored (Chinese or Latin). */
  displayName?: string;
  /** Pinyin spellings of the name when known (e.g. ['zhangsan', 'zhang', 'san']). */
  namePinyin?: readonly string[];
  /** Codes of the person's units (administrative division codes and similar). */
  unitCodes?: readonly string[];
}

/** US layout, unshifted and shifted rows; each row is offset half a key from the one above. */
const ROWS = ['`1234567890-=', 'qwertyuiop[]\\', "asdfghjkl;'", 'zxcvbnm,./'];
const SHIFTED = ['~!@#$%^&*()_+', 'QWERTYUIOP{}|', 'ASDFGHJKL:"', 'ZXCVBNM<>?'];

const UNSHIFT = new Map<string, string>();
const POSITION = new Map<string, { row: number; col: number }>();
ROWS.forEach((row, r) => {
  [...row].forEach((ch, c) => {
    POSITION.set(ch, { row: r, col: c });
    UNSHIFT.set(SHIFTED[r]![c]!, ch);
  });
});

/** The key a character is typed on, lower-case and unshifted. */
export function keyOf(ch: string): string {
  return UNSHIFT.get(ch) ?? ch.toLowerCase();
}

/**
 * Neighbouring keys: same row ±1; the row below is shifted right by half a key, so key c of row r touches
 * keys c-1 and c of row r+1 (1 touches q; q touches a; a touches z).
 */
function keyboardAdjacent(a: string, b: string): boolean {
  const p = POSITION.get(a);
  const q = POSITION.get(b);
  if (!p || !q) return false;
  if (p.row === q.row) return Math.abs(p.col - q.col) === 1;
  if (q.row === p.row + 1) return q.col === p.col || q.col === p.col - 1;
  if (p.row === q.row + 1) return p.col === q.col || p.col === q.col - 1;
  return false;
}

const ALNUM = /^[a-z0-9]$/;
/** Keys next to each other, the same key again, or the next/previous letter or digit (abc, 321). */
function walkStep(a: string, b: string): boolean {
  if (a === b) return true;
  if (keyboardAdjacent(a, b)) return true;
  return ALNUM.test(a) && ALNUM.test(b) && Math.abs(a.charCodeAt(0) - b.charCodeAt(0)) === 1;
}

/**
 * True when nearly the whole password is made of walks of three or more keys: at most a quarter of its
 * characters (and at most 3) lie outside such walks.
 */
export function isKeyboardWalk(password: string): boolean {
  const keys = [...password].map(keyOf);
  if (keys.length === 0) return false;
  let covered = 0;
  let run = 1;
  for (let i = 1; i <= keys.length; i++) {
    if (i < keys.length && walkStep(keys[i - 1]!, keys[i]!)) {
      run++;
      continue;
    }
    if (run >= 3) covered += run;
    run = 1;
  }
  const outside = keys.length - covered;
  return outside <= Math.min(3, Math.floor(keys.length / 4));
}

const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '6': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'l',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};
export function unleet(s: string): string {
  return [...s].map((ch) => LEET[ch] ?? ch).join('');
}

/** A decoration's digits are weak: none, a year, a run like 1234/4321/1111, or themselves on the list. */
function weakDecoration(decoration: string, isCommon: (s: string) => boolean): boolean {
  const digits = decoration.replace(/[^0-9a-z]/g, '');
  if (digits === '') return true;
  if (/^(19|20)\d\d$/.test(digits)) return true;
  if (isCommon(digits)) return true;
  const keys = [...digits];
  return keys.length >= 2 && keys.every((k, i) => i === 0 || walkStep(keys[i - 1]!, k));
}

/**
 * The base words of a password: the letters left after removing leading and trailing digits and symbols,
 * with the decoration around them, before and after undoing leetspeak inside the word.
 */
export function baseWords(password: string): { base: string; prefix: string; suffix: string }[] {
  const lower = password.toLowerCase();
  const m = /^([^a-z]*)(.*?)([^a-z]*)$/.exec(lower);
  if (!m) return [];
  const [, prefix = '', core = '', suffix = ''] = m;
  const out = [{ base: core, prefix, suffix }];
  const plain = unleet(core);
  if (plain !== core) out.push({ base: plain, prefix, suffix });
  // Leet at the edges (P@ssw0rd1234 → p@ssw0rd + 1234) is handled by the word itself being listed or unleeted.
  return out.filter((w) => w.base.length >= 3);
}

function containsFolded(password: string, word: string): boolean {
  const w = word.toLowerCase();
  if (w.length < 3) return false;
  const lower = password.toLowerCase();
  return lower.includes(w) || unleet(lower).includes(w);
}

/** Latin name parts (≥ 3 letters), and the whole name without spaces. */
function nameParts(ctx: PasswordContext): string[] {
  const parts: string[] = [];
  const name = (ctx.displayName ?? '').trim();
  if (name) {
    parts.push(name.replace(/\s+/g, ''));
    parts.push(...name.split(/[\s.·_-]+/));
  }
  let spellings = ctx.namePinyin;
  if (!spellings && /[\u3400-\u9fff]/.test(name)) {
    // Full name, given name and surname in pinyin: the forms people put in passwords (zhangsan123).
    const syllables = namePinyin(name);
    spellings = syllables.length > 1 ? [syllables.join(''), syllables.slice(1).join(''), syllables[0]!] : [];
  }
  for (const p of spellings ?? []) parts.push(p.replace(/\s+/g, ''));
  return parts.filter((p) => p.length >= 3 || /[\u3400-\u9fff]{2,}/.test(p));
}

/** The first weakness found, or null. */
export function passwordWeakness(
  password: string,
  ctx: PasswordContext,
  isCommon: (lowerCased: string) => boolean,
): PasswordWeakness | null {
  const lower = password.toLowerCase();
  if (isCommon(password) || isCommon(lower)) return 'common';
  for (const { base, prefix, suffix } of baseWords(password)) {
    if (isCommon(base) && weakDecoration(prefix, isCommon) && weakDecoration(suffix, isCommon))
      return 'common_base';
  }
  if (isKeyboardWalk(password)) return 'keyboard_walk';
  if (ctx.username && containsFolded(password, ctx.username)) return 'contains_username';
  for (const part of nameParts(ctx)) {
    if (/[\u3400-\u9fff]/.test(part) ? password.includes(part) : containsFolded(password, part))
      return 'contains_name';
  }
  for (const code of ctx.unitCodes ?? []) {
    if (code.length >= 4 && password.includes(code)) return 'contains_unit';
    // Division codes end in zeros (330100): the significant part counts too.
    const significant = code.replace(/0+$/, '');
    if (significant.length >= 4 && password.includes(significant)) return 'contains_unit';
  }
  return null;
}
