import { basename, join, resolve } from 'node:path';
import { loadConfig } from '../server/config.js';
import { archiveAudit, retentionDays, verifyArchiveFile } from '../server/modules/audit/archive.js';
import { getCrypto } from '../server/crypto/current.js';
import type { Database } from '../server/db/client.js';
import { AppError } from '../server/http/errors.js';
import { sealAll, verifyAuditChain, writeAudit } from '../server/modules/audit/audit.js';
import { importOrgTable, type ImportError } from '../server/modules/orgs/import.js';
import { ROLE_LABELS } from '../server/modules/orgs/domain.js';
import { aggregateDifferences } from '../server/modules/scoring/repo.js';
import { bootstrapAdmins } from '../server/modules/orgs/use-cases/bootstrap-admins.js';
import { backup, BackupError, restore, type Location } from './backup.js';
import { readTable } from './read-table.js';

export interface CliIo {
  /** Opened only by commands that need it. */
  database: () => Promise<Database>;
  /** Where the data lives (DATABASE_URL, DATA_DIR), for backup and restore, which open it themselves. */
  location?: () => Location;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const USAGE = `用法: npm run cli -- <命令>

  bootstrap-admin --username <前缀>   生产环境首次启动：创建三员管理员账号
                                      <前缀>-sys（系统管理员）、<前缀>-sec（安全管理员）、<前缀>-audit（审计管理员），
                                      输出一次性密码（首次登录须修改）；已有管理员时拒绝执行
  import-orgs <文件.csv|文件.xlsx> [--dry-run]
                                      导入单位树（列：单位名称、简称、类型、行政级别、行政区划代码、上级单位、
                                      是否信息汇总单位、直报单位）；--dry-run 只检查不写入
  verify-audit                        校验审计日志哈希链，损坏时输出第一条损坏记录的编号并以状态1退出
  check-aggregates                    核对排名统计汇总表与积分台账、报送记录是否一致（全表重算），
                                      不一致时列出差异并以状态1退出
  backup --out <目录>                备份数据库（PostgreSQL：pg_dump 自定义格式；内嵌 PGlite：数据目录，须先停止服务）
                                      与附件，写入清单 manifest.json（时间、数据库类型、迁移级别、各表行数、审计链头、
                                      每个文件的 sha256）
  restore --from <目录> [--force]    先校验备份文件的 sha256，再恢复到空的数据库与数据目录（非空时拒绝，
                                      --force 覆盖：PostgreSQL 删除原有模式，PGlite 数据目录与附件移到一旁保留），
                                      之后核对行数与审计链头并校验审计日志哈希链

  archive-audit [--out <目录>]        把超过保存期限（ZX_AUDIT_RETENTION_DAYS，默认且最少180天）的审计记录
                                      归档为签名的 JSONL 文件（默认 <DATA_DIR>/audit-archive），再从数据库移除；
                                      须以数据库属主身份运行
  verify-audit-archive <文件>         校验审计归档文件的签名与哈希链`;

const USERNAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,40}$/;

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Runs one command; returns the process exit code. Errors for people are printed in Chinese. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'bootstrap-admin':
        return await bootstrapAdmin(args, io);
      case 'import-orgs':
        return await importOrgs(args, io);
      case 'verify-audit':
        return await verifyAudit(io);
      case 'check-aggregates':
        return await checkAggregates(io);
      case 'backup':
      case 'restore':
        return await backupOrRestore(command, args, io);
      case 'archive-audit':
        return await archiveAuditCommand(args, io);
      case 'verify-audit-archive':
        return verifyArchiveCommand(args, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 1 : 0;
      default:
        io.err(`未知命令「${command}」\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    if (error instanceof BackupError) {
      io.err(`错误：${error.message}`);
      return 1;
    }
    if (error instanceof AppError) {
      io.err(`错误：${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function bootstrapAdmin(args: readonly string[], io: CliIo): Promise<number> {
  const prefix = option(args, '--username');
  if (!prefix || !USERNAME_PREFIX.test(prefix)) {
    io.err('请用 --username 指定管理员账号前缀（字母或数字开头，可含 . _ - @，最多41位）');
    return 1;
  }
  const { db } = await io.database();
  const result = await db.transaction((tx) => bootstrapAdmins(tx, { prefix, now: new Date() }));
  io.out('已创建三员管理员账号（密码只显示这一次，请立即分别交给三位管理员，首次登录须修改密码）：');
  for (const a of result.accounts)
    io.out(`  ${ROLE_LABELS[a.role]}  用户名: ${a.username}  一次性密码: ${a.password}`);
  return 0;
}

async function importOrgs(args: readonly string[], io: CliIo): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    io.err('请指定要导入的文件：npm run cli -- import-orgs 单位.xlsx');
    return 1;
  }
  const dryRun = args.includes('--dry-run');
  let table: string[][];
  try {
    table = await readTable(file);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    io.err(e.code === 'ENOENT' ? `文件不存在：${file}` : `无法读取文件：${e.message}`);
    return 1;
  }
  const { db } = await io.database();
  try {
    const now = new Date();
    const result = await db.transaction(async (tx) => {
      const r = await importOrgTable(tx, table, { dryRun, now });
      if (!dryRun)
        await writeAudit(tx, {
          at: now,
          userId: null,
          ip: null,
          requestId: null,
          event: 'org.import',
          objectType: 'org',
          objectId: null,
          result: 'success',
          detail: {
            source: 'cli',
            file: basename(file),
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
          },
        });
      return r;
    });
    io.out(
      `${dryRun ? '检查通过（未写入）' : '导入完成'}：新增 ${result.created} 个，更新 ${result.updated} 个，未变 ${result.unchanged} 个单位`,
    );
    return 0;
  } catch (error) {
    if (error instanceof AppError && Array.isArray(error.details?.rows)) {
      io.err(error.message);
      for (const r of error.details.rows as ImportError[])
        io.err(`  第${r.row}行${r.column ? `「${r.column}」` : ''}：${r.message}`);
      return 1;
    }
    throw error;
  }
}

async function verifyAudit(io: CliIo): Promise<number> {
  const { db } = await io.database();
  // Rows written in the last second are sealed first, so the check covers everything committed.
  await sealAll(db, getCrypto());
  const report = await verifyAuditChain(db, getCrypto());
  if (!report.ok) {
    io.err(`审计日志哈希链损坏：${report.problem}（此前 ${report.checked} 条完好）`);
    return 1;
  }
  io.out(`审计日志完好：已校验 ${report.checked} 条记录`);
  return 0;
}

async function checkAggregates(io: CliIo): Promise<number> {
  const { db } = await io.database();
  const diffs = await aggregateDifferences(db);
  if (diffs.length) {
    io.err(`统计汇总与积分台账不一致：${diffs.length === 100 ? '至少 100' : diffs.length} 处差异`);
    for (const d of diffs.slice(0, 20))
      io.err(
        `  ${d.aggregate} ${JSON.stringify(d.key)} 应为 ${JSON.stringify(d.expected)}，实为 ${JSON.stringify(d.kept)}`,
      );
    return 1;
  }
  io.out('统计汇总与积分台账、报送记录一致');
  return 0;
}

async function backupOrRestore(
  command: 'backup' | 'restore',
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  if (!io.location) throw new Error('backup/restore need the data location');
  const dir =
    option(args, command === 'backup' ? '--out' : '--from') ?? args.find((a) => !a.startsWith('--'));
  if (!dir) {
    io.err(command === 'backup' ? '请用 --out 指定备份目录' : '请用 --from 指定备份目录');
    return 1;
  }
  const target = resolve(dir);
  if (command === 'backup') await backup(io.location(), target, io.out);
  else await restore(io.location(), target, { force: args.includes('--force') }, io.out);
  return 0;
}

async function archiveAuditCommand(args: readonly string[], io: CliIo): Promise<number> {
  const days = retentionDays(process.env.ZX_AUDIT_RETENTION_DAYS);
  const dir = option(args, '--out') ?? join(loadConfig().dataDir, 'audit-archive');
  const { db } = await io.database();
  const r = await archiveAudit(db, getCrypto(), { retentionDays: days, dir });
  if (r.archived === 0) {
    io.out(`没有超过 ${days} 天保存期限的审计记录需要归档`);
    return 0;
  }
  io.out(`已归档 ${r.archived} 条审计记录（第 ${r.firstSeq}～${r.throughSeq} 条）到 ${r.file}`);
  return 0;
}

function verifyArchiveCommand(args: readonly string[], io: CliIo): number {
  const file = args[0];
  if (!file) {
    io.err('请指定归档文件');
    return 1;
  }
  const r = verifyArchiveFile(file, getCrypto());
  if (!r.ok) {
    io.err(`审计归档文件损坏：${r.problem}`);
    return 1;
  }
  io.out(`审计归档文件完好：第 ${r.firstSeq}～${r.throughSeq} 条，共 ${r.count} 条`);
  return 0;
}
