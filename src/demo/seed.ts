import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../server/db/client.js';
import type { Actor, UseCaseContext } from '../server/http/context.js';
import { hashPassword } from '../server/modules/auth/passwords.js';
import type { OrgKind, OrgLevel, Role } from '../server/modules/orgs/domain.js';
import { directReportPoints, hubStages, memberships, orgs, users } from '../server/modules/orgs/schema.js';
import { phoneColumns } from '../server/modules/orgs/use-cases/create-user.js';
import { periodicals } from '../server/modules/periodicals/schema.js';
import { createItem } from '../server/modules/items/use-cases/create-item.js';
import { approveItem, signItem, submitForReview } from '../server/modules/items/use-cases/item-actions.js';
import {
  adoptHop,
  forwardHop,
  receiveHop,
  returnHop,
} from '../server/modules/items/use-cases/hop-actions.js';
import { hops } from '../server/modules/items/schema.js';
import { loadDemoHistory } from './history.js';
import { DEMO_ITEMS } from './items.js';
import { loadDemoScoring } from './scoring.js';

export const DEMO_PASSWORD = 'Zhengxun@2026';

interface OrgSpec {
  key: string;
  name: string;
  short: string;
  kind: OrgKind;
  level: OrgLevel;
  code?: string;
  parent?: string;
  hub?: boolean;
  merged?: boolean;
}

/** A realistic slice of 山西省: the province office, two cities, three counties each, departments and towns. */
const ORGS: OrgSpec[] = [
  {
    key: 'sx',
    name: '山西省人民政府办公厅',
    short: '省政府办公厅',
    kind: 'general_office',
    level: 'province',
    code: '140000',
    hub: true,
  },
  {
    key: 'sxjt',
    name: '山西省交通运输厅',
    short: '省交通运输厅',
    kind: 'department',
    level: 'province',
    parent: 'sx',
    hub: true,
  },
  {
    key: 'll',
    name: '吕梁市人民政府办公室',
    short: '吕梁市政府办',
    kind: 'general_office',
    level: 'city',
    code: '141100',
    parent: 'sx',
    hub: true,
  },
  {
    key: 'jz',
    name: '晋中市人民政府办公室',
    short: '晋中市政府办',
    kind: 'general_office',
    level: 'city',
    code: '140700',
    parent: 'sx',
    hub: true,
  },
  {
    key: 'llcz',
    name: '吕梁市财政局',
    short: '吕梁市财政局',
    kind: 'department',
    level: 'city',
    parent: 'll',
  },
  {
    key: 'fy',
    name: '汾阳市人民政府办公室',
    short: '汾阳市政府办',
    kind: 'general_office',
    level: 'county',
    code: '141182',
    parent: 'll',
    hub: true,
  },
  {
    key: 'xy',
    name: '孝义市人民政府办公室',
    short: '孝义市政府办',
    kind: 'general_office',
    level: 'county',
    code: '141181',
    parent: 'll',
    hub: true,
  },
  {
    key: 'jc',
    name: '交城县人民政府办公室',
    short: '交城县政府办',
    kind: 'general_office',
    level: 'county',
    code: '141122',
    parent: 'll',
    hub: true,
  },
  {
    key: 'py',
    name: '平遥县人民政府办公室',
    short: '平遥县政府办',
    kind: 'general_office',
    level: 'county',
    code: '140728',
    parent: 'jz',
    hub: true,
  },
  {
    key: 'jx',
    name: '介休市人民政府办公室',
    short: '介休市政府办',
    kind: 'general_office',
    level: 'county',
    code: '140781',
    parent: 'jz',
    hub: true,
  },
  {
    key: 'ls',
    name: '灵石县人民政府办公室',
    short: '灵石县政府办',
    kind: 'general_office',
    level: 'county',
    code: '140729',
    parent: 'jz',
    hub: true,
  },
  {
    key: 'thq',
    name: '汾阳市太和桥街道办事处',
    short: '太和桥街道',
    kind: 'township',
    level: 'township',
    parent: 'fy',
  },
  {
    key: 'jjz',
    name: '汾阳市贾家庄镇人民政府',
    short: '贾家庄镇',
    kind: 'township',
    level: 'township',
    parent: 'fy',
  },
  {
    key: 'fycz',
    name: '汾阳市财政局',
    short: '汾阳市财政局',
    kind: 'department',
    level: 'county',
    parent: 'fy',
    merged: true,
  },
  {
    key: 'fysw',
    name: '汾阳市水务局',
    short: '汾阳市水务局',
    kind: 'department',
    level: 'county',
    parent: 'fy',
  },
  {
    key: 'xyjt',
    name: '孝义市交通运输局',
    short: '孝义市交通局',
    kind: 'department',
    level: 'county',
    parent: 'xy',
  },
  {
    key: 'xyjy',
    name: '孝义市教育局',
    short: '孝义市教育局',
    kind: 'department',
    level: 'county',
    parent: 'xy',
  },
  {
    key: 'dzz',
    name: '孝义市兑镇镇人民政府',
    short: '兑镇镇',
    kind: 'township',
    level: 'township',
    parent: 'xy',
  },
  {
    key: 'jcny',
    name: '交城县农业农村局',
    short: '交城县农业农村局',
    kind: 'department',
    level: 'county',
    parent: 'jc',
  },
  {
    key: 'xjy',
    name: '交城县夏家营镇人民政府',
    short: '夏家营镇',
    kind: 'township',
    level: 'township',
    parent: 'jc',
  },
  {
    key: 'pywl',
    name: '平遥县文化和旅游局',
    short: '平遥县文旅局',
    kind: 'department',
    level: 'county',
    parent: 'py',
  },
  {
    key: 'gtz',
    name: '平遥县古陶镇人民政府',
    short: '古陶镇',
    kind: 'township',
    level: 'township',
    parent: 'py',
  },
  {
    key: 'jxfg',
    name: '介休市发展和改革局',
    short: '介休市发改局',
    kind: 'department',
    level: 'county',
    parent: 'jx',
  },
  {
    key: 'yaz',
    name: '介休市义安镇人民政府',
    short: '义安镇',
    kind: 'township',
    level: 'township',
    parent: 'jx',
  },
  {
    key: 'lsyj',
    name: '灵石县应急管理局',
    short: '灵石县应急局',
    kind: 'department',
    level: 'county',
    parent: 'ls',
  },
  {
    key: 'jsz',
    name: '灵石县静升镇人民政府',
    short: '静升镇',
    kind: 'township',
    level: 'township',
    parent: 'ls',
  },
];

