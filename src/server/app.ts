import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import pino from 'pino';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './config.js';
import { WEB_DIST } from './paths.js';
import { nodeCryptoProvider } from './crypto/provider.js';
import { setCrypto } from './crypto/current.js';
import type { Database } from './db/client.js';
import type { UseCaseContext } from './http/context.js';
import { AppError, codeOfStatus, NOT_FOUND_BODY } from './http/errors.js';
import { apiPath, isApiRequest, normalisedPath } from './http/route-kind.js';
import { createSerializerCompiler, type SerializerFallback } from './http/serializer.js';
import { authPlugin, requireActor } from './modules/auth/routes.js';
import { auditRefusal } from './modules/audit/refusals.js';
import { auditRoutes } from './modules/audit/routes.js';
import { secondFactorRoutes } from './modules/auth/second-factor-routes.js';
import { securityRoutes } from './modules/auth/security-routes.js';
import { adminNetworksPlugin } from './modules/auth/admin-networks.js';
import { itemRoutes } from './modules/items/routes/items.js';
import { hopRoutes } from './modules/items/routes/hops.js';
import { orgRoutes } from './modules/orgs/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { liveRoutes, type LiveOptions } from './modules/notifications/live.js';
import { attachmentRoutes } from './modules/attachments/routes.js';
import { attachmentStorage, type AttachmentStorage } from './modules/attachments/storage.js';
import { autosaveRoutes } from './modules/autosave/routes.js';
import { smtpChannel, type MailChannel } from './modules/delivery/channel.js';
import { MailSender } from './modules/delivery/outbox.js';
import { periodicalRoutes } from './modules/periodicals/routes.js';
import { scoringRoutes } from './modules/scoring/routes/index.js';
import { rankingCachePlugin } from './modules/scoring/routes/ranking-cache.js';
import { changeFeedPlugin } from './http/change-feed.js';
import { securityHeaders } from './http/security-headers.js';
import { findBadText, type BadText } from './text/unicode.js';
import { isRetryableConflict, sqlState } from './db/errors.js';

// Validation messages people read are Chinese.
z.config(z.locales.zhCN());

export type App = FastifyInstance;

/** Access rule every route must declare (SECURITY.md §9: deny by default; start-up fails without one). */
export type RouteAccess = 'public' | 'user';
declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyInstance {
    database: Database;
    config: Config;
    /** Where attachment bytes live (local disk or an S3-compatible bucket), one for the whole app. */
    storage: AttachmentStorage;
    /** The outbox sender of mail to people (one-time passwords), or null without a mail channel. */
    mailSender: MailSender | null;
    /** Responses written by zod rather than a compiled serialiser (http/serializer.ts); file answers only. */
    serializerFallbacks: readonly SerializerFallback[];
  }
}

