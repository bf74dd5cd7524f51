import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Db } from '../server/db/client.js';
import { writeAuditBatch, type AuditEntry } from '../server/modules/audit/audit.js';
import type { Category } from '../server/modules/items/domain/catalog.js';
import type { HopState } from '../server/modules/items/domain/states.js';
import { adoptions, hops, itemEvents, items, itemVersions } from '../server/modules/items/schema.js';
import { orgs, users } from '../server/modules/orgs/schema.js';
import {
  issueEntries,
  issueEntrySources,
  issueRecipients,
  periodicalIssues,
  periodicals,
} from '../server/modules/periodicals/schema.js';

/**
 * A year of realistic history for the demo: several hundred items from every unit, walked through the
 * workflow with the odds a 信息科 sees (adopted, forwarded, archived, sent back, rejected), adoptions at
 * county, city and province level, and the issues that printed them. Written in bulk (one transaction,
 * multi-row inserts) with the same rows the use cases would write — events and hash-chained audit rows
 * included — so that a first start stays quick on the embedded database.
 */

/** Deterministic PRNG (mulberry32), so every fresh demo has the same history. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Template {
  category: Category;
  title: (unit: string, n: number) => string;
  body: (unit: string, n: number, m: number) => string[];
}

const TEMPLATES: Template[] = [
  {
    category: 'dynamic',
    title: (u) => `${u}扎实推进冬春农田水利建设`,
    body: (u, n, m) => [
      `${u}组织${n}个村开展农田水利基本建设，新修渠道${m}公里，清淤整治沟渠${n * 3}条，新增和改善灌溉面积${m * 120}亩。`,
      `工程实行村级申报、乡镇审核、部门验收，资金全部公示，群众满意率达${90 + (n % 9)}%。`,
    ],
  },
  {
    category: 'experience',
    title: (u) => `${u}“四议两公开”让村级事务阳光运行`,
    body: (u, n, m) => [
      `今年以来，${u}在${n}个村全面推行“四议两公开”工作法，村级重大事项全部经过党支部提议、“两委”商议、党员大会审议、村民代表会议决议，决议和实施结果公开。`,
      `全年共决策村级事务${m * 4}项，涉及资金${m * 37}万元，未发生一起因村务决策引发的信访。`,
    ],
  },
  {
    category: 'problem',
    title: (u) => `关于${u}部分企业用工短缺问题的情况反映`,
    body: (u, n, m) => [
      `近期调查发现，${u}辖区${n}家规模以上企业普遍反映一线用工短缺，缺口约${m * 30}人，主要集中在纺织、食品加工等劳动密集型行业。`,
      `建议人社部门组织专场招聘会，加强职业技能培训，引导本地富余劳动力就近就业。`,
    ],
  },
  {
    category: 'suggestion',
    title: (u) => `${u}建议加快农村寄递物流体系建设`,
    body: (u, n, m) => [
      `${u}现有村级快递服务点${n}个，覆盖率不足${40 + (m % 30)}%，农产品上行“最后一公里”成本高。`,
      `建议统筹邮政、供销和快递企业资源，按“一点多能”建设村级综合服务站，对偏远村给予运营补贴。`,
    ],
  },
  {
    category: 'research',
    title: (u) => `${u}关于特色产业发展情况的调研`,
    body: (u, n, m) => [
      `为摸清特色产业发展底数，${u}组成调研组，走访企业和合作社${n + 10}家、农户${m * 5}户。`,
      `调研显示，特色产业总产值${m * 2}亿元，同比增长${(n % 12) + 3}%，但存在品牌影响力不强、精深加工不足等问题，建议加大品牌培育和招商引资力度。`,
    ],
  },
  {
    category: 'meeting',
    title: (u) => `${u}召开安全生产工作专题会议`,
    body: (u, n) => [
      `${u}召开安全生产工作专题会议，传达上级安全生产工作要求，分析研判当前形势，安排部署下一阶段重点工作。`,
      `会议要求，各单位要压紧压实安全生产责任，开展隐患排查整治“回头看”，确保${n}个重点行业领域安全形势持续稳定。`,
    ],
  },
  {
    category: 'dynamic',
    title: (u) => `${u}多措并举做好重要农产品保供稳价`,
    body: (u, n, m) => [
      `${u}建立重要农产品市场价格监测点${n}个，每日监测粮油、蔬菜、肉蛋奶等${m}类商品价格。`,
      `储备蔬菜${m * 15}吨、猪肉${n * 2}吨，市场供应充足、价格平稳。`,
    ],
  },
  {
    category: 'experience',
    title: (u) => `${u}“一窗受理”提升政务服务效能`,
    body: (u, n, m) => [
      `${u}整合${n + 5}个部门窗口，推行“前台综合受理、后台分类审批、统一窗口出件”模式，${m * 3}项事项实现“一窗通办”。`,
      `群众办事平均时间由3.5天缩短至1.2天，现场办结率达${85 + (n % 14)}%。`,
    ],
  },
  {
    category: 'leader_activity',
    title: (u) => `${u}主要负责同志调研重点项目建设`,
    body: (u, n) => [
      `${u}主要负责同志深入${n}个重点项目建设现场，实地察看工程进度，协调解决用地、用工等问题。`,
      `要求各责任单位倒排工期、挂图作战，确保项目按期投产达效。`,
    ],
  },
  {
    category: 'dynamic',
    title: (u) => `${u}开展“营商环境提升月”活动`,
    body: (u, n, m) => [
      `${u}开展“营商环境提升月”活动，走访市场主体${m * 6}家，收集问题诉求${n * 2}条，已办结${n * 2 - 1}条。`,
      `同时梳理涉企收费清单，清理规范涉企收费${n}项，为企业减负${m * 11}万元。`,
    ],
  },
];

type Outcome = 'adopt' | 'forward' | 'adopt_forward' | 'archive' | 'reject' | 'return_adopt' | 'open';

const DAY = 86_400_000;

interface UnitSpec {
  key: string;
  /** The hub the unit submits to. */
  hub: string;
  perMonth: number;
}

