import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type ScoringRules } from '../../src/server/modules/scoring/domain.js';
import {
  adoptionRate,
  creditAdoption,
  creditInstruction,
  effectiveTotal,
  rewardFor,
  type AdoptionFacts,
  type Credit,
} from '../../src/server/modules/scoring/rules.js';

/**
 * Hand-worked cases after seed 002: 吕梁 (city hub H) counts 《吕梁政务信息·普刊》1分, 《晋政信息·普刊》4分,
 * 《晋政信息·互联网》2分 (综合 half), a national periodical 10分; ×2 at province, ×5 at national level when
 * 吕梁 itself forwarded. It evaluates the county hubs 汾阳 (FY) and 孝义 (XY) and its department DEP.
 */
const H = 'lvliang';
const [LV, JZ, JN, GB, OTHER] = ['lvliang-putong', 'jinzheng-putong', 'jinzheng-net', 'guowuyuan', 'other'];
const RULES: ScoringRules = {
  ...DEFAULT_RULES,
  periodicals: [
    { periodicalId: LV, single: 1, combined: 0.5 },
    { periodicalId: JZ, single: 4, combined: 2 },
    { periodicalId: JN, single: 2, combined: 1 },
    { periodicalId: GB, single: 10, combined: 5 },
  ],
  forwardMultipliers: { province: 2, national: 5 },
  creditForwarders: true,
  instructionBonus: { province: 10, city: 5 },
};
const EVALUATED = new Set(['FY', 'XY', 'DEP']);
const NAMES: Record<string, string> = {
  [LV]: '吕梁政务信息·普刊',
  [JZ]: '晋政信息·普刊',
  [JN]: '晋政信息·互联网',
  [GB]: '国务院办公厅信息',
  [OTHER]: '别处刊物',
};

function facts(
  over: Partial<AdoptionFacts> & Pick<AdoptionFacts, 'periodicalId' | 'chainFromOrgIds'>,
): AdoptionFacts {
  return {
    adoptionId: 'a1',
    itemId: 'i1',
    periodicalName: NAMES[over.periodicalId]!,
    type: 'single',
    adoptingLevel: 'province',
    adoptedAt: new Date('2026-10-10T02:00:00Z'),
    originOrgId: 'T1',
    coReporterOrgIds: [],
    ...over,
  };
}
const brief = (cs: Credit[]) => cs.map((c) => [c.orgId, c.points, c.role, c.explanation]);

