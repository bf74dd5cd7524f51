import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * A column as `"table"."column"`, whatever the query it lands in. Drizzle leaves columns unqualified in a
 * select from one table, and inside a correlated subquery an unqualified `"id"` binds to the subquery's
 * own table: every reference to the outer row from a subquery goes through this. (An `alias()`ed table is
 * named by its table name, not its alias.)
 */
export function qualified(column: AnyPgColumn): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}