/** Which units write, to whom, and how much. County and city offices also report their own information. */
const UNITS: UnitSpec[] = [
  { key: 'thq', hub: 'fy', perMonth: 4 },
  { key: 'jjz', hub: 'fy', perMonth: 3 },
  { key: 'fycz', hub: 'fy', perMonth: 3 },
  { key: 'fysw', hub: 'fy', perMonth: 2 },
  { key: 'xyjt', hub: 'xy', perMonth: 3 },
  { key: 'xyjy', hub: 'xy', perMonth: 2 },
  { key: 'dzz', hub: 'xy', perMonth: 2 },
  { key: 'jcny', hub: 'jc', perMonth: 2 },
  { key: 'xjy', hub: 'jc', perMonth: 2 },
  { key: 'pywl', hub: 'py', perMonth: 3 },
  { key: 'gtz', hub: 'py', perMonth: 2 },
  { key: 'jxfg', hub: 'jx', perMonth: 2 },
  { key: 'yaz', hub: 'jx', perMonth: 1 },
  { key: 'lsyj', hub: 'ls', perMonth: 2 },
  { key: 'jsz', hub: 'ls', perMonth: 1 },
  { key: 'fy', hub: 'll', perMonth: 3 },
  { key: 'xy', hub: 'll', perMonth: 3 },
  { key: 'jc', hub: 'll', perMonth: 2 },
  { key: 'llcz', hub: 'll', perMonth: 2 },
  { key: 'py', hub: 'jz', perMonth: 3 },
  { key: 'jx', hub: 'jz', perMonth: 2 },
  { key: 'ls', hub: 'jz', perMonth: 2 },
  { key: 'll', hub: 'sx', perMonth: 3 },
  { key: 'jz', hub: 'sx', perMonth: 3 },
];

/** The periodical numbers already printed on paper before the system (总期号 continues from them). */
const TOTAL_BASES: Record<string, number> = {
  晋政信息·普刊: 1180,
  晋政信息·互联网: 420,
  每日信息: 3650,
  吕梁政务信息: 286,
  晋中政务信息: 241,
  情况反映: 57,
  交通信息: 96,
};

