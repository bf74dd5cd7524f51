import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.js';
import { migrate } from '../../src/server/db/migrate.js';
import { periodicals } from '../../src/server/modules/periodicals/schema.js';
import { testDatabase } from '../helpers/db.js';
import { buildOrg, buildUser } from '../helpers/factories.js';

/**
 * The migration that keeps the adopted version's title on the adoption row fills it in for the adoptions
 * made before it: from the version each one adopted, not from the item's later title.
 */
const marksAdoptionTitle = (file: string) => file.endsWith('_adoption_title.sql');

describe('migration: adoptions.title', () => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  const ids = {
    item: randomUUID(),
    v1: randomUUID(),
    v2: randomUUID(),
    hop: randomUUID(),
    adoption: randomUUID(),
    periodical: randomUUID(),
  };

  beforeAll(async () => {
    // An older install: every migration before this one, an adoption of version 1 of an item whose
    // hub later wrote version 2 with another title.
    database = await testDatabase({ stopBefore: marksAdoptionTitle });
    const db = database.db;
    const hubId = await buildOrg(db, { name: '县政府办', parentId: null, level: 'county', isHub: true });
    const unitId = await buildOrg(db, { name: '某街道', parentId: hubId, level: 'township' });
    const writer = await buildUser(db, unitId, ['writer']);
    const editor = await buildUser(db, hubId, ['editor']);
    await db.insert(periodicals).values({ id: ids.periodical, hubId, name: '县政务信息', kind: 'regular' });
    await db.execute(sql`
      insert into items (id, org_id, author_id, state, current_version_no, title, category, urgency, disclosure,
        created_at, updated_at, submitted_at)
      values (${ids.item}, ${unitId}, ${writer.id}, 'submitted', 1, '采用后改过的标题', 'dynamic', 'normal',
        'internal', now(), now(), now())`);
    await db.execute(sql`
      insert into item_versions (id, item_id, no, title, body_html, body_text, org_id, created_by, created_at)
      values (${ids.v1}, ${ids.item}, 1, '被采用的标题', '<p>正文</p>', '正文', ${unitId}, ${writer.id}, now()),
        (${ids.v2}, ${ids.item}, 2, '采用后改过的标题', '<p>正文</p>', '正文', ${hubId}, ${editor.id}, now())`);
    await db.execute(sql`
      insert into hops (id, item_id, parent_hop_id, root_hop_id, from_org_id, to_org_id, version_id,
        working_version_id, state, urgency, submitted_at, updated_at)
      values (${ids.hop}, ${ids.item}, null, ${ids.hop}, ${unitId}, ${hubId}, ${ids.v1}, ${ids.v2}, 'handled',
        'normal', now(), now())`);
    await db.execute(sql`
      insert into adoptions (id, hop_id, item_id, hub_id, periodical_id, version_id, type, adopted_by, adopted_at)
      values (${ids.adoption}, ${ids.hop}, ${ids.item}, ${hubId}, ${ids.periodical}, ${ids.v1}, 'single',
        ${editor.id}, now())`);
  }, 60_000);
  afterAll(async () => database.drop());

  it('fills the title of every existing adoption from the version it adopted; the column is then required', async () => {
    const applied = await migrate(database);
    expect(applied.some(marksAdoptionTitle)).toBe(true);
    const rows = await queryRows<{ id: string; title: string }>(
      database.db,
      sql`select id, title from adoptions`,
    );
    expect(rows).toEqual([{ id: ids.adoption, title: '被采用的标题' }]);
    const [column] = await queryRows<{ is_nullable: string }>(
      database.db,
      sql`select is_nullable from information_schema.columns where table_name = 'adoptions' and column_name = 'title'`,
    );
    expect(column?.is_nullable).toBe('NO');
  });
});
