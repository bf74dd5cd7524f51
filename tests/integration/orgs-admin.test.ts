import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { testDatabase } from '../helpers/db.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { hashPassword } from '../../src/server/modules/auth/passwords.js';
import { parseCsv } from '../../src/server/modules/orgs/import.js';
import { sessions } from '../../src/server/modules/auth/schema.js';
import type { Role } from '../../src/server/modules/orgs/domain.js';
import { memberships, orgs, users } from '../../src/server/modules/orgs/schema.js';

/** A fresh database for this file: in-memory PGlite, or a new PostgreSQL database (tests/helpers/db.ts). */
const openTestDatabase = testDatabase;

const PASSWORD = 'Zx-test-Passw0rd!';
let database: Awaited<ReturnType<typeof testDatabase>>;
let app: App;

interface Session {
  cookie: string;
  csrf: string;
}

async function insertOrg(
  name: string,
  opts: { parentId?: string | null; isHub?: boolean } = {},
): Promise<string> {
  const id = randomUUID();
  await database.db.insert(orgs).values({
    id,
    name,
    shortName: name,
    kind: 'department',
    level: 'county',
    parentId: opts.parentId ?? null,
    isHub: opts.isHub ?? false,
  });
  return id;
}

const hashed = hashPassword(PASSWORD);
async function insertUser(username: string, roles: { orgId: string; role: Role }[]): Promise<string> {
  const id = randomUUID();
  await database.db.insert(users).values({ id, username, displayName: username, passwordHash: await hashed });
  if (roles.length)
    await database.db
      .insert(memberships)
      .values(roles.map((r) => ({ userId: id, ...r, confirmedAt: new Date() })));
  return id;
}

async function login(username: string, password = PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'zx_session');
  const me = res.json<{ csrfToken: string }>();
  return { cookie: `zx_session=${cookie!.value}`, csrf: me.csrfToken };
}

/** The row versions a client would have read (SECURITY.md §30: every edit sends the version it read). */
async function orgVersion(id: string): Promise<number> {
  const [o] = await database.db.select().from(orgs).where(eq(orgs.id, id));
  return o!.rowVersion;
}
async function stagesVersion(id: string): Promise<number> {
  const [o] = await database.db.select().from(orgs).where(eq(orgs.id, id));
  return o!.stagesRowVersion;
}
async function userVersion(id: string): Promise<number> {
  const [u] = await database.db.select().from(users).where(eq(users.id, id));
  return u!.rowVersion;
}