export async function loadDemoHistory(
  db: Db,
  orgIdByKey: ReadonlyMap<string, string>,
  now: Date,
): Promise<void> {
  const rand = prng(20261123);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number) => rand() < p;

  const allUsers = await db.select({ id: users.id, username: users.username }).from(users);
  const userId = (username: string) => allUsers.find((u) => u.username === username)?.id ?? null;
  const orgRows = await db.select().from(orgs);
  const orgById = new Map(orgRows.map((o) => [o.id, o]));
  const keyOf = new Map([...orgIdByKey].map(([k, id]) => [id, k]));
  const hubParent = (hubKey: string): string | null => {
    const parentId = orgById.get(orgIdByKey.get(hubKey)!)?.parentId;
    return parentId ? (keyOf.get(parentId) ?? null) : null;
  };
  const periodicalRows = await db.select().from(periodicals);
  const periodicalsOf = (hubKey: string) => periodicalRows.filter((p) => p.hubId === orgIdByKey.get(hubKey));
  const person = (key: string, ...suffixes: string[]) => {
    for (const s of suffixes) {
      const id = userId(`${key}_${s}`);
      if (id) return id;
    }
    throw new Error(`demo history: no ${suffixes.join('/')} at ${key}`);
  };

  const itemRows: (typeof items.$inferInsert)[] = [];
  const versionRows: (typeof itemVersions.$inferInsert)[] = [];
  const hopRows: (typeof hops.$inferInsert)[] = [];
  const adoptionRows: (typeof adoptions.$inferInsert)[] = [];
  const eventRows: (typeof itemEvents.$inferInsert)[] = [];
  const auditRows: AuditEntry[] = [];

  const event = (e: Omit<typeof itemEvents.$inferInsert, 'createdAt'> & { createdAt: Date }) => {
    eventRows.push(e);
    auditRows.push({
      at: e.createdAt,
      userId: e.actorId,
      ip: '10.20.1.15',
      requestId: 'demo-history',
      event: `item.${e.action}`,
      objectType: e.hopId ? 'hop' : 'item',
      objectId: e.hopId ?? e.itemId,
      result: 'success',
      detail: { itemId: e.itemId, from: e.fromState ?? null, to: e.toState ?? null },
    });
  };

  const start = now.getTime() - 365 * DAY;
  for (let month = 0; month < 12; month++) {
    for (const unit of UNITS) {
      const count = unit.perMonth + (chance(0.4) ? 1 : 0) - (chance(0.2) ? 1 : 0);
      for (let k = 0; k < count; k++) {
        const createdAt = new Date(start + (month * 30 + rand() * 29) * DAY + (8 + rand() * 9) * 3_600_000);
        if (createdAt.getTime() > now.getTime() - 2 * DAY) continue;
        const unitId = orgIdByKey.get(unit.key)!;
        const hubId = orgIdByKey.get(unit.hub)!;
        const unitOrg = orgById.get(unitId)!;
        const t = pick(TEMPLATES);
        const n = 3 + Math.floor(rand() * 20);
        const m = 5 + Math.floor(rand() * 40);
        const title = t.title(unitOrg.shortName, n);
        const paragraphs = t.body(unitOrg.shortName, n, m);
        const bodyHtml = paragraphs.map((p) => `<p>${p}</p>`).join('');
        const bodyText = paragraphs.join('\n');
        const itemId = randomUUID();
        const writer = person(unit.key, 'xxy');
        const reviewer = person(unit.key, 'shr', 'zr', 'qfr');
        const signer = person(unit.key, 'qfr', 'zr');
        const v1 = randomUUID();
        let clock = createdAt.getTime();
        const tick = (hours: number) => new Date((clock += hours * 3_600_000 * (0.5 + rand())));

        versionRows.push({
          id: v1,
          itemId,
          no: 1,
          title,
          bodyHtml,
          bodyText,
          orgId: unitId,
          createdBy: writer,
          createdAt,
        });
        event({ itemId, actorId: writer, actorOrgId: unitId, action: 'create', toState: 'draft', createdAt });
        event({
          itemId,
          actorId: writer,
          actorOrgId: unitId,
          action: 'submit_for_review',
          fromState: 'draft',
          toState: 'in_review',
          createdAt: tick(1),
        });
        event({
          itemId,
          actorId: reviewer,
          actorOrgId: unitId,
          action: 'approve',
          fromState: 'in_review',
          toState: 'awaiting_signoff',
          comment: '同意报送。',
          createdAt: tick(2),
        });
        const submittedAt = tick(2);
        event({
          itemId,
          actorId: signer,
          actorOrgId: unitId,
          action: 'sign',
          fromState: 'awaiting_signoff',
          toState: 'submitted',
          comment: '同意。',
          createdAt: submittedAt,
        });

        let currentVersion = 1;
        let unitVersionNo = 1;
        let versionId: string = v1;
        // Walk the chain upward: each hub decides, and may forward to its own upper hub.
        let fromKey = unit.key;
        let toKey: string | null = unit.hub;
        let parentHopId: string | null = null;
        let rootHopId: string | null = null;
        const recent = now.getTime() - clock < 6 * DAY;
        while (toKey) {
          const toId: string = orgIdByKey.get(toKey)!;
          const fromId = orgIdByKey.get(fromKey)!;
          const hopId: string = randomUUID();
          rootHopId ??= hopId;
          const editor = person(toKey, 'bj');
          const level: string = orgById.get(toId)!.level;
          const upper: string | null = hubParent(toKey);
          const hopSubmittedAt = new Date(clock);
          event({
            itemId,
            hopId,
            actorId: parentHopId ? person(fromKey, 'bj') : signer,
            actorOrgId: fromId,
            action: 'hop_submit',
            toState: 'pending',
            data: { toOrgId: toId, fromOrgId: fromId, versionNo: currentVersion },
            createdAt: hopSubmittedAt,
          });
          let outcome: Outcome;
          if (recent && chance(0.5)) outcome = 'open';
          else {
            const r = rand();
            const forwardP = upper ? (level === 'county' ? 0.28 : 0.22) : 0;
            const adoptP: number = level === 'province' ? 0.35 : 0.26;
            outcome =
              r < adoptP
                ? upper && chance(0.3)
                  ? 'adopt_forward'
                  : 'adopt'
                : r < adoptP + forwardP
                  ? 'forward'
                  : r < adoptP + forwardP + 0.06
                    ? 'reject'
                    : r < adoptP + forwardP + 0.11 && !parentHopId
                      ? 'return_adopt'
                      : 'archive';
          }
          let state: HopState = 'pending';
          let receivedAt: Date | null = null;
          let workingVersionId: string | null = null;
          let lastReason: string | null = null;
          const hopEvent = (
            action: string,
            from: HopState,
            to: HopState,
            extra: { comment?: string; data?: Record<string, unknown>; actor?: string } = {},
          ) =>
            event({
              itemId,
              hopId,
              actorId: extra.actor ?? editor,
              actorOrgId: toId,
              action: `hop_${action}`,
              fromState: from,
              toState: to,
              comment: extra.comment ?? null,
              data: { toOrgId: toId, fromOrgId: fromId, ...extra.data },
              createdAt: tick(3),
            });
          if (outcome !== 'open' || chance(0.5)) {
            receivedAt = tick(2);
            event({
              itemId,
              hopId,
              actorId: editor,
              actorOrgId: toId,
              action: 'hop_receive',
              fromState: 'pending',
              toState: 'received',
              data: { toOrgId: toId, fromOrgId: fromId },
              createdAt: receivedAt,
            });
            state = 'received';
          }
          if (outcome === 'return_adopt') {
            lastReason = '请补充具体数据，压缩背景介绍。';
            hopEvent('return', 'received', 'returned', { comment: lastReason });
            event({
              itemId,
              actorId: editor,
              actorOrgId: toId,
              action: 'revise_requested',
              fromState: 'submitted',
              toState: 'revising',
              comment: lastReason,
              createdAt: new Date(clock),
            });
            const v2 = randomUUID();
            currentVersion = 2;
            unitVersionNo = 2;
            versionId = v2;
            const revised = [...paragraphs, `下一步，${unitOrg.shortName}将持续跟踪，确保工作取得实效。`];
            versionRows.push({
              id: v2,
              itemId,
              no: 2,
              title,
              bodyHtml: revised.map((p) => `<p>${p}</p>`).join(''),
              bodyText: revised.join('\n'),
              orgId: unitId,
              createdBy: writer,
              basedOnNo: 1,
              createdAt: tick(20),
            });
            event({
              itemId,
              actorId: writer,
              actorOrgId: unitId,
              action: 'edit',
              fromState: 'revising',
              toState: 'revising',
              data: { versionNo: 2 },
              createdAt: new Date(clock),
            });
            event({
              itemId,
              actorId: writer,
              actorOrgId: unitId,
              action: 'submit_for_review',
              fromState: 'revising',
              toState: 'in_review',
              createdAt: tick(1),
            });
            event({
              itemId,
              actorId: reviewer,
              actorOrgId: unitId,
              action: 'approve',
              fromState: 'in_review',
              toState: 'awaiting_signoff',
              comment: '已按要求修改，同意。',
              createdAt: tick(1),
            });
            event({
              itemId,
              actorId: signer,
              actorOrgId: unitId,
              action: 'sign',
              fromState: 'awaiting_signoff',
              toState: 'submitted',
              createdAt: tick(1),
            });
            event({
              itemId,
              hopId,
              actorId: signer,
              actorOrgId: unitId,
              action: 'hop_resubmit',
              fromState: 'returned',
              toState: 'pending',
              data: { toOrgId: toId, fromOrgId: fromId, versionNo: 2 },
              createdAt: new Date(clock),
            });
            receivedAt = tick(2);
            event({
              itemId,
              hopId,
              actorId: editor,
              actorOrgId: toId,
              action: 'hop_receive',
              fromState: 'pending',
              toState: 'received',
              data: { toOrgId: toId, fromOrgId: fromId },
              createdAt: receivedAt,
            });
            outcome = 'adopt';
          }
          if (outcome === 'forward' || outcome === 'adopt_forward') {
            // The hub polishes the text before forwarding it (逐级修改).
            workingVersionId = randomUUID() as string;
            currentVersion++;
            const edited = paragraphs.map((p, i) => (i === 0 ? p.replace(/^今年以来，|^近期/, '') : p));
            versionRows.push({
              id: workingVersionId,
              itemId,
              no: currentVersion,
              title,
              bodyHtml: edited.map((p) => `<p>${p}</p>`).join(''),
              bodyText: edited.join('\n'),
              orgId: toId,
              createdBy: editor,
              basedOnNo: currentVersion - 1,
              note: '编辑修改',
              createdAt: tick(2),
            });
            hopEvent('edit', 'received', 'received', { data: { versionNo: currentVersion } });
          }
          if (outcome === 'adopt' || outcome === 'adopt_forward') {
            const options = periodicalsOf(toKey);
            const periodical =
              level === 'province' ? (chance(0.7) ? options[0]! : pick(options)) : options[0]!;
            const adoptedAt = tick(4);
            adoptionRows.push({
              id: randomUUID(),
              hopId,
              itemId,
              hubId: toId,
              periodicalId: periodical.id,
              versionId: workingVersionId ?? versionId,
              title,
              type: chance(0.12) ? 'combined' : 'single',
              adoptedBy: editor,
              adoptedAt,
            });
            hopEvent('adopt', state, 'handled', {
              data: { periodicalId: periodical.id, periodicalName: periodical.name, type: 'single' },
            });
            state = 'handled';
          }
          if (outcome === 'archive') {
            hopEvent('archive', 'received', 'archived', chance(0.5) ? { comment: '参阅' } : {});
            state = 'archived';
          }
          if (outcome === 'reject') {
            lastReason = pick(['内容与本级工作关联度不高。', '信息时效性不强。', '与已采用信息内容重复。']);
            hopEvent('reject', 'received', 'rejected', { comment: lastReason });
            state = 'rejected';
          }
          const next: string | null = outcome === 'forward' || outcome === 'adopt_forward' ? upper : null;
          if (next) {
            hopEvent('forward', state, 'handled', {
              comment: '转报上级。',
              data: { forwardedTo: orgIdByKey.get(next) },
            });
            state = 'handled';
          }
          hopRows.push({
            id: hopId,
            itemId,
            parentHopId,
            rootHopId,
            fromOrgId: fromId,
            toOrgId: toId,
            versionId,
            workingVersionId,
            state,
            stage: 0,
            urgency: 'normal',
            lastReason,
            rowVersion: 1,
            submittedAt: hopSubmittedAt,
            receivedAt,
            updatedAt: new Date(clock),
          });
          if (workingVersionId) versionId = workingVersionId;
          parentHopId = hopId;
          fromKey = toKey;
          toKey = next;
        }
        itemRows.push({
          id: itemId,
          orgId: unitId,
          authorId: writer,
          state: 'submitted',
          currentVersionNo: unitVersionNo,
          title,
          category: t.category,
          urgency: 'normal',
          disclosure: chance(0.4) ? 'public' : 'internal',
          targetOrgIds: [hubId],
          rowVersion: 5,
          createdAt,
          updatedAt: new Date(clock),
          submittedAt,
        });
      }
    }
  }

  await db.transaction(async (tx) => {
    const chunk = async <T>(rows: T[], insert: (part: T[]) => Promise<unknown>) => {
      for (let i = 0; i < rows.length; i += 300) await insert(rows.slice(i, i + 300));
    };
    await chunk(itemRows, (p) => tx.insert(items).values(p));
    await chunk(versionRows, (p) => tx.insert(itemVersions).values(p));
    // Parents before children: hops were pushed leaf-last per item, so insertion order already holds.
    await chunk(hopRows, (p) => tx.insert(hops).values(p));
    await chunk(adoptionRows, (p) => tx.insert(adoptions).values(p));
    eventRows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    auditRows.sort((a, b) => a.at.getTime() - b.at.getTime());
    await chunk(eventRows, (p) => tx.insert(itemEvents).values(p));
    await writeAuditBatch(tx, auditRows);
    await loadIssues(tx, adoptionRows, hopRows, versionRows, orgById, periodicalRows, now, rand);
  });
}

