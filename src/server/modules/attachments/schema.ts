import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { items } from '../items/schema.js';
import { users } from '../orgs/schema.js';
import { periodicalIssues } from '../periodicals/schema.js';

/**
 * An uploaded image. The bytes live in the attachment store (local disk by default) under `storageKey`,
 * a server-made name derived from the content hash; nothing of the uploader's file name reaches the disk.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey(),
    sha256: text('sha256').notNull(),
    mime: text('mime').notNull(),
    byteSize: integer('byte_size').notNull(),
    width: integer('width'),
    height: integer('height'),
    /** The uploader's file name, for display only. */
    fileName: text('file_name').notNull(),
    storageKey: text('storage_key').notNull(),
    uploadedBy: uuid('uploaded_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('attachments_uploader_idx').on(t.uploadedBy, t.createdAt)],
);

/** Which item's text uses an attachment: whoever may see the item may see its images. */
export const attachmentItemUses = pgTable(
  'attachment_item_uses',
  {
    attachmentId: uuid('attachment_id')
      .notNull()
      .references(() => attachments.id),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
  },
  (t) => [
    primaryKey({ columns: [t.attachmentId, t.itemId] }),
    index('attachment_item_uses_item_idx').on(t.itemId),
  ],
);

/** Which issue's text uses an attachment: the issue's readers may see its images. */
export const attachmentIssueUses = pgTable(
  'attachment_issue_uses',
  {
    attachmentId: uuid('attachment_id')
      .notNull()
      .references(() => attachments.id),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => periodicalIssues.id),
  },
  (t) => [
    primaryKey({ columns: [t.attachmentId, t.issueId] }),
    index('attachment_issue_uses_issue_idx').on(t.issueId),
  ],
);