describe('creditAdoption: hand-worked cases', () => {
  const cases: {
    name: string;
    f: AdoptionFacts;
    rules?: ScoringRules;
    evaluated?: Set<string>;
    want: unknown[];
  }[] = [
    {
      name: '汾阳 forwarded its township’s item, 吕梁 adopted it: the county is credited 1分, no multiplier at city level',
      f: facts({ periodicalId: LV, adoptingLevel: 'city', chainFromOrgIds: ['T1', 'FY'] }),
      want: [['FY', 1, 'forwarder', '《吕梁政务信息·普刊》单篇采用 1分（转报单位） = 1分']],
    },
    {
      name: 'the province adopted it after 吕梁 forwarded it: 4分 ×2',
      f: facts({ periodicalId: JZ, chainFromOrgIds: ['T1', 'FY', H] }),
      want: [['FY', 8, 'forwarder', '《晋政信息·普刊》单篇采用 4分 ×2（经本级转报）（转报单位） = 8分']],
    },
    {
      name: 'the province adopted it without 吕梁 on the chain (直报): no multiplier',
      f: facts({ periodicalId: JZ, chainFromOrgIds: ['T1', 'FY'] }),
      want: [['FY', 4, 'forwarder', '《晋政信息·普刊》单篇采用 4分（转报单位） = 4分']],
    },
    {
      name: '综合采用 by the province’s internet edition via 吕梁: the set share 1分 ×2',
      f: facts({ periodicalId: JN, type: 'combined', chainFromOrgIds: ['T1', 'FY', H] }),
      want: [['FY', 2, 'forwarder', '《晋政信息·互联网》综合采用 1分 ×2（经本级转报）（转报单位） = 2分']],
    },
    {
      name: 'national adoption after 吕梁 forwarded: 10分 ×5',
      f: facts({ periodicalId: GB, adoptingLevel: 'national', chainFromOrgIds: ['T1', 'FY', H, 'SX'] }),
      want: [
        ['FY', 50, 'forwarder', '《国务院办公厅信息》单篇采用 10分 ×5（经本级转报）（转报单位） = 50分'],
      ],
    },
    {
      name: '合报 by the department and 孝义, forwarded by 吕梁: 4分 ×2 ÷2 each',
      f: facts({
        periodicalId: JZ,
        originOrgId: 'DEP',
        coReporterOrgIds: ['XY'],
        chainFromOrgIds: ['DEP', H],
      }),
      want: [
        ['DEP', 4, 'contributor', '《晋政信息·普刊》单篇采用 4分 ×2（经本级转报） ÷2（合报） = 4分'],
        ['XY', 4, 'contributor', '《晋政信息·普刊》单篇采用 4分 ×2（经本级转报） ÷2（合报） = 4分'],
      ],
    },
    {
      name: 'three-way 合报 of a city adoption: 1分 ÷3, kept to 4 decimals; the unit outside 吕梁 gets nothing',
      f: facts({
        periodicalId: LV,
        adoptingLevel: 'city',
        originOrgId: 'DEP',
        coReporterOrgIds: ['XY', 'ELSEWHERE'],
        chainFromOrgIds: ['DEP'],
      }),
      want: [
        ['DEP', 0.3333, 'contributor', '《吕梁政务信息·普刊》单篇采用 1分 ÷3（合报） = 0.33分'],
        ['XY', 0.3333, 'contributor', '《吕梁政务信息·普刊》单篇采用 1分 ÷3（合报） = 0.33分'],
      ],
    },
    {
      name: '汾阳’s own item: credited as the contributor, undivided',
      f: facts({ periodicalId: JZ, originOrgId: 'FY', chainFromOrgIds: ['FY', H] }),
      want: [['FY', 8, 'contributor', '《晋政信息·普刊》单篇采用 4分 ×2（经本级转报） = 8分']],
    },
    {
      name: 'a 直报点 township and the county that forwarded its item are both credited',
      f: facts({ periodicalId: LV, adoptingLevel: 'city', chainFromOrgIds: ['T1', 'FY'] }),
      evaluated: new Set(['FY', 'T1']),
      want: [
        ['T1', 1, 'contributor', '《吕梁政务信息·普刊》单篇采用 1分 = 1分'],
        ['FY', 1, 'forwarder', '《吕梁政务信息·普刊》单篇采用 1分（转报单位） = 1分'],
      ],
    },
    {
      name: 'without creditForwarders a county is not credited for its units’ items',
      f: facts({ periodicalId: LV, adoptingLevel: 'city', chainFromOrgIds: ['T1', 'FY'] }),
      rules: { ...RULES, creditForwarders: false },
      want: [],
    },
    {
      name: 'a periodical the hub does not count earns nothing',
      f: facts({ periodicalId: OTHER, chainFromOrgIds: ['T1', 'FY', H] }),
      want: [],
    },
    {
      name: 'a multiplier set for a level applies only at that level (city adoption, province multiplier)',
      f: facts({ periodicalId: LV, adoptingLevel: 'city', originOrgId: 'DEP', chainFromOrgIds: ['DEP', H] }),
      want: [['DEP', 1, 'contributor', '《吕梁政务信息·普刊》单篇采用 1分 = 1分']],
    },
  ];
  it.each(cases)('$name', ({ f, rules, evaluated, want }) => {
    expect(brief(creditAdoption(rules ?? RULES, H, evaluated ?? EVALUATED, f))).toEqual(want);
  });

  it('adoption by several periodicals adds up: 汾阳 in seed 002 style, 23×1 + 9×4 + 8×2 = 75', () => {
    const sum = (periodicalId: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        creditAdoption(
          RULES,
          H,
          EVALUATED,
          facts({
            adoptionId: `${periodicalId}${i}`,
            periodicalId,
            adoptingLevel: periodicalId === LV ? 'city' : 'province',
            chainFromOrgIds: ['T1', 'FY'],
          }),
        ),
      )
        .flat()
        .reduce((s, c) => s + c.points, 0);
    expect(sum(LV, 23)).toBe(23);
    expect(sum(JZ, 9)).toBe(36);
    expect(sum(JN, 8)).toBe(16);
  });

  it('the detail records how the number was reached', () => {
    const [c] = creditAdoption(
      RULES,
      H,
      EVALUATED,
      facts({ periodicalId: JZ, originOrgId: 'DEP', coReporterOrgIds: ['XY'], chainFromOrgIds: ['DEP', H] }),
    );
    expect(c!.detail).toEqual({
      periodicalId: JZ,
      adoptionType: 'single',
      adoptingLevel: 'province',
      base: 4,
      multiplier: 2,
      split: 2,
      role: 'contributor',
    });
  });
});