/** Prints the adoptions into issues (about five entries each), leaving the newest in the pool to compile. */
async function loadIssues(
  tx: Db,
  adoptionRows: (typeof adoptions.$inferInsert)[],
  hopRows: (typeof hops.$inferInsert)[],
  versionRows: (typeof itemVersions.$inferInsert)[],
  orgById: ReadonlyMap<string, typeof orgs.$inferSelect>,
  periodicalRows: (typeof periodicals.$inferSelect)[],
  now: Date,
  rand: () => number,
): Promise<void> {
  const shanghaiYear = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).getUTCFullYear();
  const shanghaiDate = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  for (const p of periodicalRows) {
    const pool = adoptionRows
      .filter((a) => a.periodicalId === p.id)
      .sort((a, b) => a.adoptedAt.getTime() - b.adoptedAt.getTime());
    const printable = pool.slice(0, Math.max(0, pool.length - 3));
    if (printable.length === 0) continue;
    const base = TOTAL_BASES[p.name] ?? 40;
    await tx
      .update(periodicals)
      .set({ totalNoBase: base })
      .where(inArray(periodicals.id, [p.id]));
    const hub = orgById.get(p.hubId)!;
    const recipients = [...orgById.values()].filter((o) => o.parentId === hub.id).map((o) => o.id);
    let totalNo = base;
    const yearNos = new Map<number, number>();
    for (let i = 0; i < printable.length;) {
      const size = 3 + Math.floor(rand() * 4);
      const batch = printable.slice(i, i + size);
      i += size;
      const last = batch[batch.length - 1]!;
      const issuedAt = new Date(
        Math.min(last.adoptedAt.getTime() + (1 + rand() * 2) * DAY, now.getTime() - 3_600_000),
      );
      const year = shanghaiYear(issuedAt);
      const yearNo = (yearNos.get(year) ?? 0) + 1;
      yearNos.set(year, yearNo);
      totalNo++;
      const issueId = randomUUID();
      await tx.insert(periodicalIssues).values({
        id: issueId,
        periodicalId: p.id,
        state: 'issued',
        year,
        yearNo,
        totalNo,
        issueDate: shanghaiDate(issuedAt),
        lines: {
          bao:
            hub.level === 'province'
              ? ['国务院办公厅']
              : [orgById.get(hub.parentId ?? '')?.name ?? ''].filter(Boolean),
          song: ['本级政府领导'],
          fa: ['各县（市、区）人民政府办公室，本级政府各部门'],
        },
        copies: 60 + Math.floor(rand() * 80),
        createdBy: last.adoptedBy,
        signedBy: last.adoptedBy,
        signedAt: issuedAt,
        issuedBy: last.adoptedBy,
        issuedAt,
        createdAt: issuedAt,
        updatedAt: issuedAt,
      });
      for (const [position, a] of batch.entries()) {
        const version = versionRows.find((v) => v.id === a.versionId)!;
        const hop = hopRows.find((h) => h.id === a.hopId)!;
        const entryId = randomUUID();
        await tx.insert(issueEntries).values({
          id: entryId,
          issueId,
          position: position + 1,
          title: version.title,
          bodyHtml: version.bodyHtml,
          sourceLine: `（${orgById.get(hop.fromOrgId)?.name ?? ''}报送）`,
          combined: a.type === 'combined',
          createdAt: issuedAt,
        });
        await tx.insert(issueEntrySources).values({ entryId, adoptionId: a.id! });
      }
      if (recipients.length > 0) {
        await tx.insert(issueRecipients).values(
          recipients.map((orgId) => {
            const read = rand() < 0.78;
            return {
              issueId,
              orgId,
              kind: 'initial' as const,
              sentAt: issuedAt,
              sentBy: last.adoptedBy,
              firstReadAt: read ? new Date(issuedAt.getTime() + rand() * 2 * DAY) : null,
            };
          }),
        );
      }
    }
  }
}