type UserSpec = [username: string, name: string, org: string, roles: Role[]];

/** Named people at the units the guided tour uses; every other unit gets a writer, reviewer and signer. */
const USERS: UserSpec[] = [
  ['sysadmin', '系统管理员', 'sx', ['sys_admin']],
  ['secadmin', '安全管理员', 'sx', ['sec_admin']],
  ['auditadmin', '审计管理员', 'sx', ['audit_admin']],
  ['thq_xxy', '王晓燕', 'thq', ['writer']],
  ['thq_shr', '李建国', 'thq', ['reviewer']],
  ['thq_qfr', '张志强', 'thq', ['signer']],
  ['fycz_xxy', '郭丽萍', 'fycz', ['writer']],
  ['fycz_zr', '任保平', 'fycz', ['reviewer', 'signer']],
  ['fy_bj', '刘芳', 'fy', ['editor']],
  ['fy_zb', '陈卫东', 'fy', ['chief_editor', 'org_admin']],
  ['fy_ld', '赵志刚', 'fy', ['leader']],
  ['fy_xxy', '田雨', 'fy', ['writer', 'reviewer']],
  ['fy_qfr', '冯建军', 'fy', ['signer']],
  ['ll_bj', '孙丽', 'll', ['editor']],
  ['ll_zb', '高明', 'll', ['chief_editor', 'org_admin']],
  ['ll_ld', '马文斌', 'll', ['leader']],
  ['ll_qfr', '白玉琴', 'll', ['signer', 'reviewer']],
  ['ll_xxy', '曹文华', 'll', ['writer']],
  ['jz_xxy', '贾晓丽', 'jz', ['writer']],
  ['jz_shr', '薛志勇', 'jz', ['reviewer']],
  ['jz_qfr', '梁国栋', 'jz', ['signer']],
  ['fy_shr', '苏建新', 'fy', ['reviewer']],
  ['jz_bj', '韩冬梅', 'jz', ['editor']],
  ['jz_zb', '武建平', 'jz', ['chief_editor']],
  ['jz_ld', '阎海涛', 'jz', ['leader']],
  ['sx_bj', '周敏', 'sx', ['editor']],
  ['sx_zb', '吴国庆', 'sx', ['chief_editor', 'org_admin']],
  ['sx_ld', '郑立新', 'sx', ['leader']],
  ['sxjt_bj', '秦晓东', 'sxjt', ['editor']],
];

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段';
const GIVEN = [
  '建华',
  '秀英',
  '志明',
  '丽娟',
  '海燕',
  '国强',
  '晓峰',
  '红梅',
  '文静',
  '俊杰',
  '春华',
  '玉兰',
  '宏伟',
  '淑珍',
  '晓东',
  '凤英',
  '卫国',
  '慧敏',
];

/**
 * Loads the demo tree, accounts (password `Zhengxun@2026`), periodicals, hub stages and a set of items in
 * every state of the workflow. Runs only on an empty database; returns false when data is already there.
 */
