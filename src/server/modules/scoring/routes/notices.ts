import { attachmentDisposition } from '../../../http/download.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTransaction, readContext } from '../../../app.js';
import { noticeDocx } from '../docx.js';
import {
  HubNoticeList,
  HubParams,
  IdParams,
  NoticeBody,
  NoticeSchema,
  NoticeSummary,
  periodSpecOf,
  ReceivedNoticeList,
} from '../schemas.js';
import { fileResponse } from '../../../http/responses.js';
import { heavyGate } from '../../../http/gate.js';
import type { NoticeSnapshot } from '../use-cases/notices.js';
import {
  createNotice,
  hubNotices,
  issueNotice,
  myNotices,
  noticeForExport,
  readNotice,
  recordNoticeRead,
} from '../use-cases/notices.js';
import { noticeXlsx } from '../xlsx.js';

const tags = ['通报'];
const user = { access: 'user' } as const;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
import { XLSX_CONTENT_TYPE as XLSX } from '../../../xlsx/table-sheet.js';

const disposition = (name: string, ext: string) => attachmentDisposition(`${name}.${ext}`, `notice.${ext}`);

/** 通报: frozen snapshots of a period's statistics, issued to the evaluated units. */
export async function noticeRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  // Compiling a notice is the heaviest request there is: a few at a time, the rest in arrival order.
  const compiling = heavyGate('正在编制的通报较多，请稍后重试');

  app.get(
    '/api/hubs/:id/notices',
    {
      config: user,
      schema: { tags, summary: '本单位编制的通报', params: HubParams, response: { 200: HubNoticeList } },
    },
    async (req) => ({ rows: await hubNotices(readContext(req), req.params.id) }),
  );

  app.post(
    '/api/hubs/:id/notices',
    {
      config: user,
      schema: {
        tags,
        summary: '编制通报（生成统计快照，草稿）',
        params: HubParams,
        body: NoticeBody,
        response: { 201: NoticeSummary },
      },
    },
    async (req, reply) => {
      const { title, remarks, ...period } = req.body;
      const notice = await compiling.run(() =>
        inTransaction(req, (ctx) =>
          createNotice(ctx, req.params.id, { title, remarks: remarks ?? null, period: periodSpecOf(period) }),
        ),
      );
      // The frozen table can be large (a province's month lists thousands of titles): it is read with GET.
      return reply.code(201).header('location', `/api/notices/${notice.id}`).send(notice);
    },
  );

  app.post(
    '/api/notices/:id/issue',
    {
      config: user,
      schema: {
        tags,
        summary: '印发通报（主编），发送至各考核单位',
        params: IdParams,
        response: { 200: NoticeSchema },
      },
    },
    async (req) => {
      await inTransaction(req, (ctx) => issueNotice(ctx, req.params.id));
      return readNotice(readContext(req), req.params.id);
    },
  );

  app.get(
    '/api/notices',
    { config: user, schema: { tags, summary: '本单位收到的通报', response: { 200: ReceivedNoticeList } } },
    async (req) => ({
      rows: await myNotices(readContext(req)),
    }),
  );

  app.get(
    '/api/notices/:id',
    {
      config: user,
      schema: {
        tags,
        summary: '通报详情（阅读不改变状态，回执另行登记）',
        params: IdParams,
        response: { 200: NoticeSchema },
      },
    },
    async (req) => readNotice(readContext(req), req.params.id),
  );

  // GET never changes state (SECURITY.md §26): the notice page records its receipt with this POST.
  app.post(
    '/api/notices/:id/read',
    {
      config: user,
      schema: {
        tags,
        summary: '登记通报阅读回执（打开通报时调用，重复调用不重复登记）',
        params: IdParams,
        response: { 200: NoticeSchema },
      },
    },
    async (req) => inTransaction(req, (ctx) => recordNoticeRead(ctx, req.params.id)),
  );

  app.get(
    '/api/notices/:id/docx',
    {
      config: user,
      schema: {
        tags,
        summary: '导出通报（Word）',
        params: IdParams,
        response: { 200: fileResponse([DOCX], '通报 Word 文档') },
      },
    },
    async (req, reply) => {
      const n = await noticeForExport(readContext(req), req.params.id);
      const buf = await noticeDocx({ ...n, snapshot: n.snapshot as unknown as NoticeSnapshot });
      return reply
        .header('content-type', DOCX)
        .header('content-disposition', disposition(n.title, 'docx'))
        .send(buf);
    },
  );

  app.get(
    '/api/notices/:id/xlsx',
    {
      config: user,
      schema: {
        tags,
        summary: '导出通报（Excel）',
        params: IdParams,
        response: { 200: fileResponse([XLSX], '通报 Excel 表格') },
      },
    },
    async (req, reply) => {
      const n = await noticeForExport(readContext(req), req.params.id);
      const buf = await noticeXlsx({ ...n, snapshot: n.snapshot as unknown as NoticeSnapshot });
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', disposition(n.title, 'xlsx'))
        .send(buf);
    },
  );
}
