import { desc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readContext } from '../../app.js';
import { getCrypto } from '../../crypto/current.js';
import { queryRows } from '../../db/client.js';
import { attachmentDisposition } from '../../http/download.js';
import { fileResponse } from '../../http/responses.js';
import { authorize } from '../../policy/authorize.js';
import { newWorkbook, workbookBuffer } from '../../xlsx/table-sheet.js';
import { auditEventLabel, auditObjectLabel, AUDIT_RESULT_LABELS } from './events.js';
import { auditAction, sealAll, verifyAuditChain } from './audit.js';
import { AuditFilters, AuditListQuery, AuditRow, listAudit, startOfTodayShanghai } from './queries.js';
import { auditLog } from './schema.js';

const user = { access: 'user' } as const;
const tags = ['审计'];
const EXPORT_LIMIT = 50_000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const Verification = z.object({
  ok: z.boolean(),
  checked: z.number(),
  brokenAt: z.number().nullable(),
  /** What is broken, in words (a changed row, a missing row, removed newest rows); null when intact. */
  problem: z.string().nullable(),
  at: z.string(),
});

/** The audit administrator's log viewer: list with filters, overview, chain verification, Excel export. */
export async function auditRoutes(appBase: FastifyInstance): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/audit',
    {
      config: user,
      schema: {
        tags,
        summary: '审计日志（审计管理员；按操作人、操作、对象、时间、结果筛选，按编号倒序分页）',
        querystring: AuditListQuery,
        response: { 200: z.object({ rows: z.array(AuditRow), nextBefore: z.number().nullable() }) },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      authorize(ctx.actor, 'audit', 'read_log', {});
      const { before, limit, ...filters } = req.query;
      return listAudit(ctx.tx, filters, before, limit ?? 50);
    },
  );

  app.get(
    '/api/audit/overview',
    {
      config: user,
      schema: {
        tags,
        summary: '审计概况：今日记录、今日拒绝、今日登录失败、最近一次哈希链校验',
        response: {
          200: z.object({
            total: z.number(),
            entriesToday: z.number(),
            deniedToday: z.number(),
            failedToday: z.number(),
            lastVerification: Verification.nullable(),
          }),
        },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      authorize(ctx.actor, 'audit', 'read_log', {});
      const today = startOfTodayShanghai(ctx.now);
      const [counts] = await queryRows<{ total: number; today: number; denied: number; failed: number }>(
        ctx.tx,
        sql`select (select coalesce(max(id), 0)::int from audit_log) as total,
                   count(*)::int as today,
                   (count(*) filter (where result = 'denied'))::int as denied,
                   (count(*) filter (where result = 'failure'))::int as failed
            from audit_log where at >= ${today}`,
      );
      const [last] = await ctx.tx
        .select({ at: auditLog.at, detail: auditLog.detail })
        .from(auditLog)
        .where(eq(auditLog.event, 'audit.verify'))
        .orderBy(desc(auditLog.id))
        .limit(1);
      const d = (last?.detail ?? {}) as {
        checked?: number;
        brokenAt?: number | null;
        problem?: string | null;
      };
      return {
        total: Number(counts?.total ?? 0),
        entriesToday: Number(counts?.today ?? 0),
        deniedToday: Number(counts?.denied ?? 0),
        failedToday: Number(counts?.failed ?? 0),
        lastVerification: last
          ? {
              ok: (d.brokenAt ?? null) === null && (d.problem ?? null) === null,
              checked: d.checked ?? 0,
              brokenAt: d.brokenAt ?? null,
              problem: d.problem ?? null,
              at: last.at.toISOString(),
            }
          : null,
      };
    },
  );

  app.post(
    '/api/audit/verify',
    {
      config: user,
      schema: {
        tags,
        summary: '校验审计日志哈希链（审计管理员；结果本身也记入审计日志）',
        body: z.strictObject({}).optional(),
        response: { 200: Verification },
      },
    },
    async (req) => {
      const ctx = readContext(req);
      authorize(ctx.actor, 'audit', 'verify_chain', {});
      // What was written in the last second is sealed first, so the check covers everything committed.
      await sealAll(req.server.database.db, getCrypto());
      const result = await verifyAuditChain(ctx.tx, getCrypto());
      await auditAction(
        ctx,
        'audit.verify',
        { type: 'audit_log', id: null },
        { checked: result.checked, brokenAt: result.brokenAt, problem: result.problem },
      );
      return {
        ok: result.ok,
        checked: result.checked,
        brokenAt: result.brokenAt,
        problem: result.problem,
        at: ctx.now.toISOString(),
      };
    },
  );

  app.get(
    '/api/audit/export.xlsx',
    {
      config: user,
      schema: {
        tags,
        summary: `导出审计日志（Excel，按当前筛选，最多${EXPORT_LIMIT}条）`,
        querystring: AuditFilters,
        response: { 200: fileResponse([XLSX], '审计日志 Excel 文件') },
      },
    },
    async (req, reply) => {
      const ctx = readContext(req);
      authorize(ctx.actor, 'audit', 'export_log', {});
      const { rows } = await listAudit(ctx.tx, req.query, undefined, EXPORT_LIMIT);
      const wb = await newWorkbook('政讯');
      const ws = wb.addWorksheet('审计日志');
      ws.columns = [
        { header: '编号', key: 'id', width: 10 },
        { header: '时间', key: 'at', width: 22 },
        { header: '操作人', key: 'who', width: 20 },
        { header: 'IP', key: 'ip', width: 16 },
        { header: '操作', key: 'event', width: 26 },
        { header: '对象类型', key: 'objectType', width: 12 },
        { header: '对象编号', key: 'objectId', width: 38 },
        { header: '结果', key: 'result', width: 8 },
        { header: '详情', key: 'detail', width: 60 },
        { header: '请求编号', key: 'requestId', width: 38 },
      ];
      ws.getRow(1).font = { bold: true };
      const fmt = new Intl.DateTimeFormat('zh-CN', {
        timeZone: 'Asia/Shanghai',
        dateStyle: 'short',
        timeStyle: 'medium',
        hour12: false,
      });
      for (const r of rows)
        ws.addRow({
          id: r.id,
          at: fmt.format(new Date(r.at)),
          who: r.displayName ? `${r.displayName}（${r.username}）` : r.userId ? r.userId : '系统/匿名',
          ip: r.ip ?? '',
          event: auditEventLabel(r.event),
          objectType: auditObjectLabel(r.objectType),
          objectId: r.objectId ?? '',
          result: AUDIT_RESULT_LABELS[r.result],
          detail: r.detail ? JSON.stringify(r.detail) : '',
          requestId: r.requestId ?? '',
        });
      const body = await workbookBuffer(wb);
      await auditAction(
        ctx,
        'audit.export',
        { type: 'audit_log', id: null },
        { filters: req.query, rows: rows.length },
      );
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', attachmentDisposition('审计日志.xlsx', 'audit-log.xlsx'))
        .send(body);
    },
  );
}
