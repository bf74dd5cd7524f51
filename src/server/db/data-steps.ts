import { sql } from 'drizzle-orm';
import type { CryptoProvider } from '../crypto/provider.js';
import { sealPersonal, USER_PHONE } from '../crypto/personal-data.js';
import { queryRows, type Db } from './client.js';

/**
 * Data conversions a SQL migration cannot do because they need the application's keys (SECURITY.md §22:
 * the key lives behind the crypto provider, never in SQL). A migration names one with a statement of its
 * own, `-- zx:data-step <name>`; migrate() runs it there, in the migration's transaction, so a failure
 * rolls the whole migration back and it runs again at the next start. Each step is idempotent.
 * Steps use raw SQL: they run against the schema of their migration, not the current one.
 */
export const DATA_STEPS: Record<string, (tx: Db, crypto: CryptoProvider) => Promise<number>> = {
  /** Migration users_phone_encrypted: plain `users.phone` → `phone_enc` + `phone_index`, plain emptied. */
  'encrypt-user-phones': async (tx, crypto) => {
    const rows = await queryRows<{ id: string; phone: string }>(
      tx,
      sql`select id, phone from users where phone is not null and phone_enc is null for update`,
    );
    for (const r of rows) {
      const phone = r.phone.trim();
      const sealed = phone ? sealPersonal(USER_PHONE, r.id, phone, crypto) : null;
      await tx.execute(
        sql`update users set phone_enc = ${sealed?.enc ?? null}, phone_index = ${sealed?.index ?? null},
            phone = null where id = ${r.id}`,
      );
    }
    // Rows that already had a ciphertext keep it; their plain copy goes too.
    await tx.execute(sql`update users set phone = null where phone is not null`);
    return rows.length;
  },
};

/** The data step a migration statement names, if it is such a statement. */
export function dataStepOf(statement: string): string | null {
  return /^--\s*zx:data-step\s+(\S+)\s*$/m.exec(statement)?.[1] ?? null;
}
