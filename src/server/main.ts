import module from 'node:module';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { openAppDatabase } from './db/app-role.js';
import { maintainEmbedded } from './db/maintenance.js';
import { loadDemoData } from '../demo/seed.js';
import { housekeeping } from './modules/auth/sessions.js';
import { sealAll } from './modules/audit/audit.js';
import { forwardSyslog, syslogTransport } from './modules/audit/syslog.js';
import { getCrypto, setCrypto } from './crypto/current.js';
import { nodeCryptoProvider } from './crypto/provider.js';

/** Starts the server: open the database, apply migrations, load demo data in demo mode, listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.mode === 'production' && !config.auditKey) {
    console.error('ZX_AUDIT_KEY must be set in production (the audit log HMAC key).');
    process.exit(1);
  }
  // Before migrating: a migration's data step encrypts with the process's key (SECURITY.md §22).
  setCrypto(nodeCryptoProvider(Buffer.from(config.auditKey)));
  const owner = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrate(owner);
  // Migrated as the owner; from here on the server works as the application role (SECURITY.md §17).
  const { database, role, warning } = await openAppDatabase(owner, config);
  const app = await buildApp({ database, config });
  if (applied.length) app.log.info({ applied }, 'migrations applied');
  if (role) app.log.info({ role }, 'database role of the application');
  if (warning) app.log.warn(warning);
  if (config.mode === 'demo') {
    const loaded = await loadDemoData(database.db);
    if (loaded) app.log.info('demo organisation tree and accounts loaded');
  }
  const tidy = () =>
    housekeeping(database.db, new Date(), config.inactiveDisableDays).catch((err: unknown) =>
      app.log.error({ err }, 'housekeeping failed'),
    );
  void tidy();
  const timer = setInterval(() => void tidy(), 600_000);
  timer.unref();
  // The audit sealer: chains what was written in the last second (one sealer at a time across instances).
  const syslog = config.syslog ? syslogTransport(config.syslog) : null;
  let sealing = false;
  const seal = async () => {
    if (sealing) return;
    sealing = true;
    try {
      await sealAll(database.db, getCrypto());
      // Sealed rows go to syslog once each, in chain order (the cursor lives in the database).
      if (syslog) await forwardSyslog(database.db, syslog);
    } catch (err: unknown) {
      app.log.error({ err }, 'audit sealing or syslog export failed');
    } finally {
      sealing = false;
    }
  };
  await seal();
  const sealer = setInterval(() => void seal(), 1_000);
  sealer.unref();
  // The embedded database has no autovacuum: the server vacuums and analyzes its tables by autovacuum's
  // rule, once a minute (db/maintenance.ts). PostgreSQL does this itself.
  let maintaining: Promise<void> | null = null;
  const maintain = () => {
    maintaining ??= maintainEmbedded(database)
      .then((runs) => {
        for (const done of runs)
          app.log.info({ ...done, ms: Math.round(done.ms) }, 'embedded database maintenance');
      })
      .catch((err: unknown) => app.log.error({ err }, 'embedded database maintenance failed'))
      .finally(() => {
        maintaining = null;
      });
  };
  const maintenance = database.kind === 'pglite' ? setInterval(maintain, 60_000) : null;
  maintenance?.unref();
  // Mail to people (one-time passwords) leaves through the outbox, after commit, with retries.
  app.mailSender?.start();
  if (!app.mailSender && config.mode === 'production')
    app.log.warn(
      'ZX_SMTP_URL is not set: accounts created or reset by the three administrators cannot get their one-time password (409) until a mail channel is configured',
    );
  await app.listen({ port: config.port, host: config.host });
  // What was compiled up to here is kept for the next start now, not only at a clean exit (see the launcher
  // written by scripts/build.mjs; a no-op when the compile cache is off).
  module.flushCompileCache?.();
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(
    `\n  政讯 Zhengxun 已启动（${config.mode === 'demo' ? '演示模式' : '生产模式'}，数据库：${database.kind === 'pglite' ? `内嵌 PGlite ${config.dataDir}` : 'PostgreSQL'}）`,
  );
  console.log(`  打开浏览器访问： http://${shown}:${config.port}/\n`);
  const stop = async () => {
    clearInterval(sealer);
    if (maintenance) clearInterval(maintenance);
    await maintaining;
    await app.close();
    await seal();
    await syslog?.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
