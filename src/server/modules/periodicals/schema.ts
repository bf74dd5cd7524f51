import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgs } from '../orgs/schema.js';
import { PERIODICAL_KINDS } from './domain.js';

/** A hub's periodical (刊物). Issues, numbering and distribution arrive with the periodicals module. */
export const periodicals = pgTable(
  'periodicals',
  {
    id: uuid('id').primaryKey(),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: PERIODICAL_KINDS }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('periodicals_hub_idx').on(t.hubId)],
);