export async function loadDemoData(db: Db): Promise<boolean> {
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(orgs);
  if ((existing?.n ?? 0) > 0) return false;
  const hash = await hashPassword(DEMO_PASSWORD);
  const now = new Date();
  const orgId = new Map<string, string>();
  const userIds = new Map<string, string>();

  await db.transaction(async (tx) => {
    for (const [i, o] of ORGS.entries()) {
      const id = randomUUID();
      orgId.set(o.key, id);
      await tx.insert(orgs).values({
        id,
        name: o.name,
        shortName: o.short,
        kind: o.kind,
        level: o.level,
        divisionCode: o.code ?? null,
        parentId: o.parent ? orgId.get(o.parent)! : null,
        isHub: o.hub ?? false,
        reviewMode: o.merged ? 'merged' : 'review_and_signoff',
        urgentSignForMinutes: 60,
        sortOrder: i,
      });
    }
    // 孝义市交通运输局 is a 直报点 of the province's transport department (seed 000: 被省交通厅列为政务信息直报点).
    await tx.insert(directReportPoints).values({ orgId: orgId.get('xyjt')!, hubId: orgId.get('sxjt')! });
    // 晋中 runs three receiving stages; the others sign for and handle directly.
    await tx.insert(hubStages).values([
      { hubId: orgId.get('jz')!, position: 1, name: '初审', role: 'editor' },
      { hubId: orgId.get('jz')!, position: 2, name: '复审', role: 'chief_editor' },
      { hubId: orgId.get('jz')!, position: 3, name: '领导审核', role: 'leader' },
    ]);
    const periodicalRows: [string, string, 'daily' | 'regular' | 'special' | 'express'][] = [
      ['sx', '晋政信息·普刊', 'regular'],
      ['sx', '晋政信息·互联网', 'regular'],
      ['sx', '每日信息', 'daily'],
      ['sxjt', '交通信息', 'regular'],
      ['ll', '吕梁政务信息', 'regular'],
      ['ll', '情况反映', 'special'],
      ['jz', '晋中政务信息', 'regular'],
    ];
    for (const key of ['fy', 'xy', 'jc', 'py', 'jx', 'ls']) {
      const short = ORGS.find((o) => o.key === key)!.short.replace(/(市|县)政府办$/, '');
      periodicalRows.push([key, `${short}政务信息`, 'regular']);
    }
    // Each periodical goes by default to its own hub and the units directly under it, with the usual
    // 报/送/发 lines of a bulletin's 版记 and a print run, as an office would have set them up.
    const distribution = (hubKey: string) => {
      const hub = ORGS.find((o) => o.key === hubKey)!;
      const children = ORGS.filter((o) => o.parent === hubKey);
      const parent = hub.parent ? ORGS.find((o) => o.key === hub.parent) : undefined;
      return {
        defaultRecipientOrgIds: [hubKey, ...children.map((o) => o.key)].map((k) => orgId.get(k)!),
        defaultLines: {
          bao: parent ? [parent.name] : ['国务院办公厅'],
          song: [
            /人民政府办公(厅|室)$/.test(hub.name)
              ? `${hub.name.replace(/人民政府办公(厅|室)$/, '')}人民政府领导同志`
              : `${hub.name}领导同志`,
          ],
          fa: children.length ? children.map((o) => o.short) : ['各有关单位'],
        },
        defaultCopies: 40 + children.length * 5,
      };
    };
    await tx.insert(periodicals).values(
      periodicalRows.map(([hub, name, kind]) => ({
        id: randomUUID(),
        hubId: orgId.get(hub)!,
        name,
        kind,
        ...distribution(hub),
      })),
    );

    const specs: UserSpec[] = [...USERS];
    let n = 0;
    for (const o of ORGS) {
      if (USERS.some(([, , org, roles]) => org === o.key && roles.includes('writer'))) continue;
      if (o.hub && o.level !== 'county') continue;
      const roles: Role[][] = o.merged
        ? [['writer'], ['reviewer', 'signer']]
        : [['writer'], ['reviewer'], ['signer']];
      const suffix = ['xxy', 'shr', 'qfr'];
      roles.forEach((r, i) => {
        const name = SURNAMES[n % SURNAMES.length]! + GIVEN[(n * 7) % GIVEN.length]!;
        n++;
        specs.push([`${o.key}_${suffix[i]}`, name, o.key, r]);
      });
      if (o.hub)
        specs.push([
          `${o.key}_bj`,
          SURNAMES[(n + 3) % SURNAMES.length]! + '编辑',
          o.key,
          ['editor', 'chief_editor'],
        ]);
    }
    let phones = 0;
    for (const [username, name, org, roles] of specs) {
      if (userIds.has(username)) continue;
      const id = randomUUID();
      userIds.set(username, id);
      await tx.insert(users).values({
        id,
        username,
        displayName: name,
        // Made-up numbers, stored encrypted like any phone (SECURITY.md §22), so 人员管理 shows masking.
        ...phoneColumns(id, `1390000${String(++phones).padStart(4, '0')}`),
        passwordHash: hash,
        passwordChangedAt: now,
      });
      await tx
        .insert(memberships)
        .values(roles.map((role) => ({ userId: id, orgId: orgId.get(org)!, role, confirmedAt: new Date() })));
    }
  });

  await loadDemoHistory(db, orgId, now);
  const as = acting(db, userIds, now.getTime() - DEMO_ITEMS.length * 3 * 3_600_000);
  await loadDemoItems(db, orgId, as);
  await loadDemoScoring(db, orgId, as, now);
  return true;
}

