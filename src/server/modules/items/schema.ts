import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgs, users } from '../orgs/schema.js';
import { periodicals } from '../periodicals/schema.js';
import { ADOPTION_TYPES, CATEGORIES, DISCLOSURES, REPORT_STAGES, URGENCIES } from './domain/catalog.js';
import { HOP_STATES, ITEM_STATES } from './domain/states.js';

/** An information item (稿件) of its origin unit. Text lives in versions; this row holds the unit-side state. */
export const items = pgTable(
  'items',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    state: text('state', { enum: ITEM_STATES }).notNull(),
    /** The unit's latest version number; hubs' edits have their own numbers but do not move this. */
    currentVersionNo: integer('current_version_no').notNull(),
    title: text('title').notNull(),
    category: text('category', { enum: CATEGORIES }).notNull(),
    urgency: text('urgency', { enum: URGENCIES }).notNull(),
    disclosure: text('disclosure', { enum: DISCLOSURES }).notNull(),
    reportStage: text('report_stage', { enum: REPORT_STAGES }),
    /** For 续报/终报: the item it follows up. */
    followsItemId: uuid('follows_item_id'),
    /** Hubs the unit means to submit to; confirmed at sign-off. */
    targetOrgIds: jsonb('target_org_ids')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Optimistic concurrency: bumped by every change of the row. */
    rowVersion: integer('row_version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
  },
  (t) => [
    index('items_org_updated_idx').on(t.orgId, t.updatedAt, t.id),
    index('items_org_state_idx').on(t.orgId, t.state, t.updatedAt),
    index('items_author_idx').on(t.authorId, t.updatedAt),
  ],
);

/** Every edit, by the unit or by a hub (逐级修改), is a new version; nothing is overwritten. */
export const itemVersions = pgTable(
  'item_versions',
  {
    id: uuid('id').primaryKey(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    no: integer('no').notNull(),
    title: text('title').notNull(),
    bodyHtml: text('body_html').notNull(),
    bodyText: text('body_text').notNull(),
    /** The org whose person wrote this version: the origin unit or an editing hub. */
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    basedOnNo: integer('based_on_no'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('item_versions_item_no_uq').on(t.itemId, t.no)],
);

/** 合报: further units that co-report an item; points are split among them. */
export const itemCoReporters = pgTable(
  'item_co_reporters',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.orgId] }), index('item_co_reporters_org_idx').on(t.orgId)],
);

/**
 * One hop (报送) of an item: from a sender to one receiving hub. A forward creates a child hop; every hop
 * of one lineage shares `rootHopId`, which is how visibility along the chain is decided.
 */
export const hops = pgTable(
  'hops',
  {
    id: uuid('id').primaryKey(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    parentHopId: uuid('parent_hop_id'),
    rootHopId: uuid('root_hop_id').notNull(),
    fromOrgId: uuid('from_org_id')
      .notNull()
      .references(() => orgs.id),
    toOrgId: uuid('to_org_id')
      .notNull()
      .references(() => orgs.id),
    /** The version the receiving hub got. */
    versionId: uuid('version_id')
      .notNull()
      .references(() => itemVersions.id),
    /** The receiving hub's latest edit, forwarded upward; null until it edits. */
    workingVersionId: uuid('working_version_id'),
    state: text('state', { enum: HOP_STATES }).notNull(),
    stage: integer('stage').notNull().default(0),
    urgency: text('urgency', { enum: URGENCIES }).notNull(),
    signForDeadline: timestamp('sign_for_deadline', { withTimezone: true }),
    lastReason: text('last_reason'),
    rowVersion: integer('row_version').notNull().default(1),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('hops_to_state_idx').on(t.toOrgId, t.state, t.submittedAt, t.id),
    index('hops_to_submitted_idx').on(t.toOrgId, t.submittedAt, t.id),
    index('hops_item_idx').on(t.itemId),
    index('hops_root_idx').on(t.rootHopId),
    index('hops_parent_idx').on(t.parentHopId),
    index('hops_from_idx').on(t.fromOrgId, t.submittedAt),
  ],
);

/** An adoption of a hop's item into one of the hub's periodicals (单篇/综合). Revoking keeps the row. */
export const adoptions = pgTable(
  'adoptions',
  {
    id: uuid('id').primaryKey(),
    hopId: uuid('hop_id')
      .notNull()
      .references(() => hops.id),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    hubId: uuid('hub_id')
      .notNull()
      .references(() => orgs.id),
    periodicalId: uuid('periodical_id')
      .notNull()
      .references(() => periodicals.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => itemVersions.id),
    /**
     * The adopted version's title, copied when adopting (the version never changes, so neither does this):
     * the notices and lists of adoptions read it here instead of joining item_versions.
     */
    title: text('title').notNull(),
    type: text('type', { enum: ADOPTION_TYPES }).notNull(),
    adoptedBy: uuid('adopted_by')
      .notNull()
      .references(() => users.id),
    adoptedAt: timestamp('adopted_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by'),
  },
  (t) => [
    index('adoptions_item_idx').on(t.itemId),
    index('adoptions_hub_idx').on(t.hubId, t.adoptedAt),
    uniqueIndex('adoptions_active_uq')
      .on(t.hopId, t.periodicalId)
      .where(sql`${t.revokedAt} is null`),
  ],
);

/** The item's timeline: one row per transition, written in the transaction that made it. */
export const itemEvents = pgTable(
  'item_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    hopId: uuid('hop_id'),
    actorId: uuid('actor_id')
      .notNull()
      .references(() => users.id),
    actorOrgId: uuid('actor_org_id')
      .notNull()
      .references(() => orgs.id),
    action: text('action').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    comment: text('comment'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('item_events_item_idx').on(t.itemId, t.id)],
);

export type ItemRow = typeof items.$inferSelect;
export type ItemVersionRow = typeof itemVersions.$inferSelect;
export type HopRow = typeof hops.$inferSelect;
export type AdoptionRow = typeof adoptions.$inferSelect;
export type ItemEventRow = typeof itemEvents.$inferSelect;
