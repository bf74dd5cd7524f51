import { describe, expect, it } from 'vitest';
import { findClassificationMarking } from '../../src/server/modules/items/domain/classification.js';

/*
 * 涉密信息不上网: a classification marking (密级标志, GB/T 9704) must be found; ordinary words that contain
 * 秘密/机密/绝密 inside a sentence must not be.
 */

type Level = '秘密' | '机密' | '绝密';

const MARKINGS: readonly (readonly [string, string, Level])[] = [
  // [description, text, level]
  ['秘密★ with a period', '秘密★1年', '秘密'],
  ['机密★ without a period', '机密★', '机密'],
  ['绝密☆长期', '绝密☆长期', '绝密'],
  ['spaces around the star', '秘密 ★ 10年', '秘密'],
  ['ASCII star stand-in', '机密*5年', '机密'],
  ['full-width star stand-in typed with a Chinese IME', '秘密＊1年', '秘密'],
  ['star marking at the top of a document', '秘密★6个月\n\n关于某县防汛工作的情况报告\n正文……', '秘密'],
  ['star marking after the title', '关于某事的报告\n机密★10年\n正文', '机密'],
  ['star marking in the middle of a line', '　　绝密★长期　　　　　　　　特急', '绝密'],
  ['密级：秘密', '密级：秘密', '秘密'],
  ['密级: 机密 (ASCII colon)', '密级: 机密', '机密'],
  ['密级 ： 绝密 (spaced)', '密级 ： 绝密', '绝密'],
  ['密级绝密 without a colon', '密级绝密', '绝密'],
  ['密级 inside a header block', '文号：某政办发〔2026〕3号\n密级：机密\n签发人：张三', '机密'],
  ['alone on the first line', '秘密\n关于某事的报告', '秘密'],
  ['alone on a middle line', '标题\n机密\n正文', '机密'],
  ['alone on the last line', '正文到此结束。\n绝密', '绝密'],
  ['alone, the whole text', '绝密', '绝密'],
  ['alone with surrounding spaces', '标题\n   秘密   \n正文', '秘密'],
  ['alone with full-width spaces', '标题\n　　机密　\n正文', '机密'],
  ['alone with CRLF line ends', '标题\r\n秘密\r\n正文', '秘密'],
  ['bracketed 【秘密】 alone', '【秘密】', '秘密'],
  ['bracketed 【秘密】 on its line', '标题\n【秘密】\n正文', '秘密'],
  ['bracketed (机密) ASCII', '(机密)\n标题', '机密'],
  ['bracketed （绝密） full-width', '标题\n（绝密）', '绝密'],
  ['bracketed [秘密]', '[秘密]\n正文', '秘密'],
  ['bracketed with inner spaces', '【 机密 】\n正文', '机密'],
  // GB/T 9704-1999 §5.2.2: "两字之间空1字" — a bare level is printed with one space between its characters.
  ['GB/T 9704-1999 spaced 秘　密 on its line', '秘　密\n关于某事的报告', '秘密'],
  ['GB/T 9704-1999 spaced 机 密 on its line', '标题\n机 密\n正文', '机密'],
];

const ORDINARY: readonly (readonly [string, string])[] = [
  ['商业秘密', '企业应加强商业秘密保护。'],
  ['商业秘密 alone as a phrase', '商业秘密'],
  ['保守国家秘密', '保守国家秘密是公民义务'],
  ['机密文件管理培训', '机密文件管理培训'],
  ['机密文件管理培训 in a sentence', '县保密局组织开展机密文件管理培训，共60人参加。'],
  ['绝密级载体清查', '开展绝密级载体清查工作。'],
  ['a law title', '深入学习《中华人民共和国保守国家秘密法》。'],
  ['公开的秘密', '这已经是一个公开的秘密。'],
  ['秘密 at the start of a sentence', '秘密会议的说法并不准确。'],
  ['a heading that merely starts with the word', '\n机密载体管理规定\n'],
  ['a heading 保守秘密 on its own line', '第一部分\n保守秘密\n第二部分'],
  ['国家秘密 on its own line', '标题\n国家秘密\n正文'],
  ['密级 discussed in a sentence', '密级标志应当规范标注，秘密事项不得上网。'],
  ['密级 followed by punctuation, then 秘密', '文件未标注密级。秘密事项另行处理。'],
  ['失泄密', '严防失泄密事件，防止机密信息泄露。'],
  ['a star used elsewhere', '★全县新增就业1200人'],
  ['a bracket with other words', '【工作动态】我县召开保密工作会议'],
  ['empty text', ''],
  ['whitespace only', ' \n\n　'],
];

