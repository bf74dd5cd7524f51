import { loadConfig } from '../server/config.js';
import { setCrypto } from '../server/crypto/current.js';
import { nodeCryptoProvider } from '../server/crypto/provider.js';
import { openDatabase, type Database } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import { runCli } from './commands.js';

/** `npm run cli -- <command>`: opens the database the way the server does, runs one command, exits. */
async function main(): Promise<number> {
  const config = loadConfig();
  if (config.mode === 'production' && !config.auditKey) {
    console.error('ZX_AUDIT_KEY must be set in production (the audit log HMAC key).');
    return 1;
  }
  setCrypto(nodeCryptoProvider(Buffer.from(config.auditKey)));
  let database: Database | null = null;
  try {
    return await runCli(process.argv.slice(2), {
      database: async () => {
        database ??= await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
        await migrate(database);
        return database;
      },
      location: () => ({ url: config.databaseUrl, dataDir: config.dataDir }),
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } finally {
    await (database as Database | null)?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
