import { describe, expect, it } from 'vitest';
import {
  ISSUE_ACTIONS,
  ISSUE_STATES,
  issueActionsFrom,
  nextIssueState,
  type IssueAction,
  type IssueState,
} from '../../src/server/modules/periodicals/domain.js';
import {
  adoptionNoticeTitle,
  chineseDate,
  issueNumberLabel,
  nextIssueNumbers,
  readRate,
  shanghaiDate,
  shanghaiYear,
  sourceLine,
} from '../../src/server/modules/periodicals/format.js';
import { attachmentDisposition } from '../../src/server/http/download.js';
import { imprintRows } from '../../src/server/modules/periodicals/bulletin.js';
import {
  issuePolicy,
  periodicalPolicy,
  type IssuePolicyAction,
} from '../../src/server/modules/periodicals/policy.js';
import type { Actor } from '../../src/server/http/context.js';
import type { Role } from '../../src/server/modules/orgs/domain.js';

describe('Beijing calendar', () => {
  it.each([
    ['2026-12-31T15:59:59.999Z', '2026-12-31', 2026],
    ['2026-12-31T16:00:00.000Z', '2027-01-01', 2027],
    ['2027-01-01T00:00:00.000Z', '2027-01-01', 2027],
    ['2026-06-30T16:30:00.000Z', '2026-07-01', 2026],
  ])('%s is %s in Asia/Shanghai', (iso, date, year) => {
    expect(shanghaiDate(new Date(iso))).toBe(date);
    expect(shanghaiYear(new Date(iso))).toBe(year);
  });
  it('prints dates without leading zeros', () => {
    expect(chineseDate('2026-05-01')).toBe('2026年5月1日');
    expect(chineseDate('2026-12-31')).toBe('2026年12月31日');
  });
});

describe('nextIssueNumbers', () => {
  const base = {
    year: 2026,
    maxYearNo: null,
    maxTotalNo: null,
    totalNoBase: 0,
    yearNoBase: 0,
    yearNoBaseYear: null,
  };
  it.each([
    ['first issue ever', {}, [1, 1]],
    ['continues the paper run', { totalNoBase: 314, yearNoBase: 14, yearNoBaseYear: 2026 }, [15, 315]],
    [
      'a base of another year does not count',
      { totalNoBase: 314, yearNoBase: 14, yearNoBaseYear: 2025 },
      [1, 315],
    ],
    ['after issues in the system', { maxYearNo: 11, maxTotalNo: 311, totalNoBase: 300 }, [12, 312]],
    ['a new year restarts 年度期号 only', { maxYearNo: null, maxTotalNo: 330, totalNoBase: 300 }, [1, 331]],
    [
      'a base raised above the system numbers wins',
      { maxYearNo: 3, maxTotalNo: 303, totalNoBase: 400 },
      [4, 401],
    ],
  ] as const)('%s', (_name, over, [yearNo, totalNo]) => {
    expect(nextIssueNumbers({ ...base, ...over })).toEqual({ year: 2026, yearNo, totalNo });
  });
});

describe('labels', () => {
  it('formats the 期号 line', () => {
    expect(issueNumberLabel({ year: 2026, yearNo: 15, totalNo: 315 })).toBe('2026年第15期（总第315期）');
    expect(issueNumberLabel({ year: null, yearNo: null, totalNo: null })).toBe('（未编号）');
  });
  it('credits every source unit once, in order', () => {
    expect(sourceLine(['汾阳市人民政府办公室'])).toBe('（汾阳市人民政府办公室报送）');
    expect(sourceLine(['汾阳市人民政府办公室', '孝义市人民政府办公室', '汾阳市人民政府办公室'])).toBe(
      '（汾阳市人民政府办公室、孝义市人民政府办公室报送）',
    );
    expect(sourceLine([])).toBe('');
  });
  it('words the adoption notice', () => {
    expect(adoptionNoticeTitle('吕梁政务信息', '2026年第12期（总第315期）', '某事')).toBe(
      '《吕梁政务信息》2026年第12期（总第315期）采用了《某事》',
    );
  });
  it('builds an RFC 5987 Content-Disposition', () => {
    const cd = attachmentDisposition('吕梁政务信息2026年第1期.docx', 'issue.docx');
    expect(cd).toBe(
      `attachment; filename="issue.docx"; filename*=UTF-8''${encodeURIComponent('吕梁政务信息2026年第1期.docx')}`,
    );
    expect(attachmentDisposition("a'(b).docx", 'a"b.docx')).toBe(
      `attachment; filename="a_b.docx"; filename*=UTF-8''a%27%28b%29.docx`,
    );
  });
  it('computes 阅读率', () => {
    expect(readRate(2, 3)).toBe(0.6667);
    expect(readRate(0, 0)).toBe(0);
  });
  it('prints only the 版记 lines that have recipients', () => {
    expect(imprintRows({ bao: ['省政府办公厅'], song: [], fa: ['各县政府', '市直各部门'] })).toEqual([
      { label: '报', text: '省政府办公厅。' },
      { label: '发', text: '各县政府，市直各部门。' },
    ]);
  });
});

