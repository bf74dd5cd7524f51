import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTransaction, readContext } from '../../app.js';
import { notFound } from '../../http/errors.js';
import {
  CreateOrgBody,
  CreateUserBody,
  CreatedUser,
  HubStageList,
  ImportResultSchema,
  OrgList,
  OrgSchema,
  PasswordDeliverySchema,
  UserList,
  UserSchema,
  DirectReportHubsBody,
  GrantableRolesQuery,
  IdParams,
  ImportOrgsBody,
  ResetPasswordBody,
  RevealedPhone,
  StagesBody,
  UpdateOrgBody,
  UpdateUserBody,
  UserListQuery,
} from './schemas.js';
import { createOrg } from './use-cases/create-org.js';
import { createUser } from './use-cases/create-user.js';
import { getHubStages, replaceHubStages } from './use-cases/hub-stages.js';
import { importOrgs } from './use-cases/import-orgs.js';
import { listOrgs } from './use-cases/list-orgs.js';
import { listUsers } from './use-cases/list-users.js';
import { resetPassword } from './use-cases/reset-password.js';
import { revealPhone } from './use-cases/reveal-phone.js';
import { setDirectReportHubs } from './use-cases/set-direct-report-hubs.js';
import { updateOrg } from './use-cases/update-org.js';
import { updateUser } from './use-cases/update-user.js';
import { endUserSessions, unlockAccount } from './use-cases/unlock-account.js';
import { grantableRoles, loadVisibleUser, presentUsers } from './use-cases/user-access.js';
import { ROLES } from './domain.js';
import type { DeliverySettings } from '../delivery/one-time-password.js';

const user = { access: 'user' } as const;

/** How one-time passwords can be delivered on this server (a mail channel or not; demo or production). */
function deliverySettings(req: FastifyRequest): DeliverySettings {
  return {
    mail: req.server.mailSender !== null,
    mode: req.server.config.mode,
    domains: req.server.config.mail?.domains ?? [],
  };
}
const orgTags = ['单位'];
const userTags = ['人员'];