/** Walks a set of real-looking items through the workflow, so every list and state has something in it. */
async function loadDemoItems(db: Db, orgId: Map<string, string>, as: Acting): Promise<void> {
  const periodicalOf = async (hubKey: string) => {
    const [p] = await db
      .select({ id: periodicals.id })
      .from(periodicals)
      .where(eq(periodicals.hubId, orgId.get(hubKey)!))
      .limit(1);
    return p!.id;
  };
  const rootHop = async (itemId: string) => {
    const [h] = await db
      .select({ id: hops.id })
      .from(hops)
      .where(eq(hops.itemId, itemId))
      .orderBy(hops.submittedAt)
      .limit(1);
    return h!.id;
  };

  for (const d of DEMO_ITEMS) {
    const unit = d.unit;
    const writer = `${unit}_xxy`;
    const itemId = await as(writer, (ctx) =>
      createItem(ctx, {
        orgId: orgId.get(unit)!,
        title: d.title,
        bodyHtml: d.body.map((p) => `<p>${p}</p>`).join(''),
        category: d.category,
        urgency: d.urgency ?? 'normal',
        disclosure: d.disclosure ?? 'internal',
      }),
    );
    if (d.stop === 'draft') continue;
    await as(writer, (ctx) => submitForReview(ctx, itemId));
    if (d.stop === 'in_review') continue;
    const merged = ORGS.find((o) => o.key === unit)?.merged;
    const reviewer = merged ? `${unit}_zr` : `${unit}_shr`;
    await as(reviewer, (ctx) => approveItem(ctx, itemId, '同意报送。'));
    if (d.stop === 'awaiting_signoff') continue;
    if (!merged) await as(`${unit}_qfr`, (ctx) => signItem(ctx, itemId, '同意，报送。'));
    if (d.stop === 'submitted') continue;
    const hub = ORGS.find((o) => o.key === unit)!.parent!;
    const hubEditor = `${hub}_bj`;
    const hop = await rootHop(itemId);
    await as(hubEditor, (ctx) => receiveHop(ctx, hop));
    if (d.stop === 'received') continue;
    if (d.stop === 'returned') {
      await as(hubEditor, (ctx) => returnHop(ctx, hop, '请补充具体数据和成效，压缩开头背景部分。'));
      continue;
    }
    if (d.stop === 'adopted') {
      const periodicalId = await periodicalOf(hub);
      await as(hubEditor, (ctx) => adoptHop(ctx, { hopId: hop, periodicalId, type: 'single' }));
      continue;
    }
    if (d.stop === 'forwarded') {
      const city = ORGS.find((o) => o.key === hub)!.parent!;
      const upper = (
        await as(hubEditor, (ctx) =>
          forwardHop(ctx, hop, orgId.get(city)!, '该信息有推广价值，转报市政府办。'),
        )
      ).createdHopId!;
      await as(`${city}_bj`, (ctx) => receiveHop(ctx, upper));
      const periodicalId = await periodicalOf(city);
      await as(`${city}_bj`, (ctx) => adoptHop(ctx, { hopId: upper, periodicalId, type: 'single' }));
    }
  }
}

type Acting = <T>(username: string, fn: (ctx: UseCaseContext) => Promise<T>) => Promise<T>;

/** Runs a use case as a demo user, in its own transaction, on a clock that advances ten minutes a call. */
function acting(db: Db, userIds: Map<string, string>, startAt: number): Acting {
  let clock = startAt;
  return async (username, fn) => {
    const id = userIds.get(username);
    if (!id) throw new Error(`demo: no user ${username}`);
    const ms = await db
      .select({ orgId: memberships.orgId, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, id));
    const actor: Actor = { userId: id, username, displayName: username, memberships: ms };
    clock = Math.min(clock + 600_000, Date.now());
    return db.transaction((tx) =>
      fn({ actor, tx, now: new Date(clock), ip: '127.0.0.1', requestId: 'demo-seed' }),
    );
  };
}
