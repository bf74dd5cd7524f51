import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../server/db/client.js';
import type { UseCaseContext } from '../server/http/context.js';
import { adoptions, items } from '../server/modules/items/schema.js';
import { followUpTasks, leaderInstructions } from '../server/modules/instructions/schema.js';
import { answerFollowUp } from '../server/modules/instructions/use-cases/answer-follow-up.js';
import { createInstruction } from '../server/modules/instructions/use-cases/create-instruction.js';
import { flagForLeaders } from '../server/modules/instructions/use-cases/flags.js';
import { memberships, orgs, users } from '../server/modules/orgs/schema.js';
import { periodicals } from '../server/modules/periodicals/schema.js';
import { DEFAULT_RULES, type ScoringRules } from '../server/modules/scoring/domain.js';
import { addScoreEntry } from '../server/modules/scoring/use-cases/score-entries.js';
import { createQuota } from '../server/modules/scoring/use-cases/quotas.js';
import { createNotice, issueNotice } from '../server/modules/scoring/use-cases/notices.js';
import { recomputeHub } from '../server/modules/scoring/use-cases/recompute.js';
import { updateScoringRules } from '../server/modules/scoring/use-cases/rules.js';

type As = <T>(username: string, fn: (ctx: UseCaseContext) => Promise<T>) => Promise<T>;

/**
 * Points per periodical as the seeds give them (汾阳 2009: 《吕梁政务信息·普刊》1分, 《晋政信息·普刊》4分,
 * 《晋政信息·互联网》2分), seen from each level; 综合采用 earns half.
 */
const POINTS: Record<'county' | 'city' | 'province', Record<string, number>> = {
  county: {
    own: 1,
    吕梁政务信息: 2,
    晋中政务信息: 2,
    情况反映: 3,
    晋政信息·普刊: 4,
    晋政信息·互联网: 2,
    每日信息: 2,
  },
  city: { own: 1, 情况反映: 2, 晋政信息·普刊: 4, 晋政信息·互联网: 2, 每日信息: 2 },
  province: { own: 1, 晋政信息·互联网: 0.5, 每日信息: 1 },
};