export async function buildApp(opts: {
  database: Database;
  config: Config;
  logger?: boolean;
  live?: Partial<LiveOptions>;
  /** Replaces the SMTP channel of `config.mail` (another gateway). */
  mailChannel?: MailChannel;
}): Promise<App> {
  const { database, config } = opts;
  setCrypto(nodeCryptoProvider(Buffer.from(config.auditKey)));
  const app = Fastify({
    // Logs go out through an asynchronous buffered stream (never a write per request on the hot path);
    // request lines are sampled below instead of Fastify's two lines for every request.
    logger:
      opts.logger === false
        ? false
        : { level: config.logLevel, stream: pino.destination({ dest: 1, sync: false, minLength: 4096 }) },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
    bodyLimit: 2 * 1024 * 1024,
    // //api/x is /api/x: one route, one set of hooks, however many slashes the client sends.
    routerOptions: { maxParamLength: 200, ignoreDuplicateSlashes: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.decorate('database', database);
  app.decorate('config', config);
  app.decorate('storage', attachmentStorage(config));
  const channel = opts.mailChannel ?? (config.mail ? smtpChannel(config.mail) : null);
  const mailSender = channel
    ? new MailSender(database.db, channel, (err) => app.log.error({ err }, 'mail outbox failed'))
    : null;
  app.decorate('mailSender', mailSender);
  // main.ts starts it; closing the app stops it (and the SMTP connection pool).
  app.addHook('onClose', async () => mailSender?.stop());
  app.setValidatorCompiler(validatorCompiler);
  // Answers are written by serialisers compiled from the zod response schemas; tests also compare each one
  // with zod's (ZX_CHECK_RESPONSES, set in vitest.config.ts).
  const serializerFallbacks: SerializerFallback[] = [];
  app.decorate('serializerFallbacks', serializerFallbacks);
  app.setSerializerCompiler(
    createSerializerCompiler({
      check: process.env.ZX_CHECK_RESPONSES === '1',
      lazy: process.env.ZX_CHECK_RESPONSES !== '1',
      onFallback: (f) => {
        serializerFallbacks.push(f);
        if (!f.file) app.log.warn(f, 'response schema not compiled: zod serialises this route');
      },
    }),
  );

  // Text PostgreSQL cannot store (NUL, a lone UTF-16 surrogate) is refused for every route, in every part of
  // the request, before validation and before the session is required: a 400 naming the field, never a 500.
  app.addHook('preValidation', async (req) => {
    const parts = [
      ['params', req.params],
      ['querystring', req.query],
      ['body', req.body],
    ] as const;
    for (const [part, value] of parts) {
      const bad = findBadText(value);
      if (bad) throw badTextError(part, bad);
    }
  });

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.access && route.method !== 'HEAD')
      throw new Error(`route ${String(route.method)} ${route.url} declares no access policy`);
  });

  app.addHook('onResponse', async (req, reply) => {
    const ms = reply.elapsedTime;
    if (reply.statusCode >= 500 || ms > 1000 || Math.random() < config.requestLogSample)
      req.log.info(
        {
          method: req.method,
          route: req.routeOptions.url ?? null,
          status: reply.statusCode,
          ms: Math.round(ms),
        },
        'request',
      );
  });

  app.setErrorHandler((error, req, reply) => sendError(error, req, reply));
  app.setNotFoundHandler(answerNotFound);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '政讯 Zhengxun API',
        description:
          '政务信息报送、编辑、采用平台的接口。状态变更需要登录会话 Cookie 与 X-CSRF-Token 请求头。',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'zx_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyCookie);
  await app.register(securityHeaders);
  await app.register(authPlugin);
  await app.register(adminNetworksPlugin, { networks: config.adminNetworks });
  await app.register(orgRoutes);
  await app.register(itemRoutes);
  await app.register(hopRoutes);
  await app.register(periodicalRoutes);
  await app.register(changeFeedPlugin);
  await app.register(rankingCachePlugin);
  await app.register(scoringRoutes);
  await app.register(notificationRoutes);
  await app.register(liveRoutes, opts.live ?? {});
  await app.register(attachmentRoutes);
  await app.register(autosaveRoutes);
  await app.register(securityRoutes);
  await app.register(secondFactorRoutes);
  await app.register(auditRoutes);

  app.get(
    '/api/openapi.json',
    {
      config: { access: 'public' },
      // The document itself: an OpenAPI 3.0 object, passed through whole.
      schema: {
        hide: true,
        response: { 200: z.looseObject({ openapi: z.string(), paths: z.looseObject({}) }) },
      },
    },
    async () => app.swagger() as unknown as { openapi: string; paths: Record<string, unknown> },
  );
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        hide: true,
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async () => ({ status: 'ok' as const, database: database.kind }),
  );

  if (existsSync(WEB_DIST)) {
    // Wildcard: files built after start-up are served too; a path that is no file falls through to the
    // not-found handler above, which answers with the app shell. Directories (/, /assets/) are the app
    // shell too, never a 403. Hashed assets never change and are cached for a year; the shell is revalidated.
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      prefix: '/',
      wildcard: true,
      index: false,
      redirect: false,
      preCompressed: true,
      cacheControl: false,
      // Directories, and index.html itself, are the app shell (served with this request's nonce).
      // A path under /api once normalised (//api/x, /%61pi/x) is never a file: the not-found handler
      // answers it with the API's 404.
      allowedPath: (pathName) =>
        !pathName.endsWith('/') && pathName !== '/index.html' && !apiPath(normalisedPath(pathName)),
      setHeaders: (res, path) => {
        res.header(
          'Cache-Control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  return app;
}

/**
 * A request no route answers: the API's one 404 under /api; a missing file (a name with an extension) a plain
 * 404; any other GET a route of the single-page app, answered with its shell.
 */
function answerNotFound(req: FastifyRequest, reply: FastifyReply) {
  const path = normalisedPath(req.url);
  if (isApiRequest(req)) return reply.code(404).send(NOT_FOUND_BODY);
  // A missing file (a name with an extension) is a 404; any other path is a route of the single-page app.
  if (
    path === '/index.html' &&
    (req.method === 'GET' || req.method === 'HEAD') &&
    existsSync(WEB_DIST + 'index.html')
  )
    return sendAppShell(req, reply);
  if (/\.[a-z0-9]+$/i.test(path)) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  if (existsSync(WEB_DIST + 'index.html')) return sendAppShell(req, reply);
  return reply.code(404).type('text/plain; charset=utf-8').send('前端尚未构建：请运行 npm run build');
}

/**
 * The single-page app's index.html: every client-side route reloads to it; revalidated on each load. Each
 * answer carries this request's CSP nonce: on its scripts and stylesheets, and in a meta tag the app reads
 * to give Ant Design's CSS-in-JS (SECURITY.md §25). The file is re-read when a build replaces it.
 */
let shell: { mtimeMs: number; html: string } | null = null;
function sendAppShell(req: FastifyRequest, reply: FastifyReply) {
  const file = WEB_DIST + 'index.html';
  const mtimeMs = statSync(file).mtimeMs;
  if (shell?.mtimeMs !== mtimeMs) shell = { mtimeMs, html: readFileSync(file, 'utf8') };
  return reply
    .header('Cache-Control', 'no-cache')
    .type('text/html; charset=utf-8')
    .send(withNonce(shell.html, req.cspNonce));
}

/** Puts the nonce on every <script>, <style> and <link> of the page and into <meta name="csp-nonce">. */
export function withNonce(html: string, nonce: string): string {
  return html
    .replace(/<(script|style|link)\b(?![^>]*\bnonce=)/gi, `<$1 nonce="${nonce}"`)
    .replace(/<head>/i, `<head>\n    <meta name="csp-nonce" content="${nonce}" />`);
}

async function sendError(error: unknown, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (
      (error.code === 'rate_limited' || error.code === 'locked') &&
      typeof error.details?.retryAfter === 'number'
    )
      void reply.header('Retry-After', String(error.details.retryAfter));
    await auditRefusal(req, error.status, error.code, error.details);
    // One body for every 404, whatever noun or cause (SECURITY.md §11).
    if (error.code === 'not_found') return reply.code(404).send(NOT_FOUND_BODY);
    return reply
      .code(error.status)
      .send({ code: error.code, message: error.message, details: error.details });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const field = first ? fieldOf(first.instancePath, first.params) : '';
    const context = error.validationContext ?? 'body';
    return reply.code(400).send({
      code: 'validation',
      message: `请求参数错误：${field || context} ${first?.message ?? ''}`.trim(),
      details: {
        field,
        issues: error.validation.map((v) => ({
          field: fieldOf(v.instancePath, v.params),
          message: v.message,
        })),
      },
    });
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  // Postgres constraint violations that reach here are conflicts with existing data, not server bugs; so is
  // a deadlock or serialisation failure that outlasted inTransaction's retries.
  const state = sqlState(error);
  if (state === '23505')
    return reply.code(409).send({ code: 'conflict', message: '记录已存在，请勿重复提交' });
  if (state === '23514' || state === '23503')
    return reply.code(409).send({ code: 'conflict', message: '该操作违反数据约束，未执行' });
  if (state === '40P01' || state === '40001')
    return reply.code(409).send({ code: 'conflict', message: '与他人的操作同时发生，未执行，请刷新后重试' });
  if (e.statusCode === 404) return reply.code(404).send(NOT_FOUND_BODY);
  // The static files refuse a path whose spelling they cannot check against the directory (a name longer than
  // the file system allows) or that is not canonical (`..`, `//`): no file answers it, so it is a path no
  // route answers — under /api the API's 404, elsewhere as any unknown path. Never their bare 403.
  if (e.code === 'FST_STATIC_FORBIDDEN_PATH') return answerNotFound(req, reply);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const code = codeOfStatus(e.statusCode);
    await auditRefusal(req, e.statusCode, code, undefined);
    return reply.code(e.statusCode).send({ code, message: `请求无效：${e.message ?? ''}` });
  }
  req.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send({ code: 'internal', message: '服务器内部错误，请稍后重试或联系管理员' });
}

function badTextError(part: 'params' | 'querystring' | 'body', bad: BadText): AppError {
  const field = bad.path.join('.') || part;
  const what = bad.kind === 'nul' ? '空字符（NUL）' : '不成对的代理字符（UTF-16 surrogate）';
  const message = `含有不允许的字符：${what}`;
  return new AppError('validation', `请求参数错误：${field} ${message}`, {
    field,
    location: part,
    issues: [{ field, message }],
  });
}

function fieldOf(instancePath: string, params: unknown): string {
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  const p = params as { keys?: string[]; missingProperty?: string } | undefined;
  const extra = p?.keys?.join(',') ?? p?.missingProperty;
  return [path, extra].filter(Boolean).join('.');
}

/** How often a use case runs when PostgreSQL keeps rolling it back for a deadlock or serialisation failure. */
const TRANSACTION_ATTEMPTS = 3;

/**
 * Runs a mutating request's use case in one transaction, with the acting user and one clock reading. A
 * transaction PostgreSQL rolled back for a deadlock or a serialisation failure (two requests locking the
 * same rows in opposite orders, e.g. a unit withdrawing an item while a hub returns its hop), or that took
 * a number another took first (db/errors.ts), runs again from the start with a new clock reading: it then
 * finds the other's change and succeeds or answers 409.
 */
export async function inTransaction<T>(
  req: FastifyRequest,
  fn: (ctx: UseCaseContext) => Promise<T>,
): Promise<T> {
  const actor = requireActor(req);
  for (let attempt = 1; ; attempt++) {
    try {
      return await req.server.database.db.transaction((tx) =>
        fn({ actor, tx, now: new Date(), ip: req.ip ?? null, requestId: String(req.id) }),
      );
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isRetryableConflict(err)) throw err;
      req.log.info({ attempt, sqlState: sqlState(err) }, 'transaction rolled back by a conflict; retrying');
    }
  }
}

/** Same, for reads: no transaction needed, the same context shape. */
export function readContext(req: FastifyRequest): UseCaseContext {
  return {
    actor: requireActor(req),
    tx: req.server.database.db,
    now: new Date(),
    ip: req.ip ?? null,
    requestId: String(req.id),
  };
}
