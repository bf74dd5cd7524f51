import { createHash } from 'node:crypto';
import { Column, getTableName, is, SQL, Subquery, type Query } from 'drizzle-orm';
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
  prepareQuery(
    query: Query,
    fields: unknown,
    name: string,
    isResponseInArrayMode: boolean,
    customResultMapper?: (rows: unknown[][]) => unknown,
  ): unknown;
}

/** A drizzle query builder: its text, and drizzle's own prepared query (which maps the result rows). */
interface Builder<T> {
  toSQL(): Query;
  prepare(name: string): PreparedQuery<T>;
}

/** One selected field as drizzle lists it: where it goes in the row object, and what it is. */
interface SelectedField {
  path: string[];
  field: unknown;
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/** An SQL chunk's decoder (`sql<T>` with `.mapWith()`): internal to drizzle's types, hence the read. */
const sqlDecoder = (chunk: SQL): Decoder => (chunk as unknown as { decoder: Decoder }).decoder;

/** A selected field's decoder, found as drizzle's mapResultRow finds it. */
function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return field;
  if (is(field, SQL)) return sqlDecoder(field);
  if (is(field, Subquery)) return sqlDecoder(field._.sql as SQL);
  return sqlDecoder((field as SQL.Aliased).sql);
}

/**
 * Drizzle's row mapping (drizzle-orm/utils.js mapResultRow) with its per-field decisions taken once per
 * statement instead of at every cell: mapResultRow asks `is()` up to four times per cell (a prototype walk
 * each) and splits every path anew, 7% of the server's CPU on a list page of 21 rows × 16 columns. Same
 * result: values decoded by the same decoders, nulls kept, nested paths built, and a left-joined table
 * whose every column is null answered as null.
 */
export function compileRowMapper(
  fields: readonly SelectedField[],
  joinsNotNullableMap: Record<string, boolean> | undefined,
): (rows: unknown[][]) => Record<string, unknown>[] {
  const columns = fields.map(({ path, field }) => ({
    path,
    key: path[path.length - 1]!,
    decoder: decoderOf(field),
    // The table of a column of a joined object (path [object, column]): what decides a null join.
    table: joinsNotNullableMap && is(field, Column) && path.length === 2 ? getTableName(field.table) : null,
  }));
  if (columns.every((c) => c.path.length === 1)) {
    return (rows) =>
      rows.map((row) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) {
          const c = columns[i]!;
          const raw = row[i];
          out[c.key] = raw === null ? null : c.decoder.mapFromDriverValue(raw);
        }
        return out;
      });
  }
  return (rows) =>
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      // Per joined object: the one table all its columns were null for so far, or false.
      const nullify: Record<string, string | false> = {};
      for (let i = 0; i < columns.length; i++) {
        const c = columns[i]!;
        let node = out;
        for (let j = 0; j < c.path.length - 1; j++) {
          const chunk = c.path[j]!;
          if (!(chunk in node)) node[chunk] = {};
          node = node[chunk] as Record<string, unknown>;
        }
        const raw = row[i];
        const value = raw === null ? null : c.decoder.mapFromDriverValue(raw);
        node[c.key] = value;
        if (c.table !== null) {
          const object = c.path[0]!;
          if (!(object in nullify)) nullify[object] = value === null ? c.table : false;
          else if (typeof nullify[object] === 'string' && nullify[object] !== c.table)
            nullify[object] = false;
        }
      }
      if (joinsNotNullableMap)
        for (const [object, table] of Object.entries(nullify))
          if (typeof table === 'string' && !joinsNotNullableMap[table]) out[object] = null;
      return out;
    });
}

/** How a select's rows are mapped, decided once: the same for every run of the statement. */
interface RowShape {
  fields: unknown;
  /** compileRowMapper's mapper; none when drizzle answers something else than rows of fields. */
  mapRows: ((rows: unknown[][]) => Record<string, unknown>[]) | undefined;
}

/** The first run of a builder: drizzle prepares it under `name`; the row shape is kept for the next runs. */
function prepareFirst<T>(builder: Builder<T>, name: string): { first: PreparedQuery<T>; shape: RowShape } {
  const first = builder.prepare(name) as PreparedQuery<T> & PreparedInternals;
  const fields = first.fields as SelectedField[] | undefined;
  const joins = first.joinsNotNullableMap as Record<string, boolean> | undefined;
  return { first, shape: { fields, mapRows: fields && compileRowMapper(fields, joins) } };
}

/**
 * An already built query run as the named prepared statement `name` on the caller's session (the
 * transaction's connection), its rows mapped as drizzle's `prepare()` maps them (compileRowMapper).
 */
function runShaped<T>(
  db: Db,
  query: Query,
  shape: RowShape,
  name: string,
  values?: Record<string, unknown>,
): Promise<T> {
  const session = db._.session as unknown as SessionLike;
  const prepared = session.prepareQuery(query, shape.fields, name, true, shape.mapRows) as PreparedQuery<T>;
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
 * returns them: JSON parsed, timestamps as text (drizzle's node-postgres parsers, on either engine) — cast in
 * the SQL or convert in the caller.
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