/** Rule sets, quotas, some instructions, manual entries and last month's notices for the demo hubs. */
export async function loadDemoScoring(
  db: Db,
  orgId: ReadonlyMap<string, string>,
  as: As,
  now: Date,
): Promise<void> {
  const hubs: [key: string, chief: string, level: 'county' | 'city' | 'province'][] = [
    ['fy', 'fy_zb', 'county'],
    ['xy', 'xy_bj', 'county'],
    ['jc', 'jc_bj', 'county'],
    ['py', 'py_bj', 'county'],
    ['jx', 'jx_bj', 'county'],
    ['ls', 'ls_bj', 'county'],
    ['ll', 'll_zb', 'city'],
    ['jz', 'jz_zb', 'city'],
    ['sx', 'sx_zb', 'province'],
  ];
  const allPeriodicals = await db.select().from(periodicals);
  const orgRows = await db.select({ id: orgs.id, parentId: orgs.parentId, level: orgs.level }).from(orgs);
  const ancestors = (id: string): string[] => {
    const out = [id];
    let cur = orgRows.find((o) => o.id === id)?.parentId;
    while (cur) {
      out.push(cur);
      cur = orgRows.find((o) => o.id === cur)?.parentId;
    }
    return out;
  };

  await recordInstructions(db, now);

  for (const [key, chief, level] of hubs) {
    const hubId = orgId.get(key)!;
    const chain = ancestors(hubId);
    const table = POINTS[level];
    const counted = allPeriodicals
      .filter((p) => chain.includes(p.hubId))
      .map((p) => {
        const single = p.hubId === hubId ? table.own! : (table[p.name] ?? 1);
        return { periodicalId: p.id, single, combined: single / 2 };
      });
    const rules: ScoringRules = { ...DEFAULT_RULES, periodicals: counted };
    await as(chief, (ctx) => updateScoringRules(ctx, hubId, rules, 0));
    // 任务指标 as in the seeds, scaled to the demo's volume: monthly submissions upward and a 20% adoption rate.
    const target = level === 'county' ? 'county' : level === 'city' ? 'city' : 'province';
    await as(chief, (ctx) =>
      createQuota(ctx, hubId, {
        period: 'month',
        minSubmitted: { [target]: 3 },
        minAdopted: null,
        minAdoptionRate: 0.2,
      }),
    );
    if (level === 'county')
      await as(chief, (ctx) =>
        createQuota(ctx, hubId, {
          orgKind: 'township',
          period: 'week',
          minSubmitted: { county: 1 },
          minAdopted: null,
          minAdoptionRate: null,
        }),
      );
  }

  // A manual bonus for a suggestion leaders took up (the seeds record one worth 125 points) and a penalty.
  await as('ll_zb', (ctx) =>
    addScoreEntry(ctx, orgId.get('ll')!, {
      kind: 'manual_bonus',
      orgId: orgId.get('fy')!,
      points: 125,
      reason: '《关于加快农村寄递物流体系建设的建议》被市政府采纳，予以加分',
    }),
  );
  await as('fy_zb', (ctx) =>
    addScoreEntry(ctx, orgId.get('fy')!, {
      kind: 'penalty',
      orgId: orgId.get('jjz')!,
      penaltyType: 'late',
      reason: '9月12日暴雨灾情信息报送超过规定时限',
    }),
  );

  // Last month's 通报 from the city and one county, issued to their units.
  const shanghai = new Date(now.getTime() + 8 * 3_600_000);
  const lastMonth = new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() - 1, 1));
  const year = lastMonth.getUTCFullYear();
  const month = lastMonth.getUTCMonth() + 1;
  for (const [key, chief, name] of [
    ['ll', 'll_zb', '吕梁市'],
    ['fy', 'fy_zb', '汾阳市'],
  ] as const) {
    const notice = await as(chief, (ctx) =>
      createNotice(ctx, orgId.get(key)!, {
        title: `关于${year}年${month}月份${name}政务信息报送采用情况的通报`,
        remarks: `现将${year}年${month}月份各单位政务信息报送、采用情况通报如下。请报送滞后的单位认真分析原因，切实加强信息报送工作。`,
        period: { kind: 'month', year, month },
      }),
    );
    await as(chief, (ctx) => issueNotice(ctx, notice.id));
  }

  await leaderDesks(db, orgId, as, now);

  // Make sure every hub's ledger reflects the instructions recorded above.
  for (const [key, chief] of hubs) await as(chief, (ctx) => recomputeHub(ctx, orgId.get(key)!));
}