describe('issue state table', () => {
  const table: Record<IssueState, Partial<Record<IssueAction, IssueState>>> = {
    draft: { edit: 'draft', submit: 'in_review' },
    in_review: { review: 'in_review', send_back: 'draft', sign: 'signed' },
    signed: { send_back: 'draft', issue: 'issued' },
    issued: { distribute: 'issued', recall: 'recalled' },
    recalled: {},
  };
  for (const from of ISSUE_STATES)
    for (const action of ISSUE_ACTIONS)
      it(`${action} from ${from} → ${table[from][action] ?? 'refused'}`, () => {
        expect(nextIssueState(action, from)).toBe(table[from][action] ?? null);
      });
  it('lists the legal actions', () => {
    expect(issueActionsFrom('issued')).toEqual(['distribute', 'recall']);
    expect(issueActionsFrom('recalled')).toEqual([]);
  });
});

describe('issue policy matrix', () => {
  const HUB = 'hub';
  const UNIT = 'unit';
  const actor = (userId: string, orgId: string, ...roles: Role[]): Actor => ({
    userId,
    username: userId,
    displayName: userId,
    memberships: roles.map((role) => ({ orgId, role })),
  });
  const facts = { hubId: HUB, createdBy: 'compiler', recipientOrgIds: [UNIT] };
  const cases: [string, Actor, Record<IssuePolicyAction, boolean>][] = [
    [
      'compiling editor',
      actor('compiler', HUB, 'editor'),
      {
        view: true,
        edit: true,
        submit: true,
        review: false, // four eyes: not one's own issue
        sign: false,
        issue: true,
        distribute: true,
        recall: false,
        view_receipts: true,
      },
    ],
    [
      'chief who compiled it',
      actor('compiler', HUB, 'chief_editor'),
      {
        view: true,
        edit: true,
        submit: true,
        review: false, // four eyes: not one's own issue
        sign: false,
        issue: true,
        distribute: true,
        recall: true,
        view_receipts: true,
      },
    ],
    [
      'another chief',
      actor('chief', HUB, 'chief_editor'),
      {
        view: true,
        edit: true,
        submit: true,
        review: true,
        sign: true,
        issue: true,
        distribute: true,
        recall: true,
        view_receipts: true,
      },
    ],
    [
      'hub leader',
      actor('leader', HUB, 'leader'),
      {
        view: true,
        edit: false,
        submit: false,
        review: false,
        sign: false,
        issue: false,
        distribute: false,
        recall: false,
        view_receipts: true,
      },
    ],
    [
      'recipient writer',
      actor('w', UNIT, 'writer'),
      {
        view: true,
        edit: false,
        submit: false,
        review: false,
        sign: false,
        issue: false,
        distribute: false,
        recall: false,
        view_receipts: false,
      },
    ],
    [
      'system administrator in the recipient unit',
      actor('admin', UNIT, 'sys_admin'),
      {
        view: false,
        edit: false,
        submit: false,
        review: false,
        sign: false,
        issue: false,
        distribute: false,
        recall: false,
        view_receipts: false,
      },
    ],
    [
      'editor of another hub',
      actor('x', 'other', 'editor', 'chief_editor'),
      {
        view: false,
        edit: false,
        submit: false,
        review: false,
        sign: false,
        issue: false,
        distribute: false,
        recall: false,
        view_receipts: false,
      },
    ],
  ];
  for (const [name, a, expected] of cases)
    it(name, () => {
      for (const [action, allowed] of Object.entries(expected))
        expect(issuePolicy(a, action as IssuePolicyAction, facts).ok, action).toBe(allowed);
    });
  it('periodical settings: chief editor, org admin and sys admin configure; editors compile', () => {
    const f = { hubId: HUB };
    expect(periodicalPolicy(actor('c', HUB, 'chief_editor'), 'configure', f).ok).toBe(true);
    expect(periodicalPolicy(actor('o', HUB, 'org_admin'), 'configure', f).ok).toBe(true);
    expect(periodicalPolicy(actor('s', 'root', 'sys_admin'), 'configure', f).ok).toBe(true);
    expect(periodicalPolicy(actor('s', 'root', 'sys_admin'), 'list_issues', f).ok).toBe(false);
    expect(periodicalPolicy(actor('e', HUB, 'editor'), 'configure', f).ok).toBe(false);
    expect(periodicalPolicy(actor('e', HUB, 'editor'), 'compile', f).ok).toBe(true);
    expect(periodicalPolicy(actor('l', HUB, 'leader'), 'compile', f).ok).toBe(false);
  });
});