describe('findClassificationMarking finds markings', () => {
  it.each(MARKINGS)('%s', (_label, text, level) => {
    const hit = findClassificationMarking(text);
    expect(hit, JSON.stringify(text)).not.toBeNull();
    expect(hit?.marking).toBe(level);
  });
});

describe('findClassificationMarking leaves ordinary text alone', () => {
  it.each(ORDINARY)('%s', (_label, text) => {
    expect(findClassificationMarking(text), JSON.stringify(text)).toBeNull();
  });
});

describe('the hit position points at the marking line', () => {
  const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length - 1;

  it.each([
    ['first line', '秘密★1年\n正文', 0],
    ['star marking after a title', '标题\n机密★\n正文', 1],
    ['密级 line', '标题\n密级：秘密\n正文', 1],
    ['bare level on line 2', '标题\n副标题\n绝密\n正文', 2],
    ['bracketed level on line 1', '标题\n【秘密】\n正文', 1],
  ] as const)('%s', (_label, text, line) => {
    const hit = findClassificationMarking(text);
    expect(hit).not.toBeNull();
    if (!hit) return;
    expect(lineOf(text, hit.index)).toBe(line);
    expect(text.indexOf(hit.marking, hit.index)).toBeGreaterThanOrEqual(hit.index);
  });
});

describe('every level is recognised in every marking shape', () => {
  const LEVELS: readonly Level[] = ['秘密', '机密', '绝密'];
  const SHAPES: readonly (readonly [string, (l: Level) => string])[] = [
    ['★ with period', (l) => `${l}★1年`],
    ['☆ without period', (l) => `${l}☆`],
    ['密级：', (l) => `密级：${l}`],
    ['alone on a line', (l) => `标题\n${l}\n正文`],
    ['【】 on a line', (l) => `标题\n【${l}】\n正文`],
  ];
  const rows = LEVELS.flatMap((level) =>
    SHAPES.map(([shape, make]) => ({ level, shape, text: make(level) })),
  );
  it.each(rows)('$level, $shape', ({ level, text }) => {
    expect(findClassificationMarking(text)?.marking).toBe(level);
  });
});

describe('markings cannot hide behind Unicode', () => {
  it.each([
    ['zero-width space inside the level', '机\u200b密★1年'],
    ['zero-width joiner and BOM', '秘\u200d密\ufeff★'],
    ['word joiner before the star', '绝密\u2060★长期'],
    ['bidi override around the level', '\u202e机密\u202c★'],
    ['star emoji', '机密⭐'],
    ['star emoji with variation selector', '机密⭐\ufe0f5年'],
    ['glowing star', '秘密🌟'],
    ['outlined star ✩', '秘密✩1年'],
    ['asterisk operator ∗', '绝密∗'],
    ['traditional 機密★', '機密★'],
    ['traditional 絕密 alone on its line', '標題\n絕密\n正文'],
    ['traditional 密級：機密', '密級：機密'],
    ['full-width colon and compatibility space', '密级：\u3000秘密'],
    ['soft hyphen inside', '机\u00ad密★'],
  ])('%s', (_, text) => {
    expect(findClassificationMarking(text)).not.toBeNull();
  });
});