/** Leaders' instructions (批示) on some adopted items at city and province level. */
async function recordInstructions(db: Db, now: Date): Promise<void> {
  const leaders = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(inArray(users.username, ['ll_ld', 'jz_ld', 'sx_ld']));
  const hubLevels = await db.select({ id: orgs.id, level: orgs.level }).from(orgs);
  const leaderHubs = await db
    .select({ username: users.username, orgId: memberships.orgId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(inArray(users.username, ['ll_ld', 'jz_ld', 'sx_ld']), eq(memberships.role, 'leader')));
  const hubOfLeader = new Map(leaderHubs.map((l) => [l.username, l.orgId]));
  const adopted = await db
    .select({ itemId: adoptions.itemId, hubId: adoptions.hubId, adoptedAt: adoptions.adoptedAt })
    .from(adoptions)
    .innerJoin(orgs, and(eq(orgs.id, adoptions.hubId), inArray(orgs.level, ['city', 'province'])))
    .where(isNull(adoptions.revokedAt));
  const texts = [
    '此经验做法很好，请在全市推广。',
    '请有关部门认真研究，提出具体措施。',
    '要高度重视，抓好落实。',
  ];
  let n = 0;
  for (const a of adopted) {
    if (n++ % 9 !== 0) continue;
    const level = hubLevels.find((h) => h.id === a.hubId)!.level;
    // The leader of the adopting hub itself (sx/ll/jz_ld): an instruction comes from the office that read it.
    const leader = leaders.find((l) => hubOfLeader.get(l.username) === a.hubId);
    if (!leader) continue;
    const [leaderOrg] = await db.select({ orgId: orgs.id }).from(orgs).where(eq(orgs.id, a.hubId));
    await db.insert(leaderInstructions).values({
      id: randomUUID(),
      itemId: a.itemId,
      leaderId: leader.id,
      leaderOrgId: leaderOrg!.orgId,
      leaderLevel: level,
      text: texts[n % texts.length]!,
      createdAt: new Date(Math.min(a.adoptedAt.getTime() + 2 * 86_400_000, now.getTime() - 3_600_000)),
    });
  }
}

/**
 * Leaders' desks are not empty on a fresh start: 吕梁's editor puts two adopted items before 马文斌 (ll_ld),
 * among them 太和桥街道's “网格+物业” item; 吕梁's and 汾阳's leaders have written instructions asking for
 * follow-ups, one answered, one overdue, one still open.
 */
async function leaderDesks(db: Db, orgId: ReadonlyMap<string, string>, as: As, now: Date): Promise<void> {
  const keyOf = new Map([...orgId].map(([k, v]) => [v, k]));
  const userId = async (username: string) =>
    (await db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0]!.id;
  const adoptedAt = (hubKey: string) =>
    db
      .select({ itemId: adoptions.itemId, orgId: items.orgId, title: items.title })
      .from(adoptions)
      .innerJoin(items, eq(items.id, adoptions.itemId))
      .where(and(eq(adoptions.hubId, orgId.get(hubKey)!), isNull(adoptions.revokedAt)))
      .orderBy(desc(adoptions.adoptedAt))
      .limit(12);
  const ll = await adoptedAt('ll');
  const grid = ll.find((a) => a.title.includes('网格+物业'));
  const others = ll.filter((a) => a !== grid && keyOf.has(a.orgId));
  const llLeader = await userId('ll_ld');
  for (const [a, note] of [
    [grid, '该经验做法有推广价值，呈请阅示。'],
    [others[0], '呈请阅示。'],
  ] as const)
    if (a) await as('ll_bj', (ctx) => flagForLeaders(ctx, { itemId: a.itemId, leaderIds: [llLeader], note }));

  /** Someone of the origin unit who may answer: its writer, else anyone holding a unit role there. */
  const answererOf = async (unitId: string) =>
    (
      await db
        .select({ username: users.username })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(eq(memberships.orgId, unitId), inArray(memberships.role, ['writer', 'reviewer', 'signer'])),
        )
        .orderBy(desc(memberships.role), users.username)
        .limit(1)
    )[0]?.username;
  const asks: {
    leader: string;
    item: (typeof ll)[number] | undefined;
    text: string;
    answer?: string;
    overdue?: boolean;
  }[] = [
    {
      leader: 'll_ld',
      item: others[1],
      text: '此做法值得肯定，请认真总结经验，形成可复制的做法。',
      answer: '已组织专班总结经验，形成工作指引1份，在全县各乡镇推广，下一步将持续跟踪成效。',
    },
    { leader: 'll_ld', item: others[2], text: '请有关部门认真研究，提出具体措施。', overdue: true },
    { leader: 'll_ld', item: others[3], text: '要高度重视，抓好落实，按时反馈。' },
  ];
  const fy = (await adoptedAt('fy')).filter((a) => keyOf.has(a.orgId));
  if (fy[0]) asks.push({ leader: 'fy_ld', item: fy[0], text: '请总结做法，抓好推广，及时反馈。' });
  for (const ask of asks) {
    const item = ask.item;
    if (!item) continue;
    const id = await as(ask.leader, (ctx) =>
      createInstruction(ctx, {
        itemId: item.itemId,
        text: ask.text,
        followUp: { days: 10, requirement: '请报送落实情况' },
      }),
    );
    if (ask.overdue)
      await db
        .update(followUpTasks)
        .set({ dueAt: new Date(now.getTime() - 2 * 86_400_000) })
        .where(eq(followUpTasks.instructionId, id));
    if (ask.answer) {
      const [task] = await db.select().from(followUpTasks).where(eq(followUpTasks.instructionId, id));
      const who = await answererOf(item.orgId);
      if (task && who) await as(who, (ctx) => answerFollowUp(ctx, task.id, { answer: ask.answer! }));
    }
  }
}