describe('creditInstruction', () => {
  const base = {
    instructionId: 'li1',
    itemId: 'i1',
    createdAt: new Date('2026-10-12T01:00:00Z'),
    originOrgId: 'DEP',
    coReporterOrgIds: ['XY'],
    chainFromOrgIds: ['DEP'],
  };
  it.each([
    {
      name: 'a provincial leader: 10分 split over the 合报',
      level: 'province',
      counted: true,
      want: [
        ['DEP', 5],
        ['XY', 5],
      ],
    },
    {
      name: 'a city leader: 5分 split',
      level: 'city',
      counted: true,
      want: [
        ['DEP', 2.5],
        ['XY', 2.5],
      ],
    },
    {
      name: 'a level without a bonus: 0分 rows (the instruction still counts)',
      level: 'county',
      counted: true,
      want: [
        ['DEP', 0],
        ['XY', 0],
      ],
    },
    { name: 'a leader below the evaluating hub does not count', level: 'county', counted: false, want: [] },
    { name: 'a township leader never counts', level: 'township', counted: true, want: [] },
  ] as const)('$name', ({ level, counted, want }) => {
    const got = creditInstruction(RULES, EVALUATED, { ...base, leaderLevel: level, leaderCounted: counted });
    expect(got.map((c) => [c.orgId, c.points])).toEqual(want);
  });
  it('explains itself', () => {
    const [c] = creditInstruction(RULES, EVALUATED, {
      ...base,
      leaderLevel: 'province',
      leaderCounted: true,
    });
    expect(c!.explanation).toBe('省级领导批示 10分 ÷2（合报） = 5分');
  });
});

describe('effectiveTotal: missing solicitations zero the annual score', () => {
  it.each([
    { sum: 75, missed: 2, zeroAt: 2, isYear: true, want: { points: 0, zeroed: true } },
    { sum: 75, missed: 3, zeroAt: 2, isYear: true, want: { points: 0, zeroed: true } },
    { sum: 75, missed: 1, zeroAt: 2, isYear: true, want: { points: 75, zeroed: false } },
    { sum: 75, missed: 2, zeroAt: 2, isYear: false, want: { points: 75, zeroed: false } },
    { sum: 75, missed: 9, zeroAt: 0, isYear: true, want: { points: 75, zeroed: false } },
    { sum: -7, missed: 0, zeroAt: 2, isYear: true, want: { points: -7, zeroed: false } },
    { sum: 1.00004, missed: 0, zeroAt: 2, isYear: true, want: { points: 1, zeroed: false } },
  ])('sum $sum, missed $missed, zeroAt $zeroAt, year $isYear', ({ sum, missed, zeroAt, isYear, want }) => {
    expect(effectiveTotal(sum, missed, zeroAt, isYear)).toEqual(want);
  });
});

describe('adoptionRate', () => {
  it.each([
    { a: 1, s: 3, want: 0.3333 },
    { a: 2, s: 10, want: 0.2 },
    { a: 18, s: 48, want: 0.375 },
    { a: 0, s: 5, want: 0 },
    { a: 0, s: 0, want: null },
  ])('$a of $s', ({ a, s, want }) => expect(adoptionRate(a, s)).toBe(want));
});

describe('rewardFor (省级200元, 市级100元, 县级50元)', () => {
  it.each([
    ['province', 200],
    ['city', 100],
    ['county', 50],
    ['township', 0],
    ['national', 0],
  ] as const)('%s → %d', (level, want) => expect(rewardFor(RULES, level)).toBe(want));
  it('seed 001: 18 city + 2 city + 1 province adoptions = 2,200元', () => {
    expect(18 * rewardFor(RULES, 'city') + 2 * rewardFor(RULES, 'city') + rewardFor(RULES, 'province')).toBe(
      2200,
    );
  });
});
