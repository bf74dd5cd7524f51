/** Every table, for Drizzle and drizzle-kit. Each module owns its own schema file. */
export * from '../modules/orgs/schema.js';
export * from '../modules/auth/schema.js';
export * from '../modules/audit/schema.js';
export * from '../modules/periodicals/schema.js';
export * from '../modules/items/schema.js';
export * from '../modules/notifications/schema.js';
export * from '../modules/instructions/schema.js';
export * from '../modules/scoring/schema.js';
export * from '../modules/attachments/schema.js';
export * from '../modules/autosave/schema.js';
export * from '../modules/delivery/schema.js';
export * from './change-feed-schema.js';