async function call(s: Session, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) {
  const res = await app.inject({
    method,
    url,
    headers: { cookie: s.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': s.csrf }) },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return {
    status: res.statusCode,
    body: res.json<Record<string, unknown> & { details?: Record<string, unknown> }>(),
    raw: res,
  };
}

async function auditCount(event: string): Promise<number> {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(eq(auditLog.event, event));
  return row?.n ?? 0;
}

let rootId: string;
let hubId: string;
let unitId: string;
let admin: Session;
let orgAdmin: Session;
let writer: Session;
let secAdmin: Session;

beforeAll(async () => {
  database = await openTestDatabase();
  app = await buildApp({
    database,
    config: { ...loadConfig({}), mode: 'demo', loginPerMinute: 10_000 },
    logger: false,
  });
  rootId = await insertOrg('测试市人民政府办公室', { isHub: true });
  hubId = await insertOrg('测试县人民政府办公室', { parentId: rootId, isHub: true });
  unitId = await insertOrg('测试县教育局', { parentId: hubId });
  await insertUser('root-admin', [{ orgId: rootId, role: 'sys_admin' }]);
  await insertUser('root-sec', [{ orgId: rootId, role: 'sec_admin' }]);
  await insertUser('edu-admin', [{ orgId: unitId, role: 'org_admin' }]);
  await insertUser('edu-writer', [{ orgId: unitId, role: 'writer' }]);
  admin = await login('root-admin');
  secAdmin = await login('root-sec');
  orgAdmin = await login('edu-admin');
  writer = await login('edu-writer');
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe('units', () => {
  it('lets any logged-in user read the tree, with direct-report hubs', async () => {
    const res = await call(writer, 'GET', '/api/orgs');
    expect(res.status).toBe(200);
    const list = res.body as unknown as {
      id: string;
      parentId: string | null;
      isHub: boolean;
      directReportHubIds: string[];
    }[];
    expect(list.find((o) => o.id === unitId)).toMatchObject({
      parentId: hubId,
      isHub: false,
      directReportHubIds: [],
    });
  });

  it('creates a unit and writes one audit row', async () => {
    const before = await auditCount('org.create');
    const res = await call(admin, 'POST', '/api/orgs', {
      name: '测试县财政局',
      kind: 'department',
      level: 'county',
      parentId: hubId,
      divisionCode: '110101',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      name: '测试县财政局',
      shortName: '测试县财政局',
      parentId: hubId,
      isHub: false,
    });
    expect(await auditCount('org.create')).toBe(before + 1);
  });

  it('refuses non-administrators with 403 and changes nothing', async () => {
    for (const s of [writer, orgAdmin, secAdmin]) {
      const res = await call(s, 'POST', '/api/orgs', {
        name: '越权单位',
        kind: 'department',
        level: 'county',
        parentId: hubId,
      });
      expect(res.status).toBe(403);
    }
    expect(await database.db.select().from(orgs).where(eq(orgs.name, '越权单位'))).toHaveLength(0);
    expect(
      (await call(orgAdmin, 'PATCH', `/api/orgs/${unitId}`, { rowVersion: 1, name: '改名' })).status,
    ).toBe(403);
  });

  it('refuses a duplicate name under the same parent with 409 in Chinese', async () => {
    const res = await call(admin, 'POST', '/api/orgs', {
      name: '测试县教育局',
      kind: 'department',
      level: 'county',
      parentId: hubId,
    });
    expect(res.status).toBe(409);
    expect(String(res.body.message)).toContain('测试县教育局');
    // The same name under another parent is fine.
    const other = await call(admin, 'POST', '/api/orgs', {
      name: '测试县教育局',
      kind: 'department',
      level: 'county',
      parentId: rootId,
    });
    expect(other.status).toBe(201);
  });

  it('answers 400 naming the field for bad input and for unknown fields', async () => {
    const bad = await call(admin, 'POST', '/api/orgs', { name: '坏单位', kind: 'ministry', level: 'county' });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.field).toBe('kind');
    const unknown = await call(admin, 'POST', '/api/orgs', {
      name: '坏单位',
      kind: 'department',
      level: 'county',
      secret: 1,
    });
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.details?.field)).toContain('secret');
    const code = await call(admin, 'POST', '/api/orgs', {
      name: '坏单位',
      kind: 'department',
      level: 'county',
      divisionCode: '12ab',
    });
    expect(code.status).toBe(400);
    expect(code.body.details?.field).toBe('divisionCode');
    const parent = await call(admin, 'POST', '/api/orgs', {
      name: '坏单位',
      kind: 'department',
      level: 'county',
      parentId: randomUUID(),
    });
    expect(parent.status).toBe(400);
    expect(parent.body.details?.field).toBe('parentId');
  });

  it('refuses to move a unit under itself or its descendants', async () => {
    const self = await call(admin, 'PATCH', `/api/orgs/${hubId}`, {
      rowVersion: await orgVersion(hubId),
      parentId: hubId,
    });
    expect(self.status).toBe(409);
    const below = await call(admin, 'PATCH', `/api/orgs/${rootId}`, {
      rowVersion: await orgVersion(rootId),
      parentId: unitId,
    });
    expect(below.status).toBe(409);
    const [root] = await database.db.select().from(orgs).where(eq(orgs.id, rootId));
    expect(root?.parentId).toBeNull();
  });

  it('updates a unit and 404s an unknown one', async () => {
    const res = await call(admin, 'PATCH', `/api/orgs/${unitId}`, {
      rowVersion: await orgVersion(unitId),
      reviewMode: 'merged',
      sortOrder: 3,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reviewMode: 'merged', sortOrder: 3 });
    expect(
      (await call(admin, 'PATCH', `/api/orgs/${randomUUID()}`, { rowVersion: 1, sortOrder: 1 })).status,
    ).toBe(404);
  });

  it('configures hub stages, only for hubs', async () => {
    const stages = [
      { name: '初审', role: 'editor' },
      { name: '复审', role: 'chief_editor' },
      { name: '领导审核', role: 'leader' },
    ];
    const rowVersion = await stagesVersion(hubId);
    const res = await call(admin, 'PUT', `/api/orgs/${hubId}/stages`, { rowVersion, stages });
    expect(res.status).toBe(200);
    expect(res.raw.json()).toEqual({
      rowVersion: rowVersion + 1,
      stages: stages.map((s, i) => ({ ...s, position: i + 1 })),
    });
    expect((await call(admin, 'PUT', `/api/orgs/${unitId}/stages`, { rowVersion: 1, stages })).status).toBe(
      409,
    );
    expect(
      (
        await call(admin, 'PUT', `/api/orgs/${hubId}/stages`, {
          rowVersion: rowVersion + 1,
          stages: [{ name: '初审', role: 'writer' }],
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(writer, 'PUT', `/api/orgs/${hubId}/stages`, { rowVersion: 1, stages: [] })).status,
    ).toBe(403);
  });

  it('sets direct-report hubs to hubs above the unit only', async () => {
    const ok = await call(admin, 'PUT', `/api/orgs/${unitId}/direct-report-hubs`, {
      rowVersion: await orgVersion(unitId),
      hubIds: [rootId],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.directReportHubIds).toEqual([rootId]);
    const sideways = await call(admin, 'PUT', `/api/orgs/${hubId}/direct-report-hubs`, {
      rowVersion: await orgVersion(hubId),
      hubIds: [unitId],
    });
    expect(sideways.status).toBe(400);
    expect(sideways.body.details?.field).toBe('hubIds');
    expect(
      (await call(orgAdmin, 'PUT', `/api/orgs/${unitId}/direct-report-hubs`, { rowVersion: 1, hubIds: [] }))
        .status,
    ).toBe(403);
  });
});

describe('people', () => {
  const newUser = (username: string, extra: Record<string, unknown> = {}) => ({
    username,
    displayName: '张三',
    memberships: [{ orgId: unitId, role: 'writer' }],
    ...extra,
  });

  it('lets a unit administrator create an account that must change its password', async () => {
    const before = await auditCount('user.create');
    const res = await call(orgAdmin, 'POST', '/api/users', newUser('zhangsan'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      username: 'zhangsan',
      mustChangePassword: true,
      disabled: false,
      memberships: [{ orgId: unitId, role: 'writer' }],
    });
    expect(res.body).not.toHaveProperty('passwordHash');
    expect(await auditCount('user.create')).toBe(before + 1);
    const temp = String(res.body.temporaryPassword);
    expect(temp.length).toBeGreaterThanOrEqual(12);
    const first = await login('zhangsan', temp);
    expect((await call(first, 'GET', '/api/auth/me')).body.mustChangePassword).toBe(true);
    expect((await call(first, 'GET', '/api/orgs')).status).toBe(403);
  });

  it('refuses a username that differs only in case with 409', async () => {
    const res = await call(orgAdmin, 'POST', '/api/users', newUser('ZhangSan'));
    expect(res.status).toBe(409);
    expect(res.body.details?.field).toBe('username');
  });

  it('refuses an initial password chosen by the administrator, naming the field', async () => {
    const res = await call(orgAdmin, 'POST', '/api/users', newUser('lisi', { password: 'Chosen-Pass-2024' }));
    expect(res.status).toBe(400);
    expect(String(res.body.details?.field)).toContain('password');
    const unknown = await call(orgAdmin, 'POST', '/api/users', newUser('lisi', { isAdmin: true }));
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.details?.field)).toContain('isAdmin');
  });

  it('keeps a unit administrator inside their unit and away from administrator roles', async () => {
    const otherUnit = await call(
      orgAdmin,
      'POST',
      '/api/users',
      newUser('wangwu', { memberships: [{ orgId: hubId, role: 'editor' }] }),
    );
    expect(otherUnit.status).toBe(403);
    const adminRole = await call(
      orgAdmin,
      'POST',
      '/api/users',
      newUser('wangwu', { memberships: [{ orgId: unitId, role: 'sys_admin' }] }),
    );
    expect(adminRole.status).toBe(403);
    expect((await call(writer, 'POST', '/api/users', newUser('wangwu'))).status).toBe(403);
    expect(await database.db.select().from(users).where(eq(users.username, 'wangwu'))).toHaveLength(0);
  });

  it('refuses 三员分立 violations in the API (400) and in the database', async () => {
    const res = await call(
      admin,
      'POST',
      '/api/users',
      newUser('mixed', {
        memberships: [
          { orgId: rootId, role: 'sys_admin' },
          { orgId: unitId, role: 'writer' },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details?.field).toBe('memberships');
    const two = await call(
      admin,
      'POST',
      '/api/users',
      newUser('mixed', {
        memberships: [
          { orgId: rootId, role: 'sec_admin' },
          { orgId: rootId, role: 'audit_admin' },
        ],
      }),
    );
    expect(two.status).toBe(400);

    const created = await call(
      admin,
      'POST',
      '/api/users',
      newUser('auditor', { memberships: [{ orgId: rootId, role: 'audit_admin' }] }),
    );
    expect(created.status).toBe(201);
    const patch = await call(admin, 'PATCH', `/api/users/${String(created.body.id)}`, {
      rowVersion: 1,
      memberships: [
        { orgId: rootId, role: 'audit_admin' },
        { orgId: unitId, role: 'reviewer' },
      ],
    });
    expect(patch.status).toBe(400);
    await expect(
      database.db
        .insert(memberships)
        .values({ userId: String(created.body.id), orgId: unitId, role: 'reviewer' }),
    ).rejects.toThrow();
  });

  it('lists a unit’s people for its administrator, the system and the security administrator only', async () => {
    for (const s of [orgAdmin, admin, secAdmin]) {
      const res = await call(s, 'GET', `/api/users?orgId=${unitId}`);
      expect(res.status).toBe(200);
      const names = (res.raw.json() as { username: string }[]).map((u) => u.username);
      expect(names).toContain('edu-writer');
    }
    expect((await call(writer, 'GET', `/api/users?orgId=${unitId}`)).status).toBe(403);
    expect((await call(orgAdmin, 'GET', `/api/users?orgId=${hubId}`)).status).toBe(403);
    expect((await call(admin, 'GET', '/api/users?orgId=nope')).status).toBe(400);
  });

  it('edits roles and profile, and disabling a user ends all their sessions', async () => {
    const id = await insertUser('to-disable', [{ orgId: unitId, role: 'writer' }]);
    const victim = await login('to-disable');
    await login('to-disable');
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, id))).toHaveLength(2);

    const edit = await call(orgAdmin, 'PATCH', `/api/users/${id}`, {
      rowVersion: await userVersion(id),
      displayName: '李四',
      memberships: [
        { orgId: unitId, role: 'writer' },
        { orgId: unitId, role: 'reviewer' },
      ],
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body).toMatchObject({ displayName: '李四' });
    expect((edit.body.memberships as unknown[]).length).toBe(2);

    const before = await auditCount('user.update');
    const res = await call(orgAdmin, 'PATCH', `/api/users/${id}`, {
      rowVersion: await userVersion(id),
      disabled: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);
    expect(await auditCount('user.update')).toBe(before + 1);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, id))).toHaveLength(0);
    expect((await call(victim, 'GET', '/api/auth/me')).status).toBe(401);
    const relogin = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'to-disable', password: PASSWORD },
    });
    expect(relogin.statusCode).toBe(401);
  });

  it('refuses disabling oneself, and hides accounts outside the unit administrator’s reach', async () => {
    const [me] = await database.db.select().from(users).where(eq(users.username, 'edu-admin'));
    expect(
      (await call(orgAdmin, 'PATCH', `/api/users/${me!.id}`, { rowVersion: me!.rowVersion, disabled: true }))
        .status,
    ).toBe(403);
    const [root] = await database.db.select().from(users).where(eq(users.username, 'root-admin'));
    expect(
      (
        await call(orgAdmin, 'PATCH', `/api/users/${root!.id}`, {
          rowVersion: root!.rowVersion,
          disabled: true,
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(admin, 'PATCH', `/api/users/${randomUUID()}`, { rowVersion: 1, disabled: true })).status,
    ).toBe(404);
  });

  it('resets a password: one-time, forced change, sessions ended; admin accounts only by the security administrator', async () => {
    const id = await insertUser('forgetful', [{ orgId: unitId, role: 'writer' }]);
    await login('forgetful');
    const res = await call(orgAdmin, 'POST', `/api/users/${id}/reset-password`, {});
    expect(res.status).toBe(200);
    const temp = String(res.body.temporaryPassword);
    expect(temp.length).toBeGreaterThanOrEqual(12);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, id))).toHaveLength(0);
    const s = await login('forgetful', temp);
    const me = (await call(s, 'GET', '/api/auth/me')).body;
    expect(me.mustChangePassword).toBe(true);
    // The user is told.
    expect(me.accountNotices).toEqual([
      expect.objectContaining({ event: 'user.reset_password', label: '重置密码' }),
    ]);
    const chosen = await call(orgAdmin, 'POST', `/api/users/${id}/reset-password`, {
      newPassword: 'Chosen-Pass-2024',
    });
    expect(chosen.status).toBe(400);
    expect(String(chosen.body.details?.field)).toContain('newPassword');

    const [root] = await database.db.select().from(users).where(eq(users.username, 'root-admin'));
    const [sec] = await database.db.select().from(users).where(eq(users.username, 'root-sec'));
    expect((await call(admin, 'POST', `/api/users/${sec!.id}/reset-password`, {})).status).toBe(403);
    expect((await call(admin, 'POST', `/api/users/${root!.id}/reset-password`, {})).status).toBe(403);
    // 三员分立: neither the security nor the system administrator takes over a business account.
    const [row] = await database.db.select().from(users).where(eq(users.id, id));
    expect((await call(secAdmin, 'POST', `/api/users/${id}/reset-password`, {})).status).toBe(403);
    expect((await call(admin, 'POST', `/api/users/${id}/reset-password`, {})).status).toBe(403);
    const [after] = await database.db.select().from(users).where(eq(users.id, id));
    expect(after!.passwordHash).toBe(row!.passwordHash);
    const spare = await insertUser('spare-auditor', [{ orgId: rootId, role: 'audit_admin' }]);
    const bySec = await call(secAdmin, 'POST', `/api/users/${spare}/reset-password`, {});
    expect(bySec.status).toBe(200);
    expect(String(bySec.body.temporaryPassword).length).toBeGreaterThanOrEqual(12);
  });
});