/** Units, people, hub settings and the org-tree import. */
export async function orgRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  async function presentOrg(req: Parameters<typeof readContext>[0], id: string) {
    const [org] = await listOrgs(req.server.database.db, id);
    if (!org) throw notFound('单位');
    return org;
  }
  async function presentUser(req: Parameters<typeof readContext>[0], id: string) {
    const ctx = readContext(req);
    await loadVisibleUser(ctx.tx, ctx.actor, id);
    const [u] = await presentUsers(ctx.tx, ctx.actor, [id], ctx.now);
    if (!u) throw notFound('用户');
    return u;
  }

  app.get(
    '/api/orgs',
    {
      config: user,
      schema: {
        tags: orgTags,
        summary: '单位树（平铺列表，含上级、是否汇总单位、直报单位）',
        response: { 200: OrgList },
      },
    },
    async (req) => listOrgs(req.server.database.db),
  );

  app.post(
    '/api/orgs',
    {
      config: user,
      schema: {
        tags: orgTags,
        summary: '新增单位（系统管理员）',
        body: CreateOrgBody,
        response: { 201: OrgSchema },
      },
    },
    async (req, reply) => {
      const id = await inTransaction(req, (ctx) => createOrg(ctx, req.body));
      return reply.code(201).send(await presentOrg(req, id));
    },
  );

  app.post(
    '/api/orgs/import',
    {
      config: user,
      schema: {
        tags: orgTags,
        summary: '批量导入单位树（CSV，可先试导入）',
        body: ImportOrgsBody,
        response: { 200: ImportResultSchema },
      },
    },
    async (req) => inTransaction(req, (ctx) => importOrgs(ctx, req.body)),
  );

  app.patch(
    '/api/orgs/:id',
    {
      config: user,
      schema: {
        tags: orgTags,
        summary: '修改单位（系统管理员）',
        params: IdParams,
        body: UpdateOrgBody,
        response: { 200: OrgSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => updateOrg(ctx, req.params.id, req.body));
      return presentOrg(req, req.params.id);
    },
  );

  app.get(
    '/api/orgs/:id/stages',
    {
      config: user,
      schema: {
        tags: orgTags,
        summary: '汇总单位的接收环节',
        params: IdParams,
        response: { 200: HubStageList },
      },
    },
    async (req) => getHubStages(readContext(req), req.params.id),
  );

  app.put(
    '/api/orgs/:id/stages',
    {
      config: user,
      schema: {
        tags: orgTags,
        summary: '设置汇总单位的接收环节（初审、复审、领导审核）',
        params: IdParams,
        body: StagesBody,
        response: { 200: HubStageList },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) =>
        replaceHubStages(ctx, req.params.id, req.body.stages, req.body.rowVersion),
      );
      return getHubStages(readContext(req), req.params.id);
    },
  );

  app.put(
    '/api/orgs/:id/direct-report-hubs',
    {
      config: user,
      schema: {
        tags: orgTags,
        summary: '设置本单位为哪些上级汇总单位的直报点（系统管理员）',
        params: IdParams,
        body: DirectReportHubsBody,
        response: { 200: OrgSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) =>
        setDirectReportHubs(ctx, req.params.id, req.body.hubIds, req.body.rowVersion),
      );
      return presentOrg(req, req.params.id);
    },
  );

  app.get(
    '/api/users',
    {
      config: user,
      schema: {
        tags: userTags,
        summary: '单位人员列表',
        querystring: UserListQuery,
        response: { 200: UserList },
      },
    },
    async (req) => listUsers(readContext(req), req.query.orgId),
  );

  app.post(
    '/api/users',
    {
      config: user,
      schema: {
        tags: userTags,
        summary:
          '新建账号（系统生成一次性密码，首次登录须修改；三员开设的账号发送至本人邮箱，单位管理员开设的仅显示一次）',
        body: CreateUserBody,
        response: { 201: CreatedUser },
      },
    },
    async (req, reply) => {
      const created = await inTransaction(req, (ctx) => createUser(ctx, req.body, deliverySettings(req)));
      req.server.mailSender?.kick();
      return reply.code(201).send({ ...(await presentUser(req, created.id)), ...created.delivery });
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: user,
      schema: {
        tags: userTags,
        summary: '修改账号：姓名、电话、邮箱、角色、停用',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => updateUser(ctx, req.params.id, req.body));
      return presentUser(req, req.params.id);
    },
  );

  app.post(
    '/api/users/:id/reset-password',
    {
      config: user,
      schema: {
        tags: userTags,
        summary: '重置密码（系统生成一次性密码，下次登录须修改；三员重置的发送至本人邮箱）',
        params: IdParams,
        body: ResetPasswordBody,
        response: { 200: PasswordDeliverySchema },
      },
    },
    async (req) => {
      const delivery = await inTransaction(req, (ctx) =>
        resetPassword(ctx, req.params.id, deliverySettings(req)),
      );
      req.server.mailSender?.kick();
      return delivery;
    },
  );

  app.post(
    '/api/users/:id/phone/reveal',
    {
      config: user,
      schema: {
        tags: userTags,
        summary: '查看完整电话号码（本人或所在单位的单位管理员；记入审计，按小时限次）',
        params: IdParams,
        body: z.strictObject({}).optional(),
        response: { 200: RevealedPhone },
      },
    },
    async (req) =>
      inTransaction(req, (ctx) => revealPhone(ctx, req.params.id, req.server.config.revealPerHour)),
  );

  app.post(
    '/api/users/:id/unlock',
    {
      config: user,
      schema: {
        tags: userTags,
        summary: '解锁账号（安全管理员）',
        params: IdParams,
        body: z.strictObject({}).optional(),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => unlockAccount(ctx, req.params.id));
      return { ok: true as const };
    },
  );

  app.post(
    '/api/users/:id/end-sessions',
    {
      config: user,
      schema: {
        tags: userTags,
        summary: '强制下线：结束该用户的全部会话（安全管理员）',
        params: IdParams,
        body: z.strictObject({}).optional(),
        response: { 200: z.object({ ended: z.number() }) },
      },
    },
    async (req) => ({ ended: await inTransaction(req, (ctx) => endUserSessions(ctx, req.params.id)) }),
  );

  app.get(
    '/api/users/grantable-roles',
    {
      config: user,
      schema: {
        tags: userTags,
        summary: '当前用户在该单位可授予的角色',
        querystring: GrantableRolesQuery,
        response: { 200: z.object({ roles: z.array(z.enum(ROLES)) }) },
      },
    },
    async (req) => ({ roles: grantableRoles(readContext(req).actor, req.query.orgId) }),
  );
}
