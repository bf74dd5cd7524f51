import { createHash } from 'node:crypto';
import type { Query, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/** What drizzle's `prepare()` answers, on either driver. */
interface PreparedQuery<T> {
  execute(placeholderValues?: Record<string, unknown>): Promise<T>;
}

/**
 * The parts of drizzle's prepared query this module reuses. Both drivers' prepared queries (node-postgres
 * and PGlite) keep the ordered result fields and the nullable-join map under these names; they are not in
 * drizzle's public types, hence the structural read.
 */
interface PreparedInternals {
  fields?: unknown;
  joinsNotNullableMap?: unknown;
}

interface SessionLike {
  prepareQuery(query: Query, fields: unknown, name: string, isResponseInArrayMode: boolean): unknown;
}

/** A drizzle query builder: its text, and drizzle's own prepared query (which maps the result rows). */
interface Builder<T> {
  toSQL(): Query;
  prepare(name: string): PreparedQuery<T>;
}

/** How drizzle maps a select's rows (its ordered fields and nullable joins), the same for every run. */
interface RowShape {
  fields: unknown;
  joins: unknown;
}

/** The first run of a builder: drizzle prepares it under `name`; the row shape is kept for the next runs. */
function prepareFirst<T>(builder: Builder<T>, name: string): { first: PreparedQuery<T>; shape: RowShape } {
  const first = builder.prepare(name) as PreparedQuery<T> & PreparedInternals;
  return { first, shape: { fields: first.fields, joins: first.joinsNotNullableMap } };
}

/**
 * An already built query run as the named prepared statement `name` on the caller's session (the
 * transaction's connection), its rows mapped by drizzle exactly as `prepare()` maps them.
 */
function runShaped<T>(
  db: Db,
  query: Query,
  shape: RowShape,
  name: string,
  values?: Record<string, unknown>,
): Promise<T> {
  const session = db._.session as unknown as SessionLike;
  const prepared = session.prepareQuery(query, shape.fields, name, true) as PreparedQuery<T> &
    PreparedInternals;
  prepared.joinsNotNullableMap = shape.joins;
  return prepared.execute(values);
}

/**
 * A hot-path statement whose query is built once. Drizzle's builder costs 0.1–0.7 ms of CPU per call (it
 * walks the query tree with `is()` checks at every node), and the statements every request runs (the
 * session lookup, loading a hop or an item for an action) have the same text each time, only their
 * parameters (`sql.placeholder`) differ. The first call builds the query from `build` and keeps its SQL
 * text and result fields; every later call hands both to the caller's session (the transaction's
 * connection) as a named prepared statement, so neither Node nor PostgreSQL redoes the work: the server
 * parses and plans the name once per connection. Results are mapped by drizzle exactly as `prepare()` maps
 * them.
 */
export function preparedStatement<T>(
  name: string,
  build: (db: Db) => Builder<T>,
): (db: Db, values: Record<string, unknown>) => Promise<T> {
  let built: { query: Query; shape: RowShape } | null = null;
  return (db, values) => {
    if (!built) {
      const builder = build(db);
      const { first, shape } = prepareFirst(builder, name);
      built = { query: builder.toSQL(), shape };
      return first.execute(values);
    }
    return runShaped(db, built.query, built.shape, name, values);
  };
}

const dialect = new PgDialect();

/**
 * A fixed raw statement (an `sql` template whose parameters are all `sql.placeholder`s), turned into text
 * once and run as a named prepared statement on the caller's connection. Rows come back as the driver
 * returns them: JSON parsed, timestamps as text on node-postgres and as Date on PGlite — cast in the SQL or
 * convert in the caller.
 */
export function preparedSql<T>(
  name: string,
  query: SQL,
): (db: Db, values: Record<string, unknown>) => Promise<T[]> {
  const built = dialect.sqlToQuery(query);
  return async (db, values) => {
    const session = db._.session as unknown as SessionLike;
    const prepared = session.prepareQuery(built, undefined, name, false) as PreparedQuery<{ rows: T[] }>;
    return (await prepared.execute(values)).rows;
  };
}

/**
 * A statement whose text varies only with its shape — which optional filters are present, how many ids an
 * `IN` list holds — and whose values are all `sql.placeholder`s. Each shape is built by drizzle once and
 * then runs like `preparedStatement` (named by `prefix` and a digest of the shape): a later page of the
 * same shape neither builds the query in Node (0.1–0.3 ms of drizzle's tree walk for a list page) nor
 * parses and plans it in PostgreSQL. Shapes are few (the filters' combinations); past `max` the oldest
 * is forgotten. `shape` must be a plain object built with its keys in a fixed order.
 */
export function preparedShapes<S, T>(
  prefix: string,
  build: (db: Db, shape: S) => Builder<T>,
  max = 512,
): (db: Db, shape: S, values: Record<string, unknown>) => Promise<T> {
  const byKey = new Map<string, (db: Db, values: Record<string, unknown>) => Promise<T>>();
  return (db, shape, values) => {
    const key = JSON.stringify(shape);
    let run = byKey.get(key);
    if (!run) {
      if (byKey.size >= max) {
        const oldest = byKey.keys().next().value;
        if (oldest !== undefined) byKey.delete(oldest);
      }
      const name = `${prefix}_${createHash('sha1').update(key).digest('base64url').slice(0, 20)}`;
      run = preparedStatement(name, (d) => build(d, shape));
      byKey.set(key, run);
    }
    return run(db, values);
  };
}