describe('periodicals', () => {
  it('lets the hub’s chief editor create one and its members list them', async () => {
    await insertUser('hub-chief', [{ orgId: hubId, role: 'chief_editor' }]);
    const chief = await login('hub-chief');
    const res = await call(chief, 'POST', '/api/periodicals', {
      hubId,
      name: '测试政务信息',
      kind: 'regular',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(
      (await call(chief, 'POST', '/api/periodicals', { hubId, name: '测试政务信息', kind: 'daily' })).status,
    ).toBe(409);
    expect(
      (
        await call(admin, 'POST', '/api/periodicals', {
          hubId: unitId,
          name: '非汇总单位刊物',
          kind: 'daily',
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(writer, 'POST', '/api/periodicals', { hubId, name: '越权刊物', kind: 'daily' })).status,
    ).toBe(403);
    const list = await call(chief, 'GET', `/api/periodicals?hubId=${hubId}`);
    expect(list.status).toBe(200);
    expect((list.raw.json() as { name: string }[]).map((p) => p.name)).toEqual(['测试政务信息']);
    expect((await call(writer, 'GET', `/api/periodicals?hubId=${hubId}`)).status).toBe(403);
  });
});

describe('parseCsv (RFC 4180)', () => {
  it.each([
    [
      'a,b\r\nc,d\r\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'a,b\nc,d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['\uFEFF名称,类型\n', [['名称', '类型']]],
    ['"a,b","say ""hi""",c\n', [['a,b', 'say "hi"', 'c']]],
    ['"line\nbreak",x\r\n', [['line\nbreak', 'x']]],
    [
      'a,,\n,b\n',
      [
        ['a', '', ''],
        ['', 'b'],
      ],
    ],
    ['a\n\nb\n', [['a'], [''], ['b']]],
    ['"",x', [['', 'x']]],
  ])('parses %j', (text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });

  it('refuses an unclosed quote', () => {
    expect(() => parseCsv('"abc,def\n')).toThrow('引号未闭合');
  });
});

describe('org tree import', () => {
  const HEADER = '\uFEFF单位名称,简称,类型,行政级别,行政区划代码,上级单位,是否信息汇总单位,直报单位';
  const CSV = [
    HEADER,
    '导入市人民政府办公室,导入市政府办,政府办公厅/办公室,市级,330100,,是,',
    '导入县人民政府办公室,导入县政府办,办公室,县级,330101,导入市人民政府办公室,是,',
    '"导入县发展和改革局（物价局）",发改局,部门,县级,,导入县人民政府办公室,否,导入市人民政府办公室',
    '"导入县""城关""街道办事处, 一站式",城关街道,乡镇/街道,乡级,330101001,导入县人民政府办公室,否,',
    '',
  ].join('\r\n');

  it('checks without writing on a dry run', async () => {
    const res = await call(admin, 'POST', '/api/orgs/import', { csv: CSV, dryRun: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, created: 4, updated: 0 });
    expect(await database.db.select().from(orgs).where(eq(orgs.name, '导入市人民政府办公室'))).toHaveLength(
      0,
    );
  });

  it('imports a tree with quoted fields, BOM and direct-report hubs, in one audit row', async () => {
    const before = await auditCount('org.import');
    const res = await call(admin, 'POST', '/api/orgs/import', { csv: CSV });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, created: 4, updated: 0, unchanged: 0 });
    expect(await auditCount('org.import')).toBe(before + 1);
    const tree = (await call(writer, 'GET', '/api/orgs')).raw.json() as {
      id: string;
      name: string;
      parentId: string | null;
      isHub: boolean;
      level: string;
      kind: string;
      directReportHubIds: string[];
    }[];
    const byName = (n: string) => tree.find((o) => o.name === n)!;
    const city = byName('导入市人民政府办公室');
    const county = byName('导入县人民政府办公室');
    expect(city).toMatchObject({ parentId: null, isHub: true, level: 'city', kind: 'general_office' });
    expect(county).toMatchObject({ parentId: city.id, isHub: true, level: 'county' });
    expect(byName('导入县发展和改革局（物价局）')).toMatchObject({
      parentId: county.id,
      directReportHubIds: [city.id],
    });
    expect(byName('导入县"城关"街道办事处, 一站式')).toMatchObject({
      kind: 'township',
      level: 'township',
      parentId: county.id,
    });
  });

  it('is idempotent: re-importing updates in place and never duplicates', async () => {
    const count = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(orgs))[0]!.n;
    const before = await count();
    const same = await call(admin, 'POST', '/api/orgs/import', { csv: CSV });
    expect(same.body).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    const changed = await call(admin, 'POST', '/api/orgs/import', { csv: CSV.replace('发改局', '县发改局') });
    expect(changed.body).toMatchObject({ created: 0, updated: 1, unchanged: 3 });
    expect(await count()).toBe(before);
  });

  it('reports every error by row and column in Chinese and writes nothing', async () => {
    const bad = [
      '单位名称,类型,行政级别,上级单位,是否信息汇总单位,直报单位',
      '错误单位甲,部委,县级,,否,',
      ',部门,县级,,,',
      '错误单位乙,部门,区级,不存在的单位,也许,',
      '错误单位丙,部门,县级,导入县人民政府办公室,否,导入县发展和改革局（物价局）',
      '错误单位丁,部门,县级,,否,',
      '错误单位丁,部门,县级,,否,',
    ].join('\n');
    const res = await call(admin, 'POST', '/api/orgs/import', { csv: bad });
    expect(res.status).toBe(400);
    const rows = res.body.details?.rows as { row: number; column: string | null; message: string }[];
    const at = (row: number, column: string) => rows.find((r) => r.row === row && r.column === column);
    expect(at(2, '类型')?.message).toContain('部委');
    expect(at(3, '单位名称')?.message).toContain('不能为空');
    expect(at(4, '行政级别')?.message).toContain('区级');
    expect(at(4, '是否信息汇总单位')).toBeDefined();
    expect(at(5, '直报单位')?.message).toContain('不是信息汇总单位');
    expect(at(7, '单位名称')?.message).toContain('第6行');
    expect(await database.db.select().from(orgs).where(eq(orgs.name, '错误单位丁'))).toHaveLength(0);

    const parent = await call(admin, 'POST', '/api/orgs/import', {
      csv: '单位名称,类型,行政级别,上级单位\n孤儿单位,部门,县级,不存在的单位\n',
    });
    expect((parent.body.details?.rows as { column: string }[])[0]).toMatchObject({
      row: 2,
      column: '上级单位',
    });
    const header = await call(admin, 'POST', '/api/orgs/import', { csv: '单位名,类型\n甲,部门\n' });
    expect(header.status).toBe(400);
    expect(
      (header.body.details?.rows as { row: number; message: string }[]).map((r) => r.message).join(),
    ).toContain('单位名称');
    expect((await call(orgAdmin, 'POST', '/api/orgs/import', { csv: CSV })).status).toBe(403);
  });
});
