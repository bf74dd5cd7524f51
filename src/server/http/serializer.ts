import { isDeepStrictEqual } from 'node:util';
import type { FastifySerializerCompiler } from 'fastify';
import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Answers are written by a serialiser compiled from each route's zod response schema (zod → JSON Schema →
 * fast-json-stringify) instead of zod's run-time encode + JSON.stringify, which cost a third of the CPU of
 * the ranking and list routes. The compiled writer keeps the two promises of the zod one: only declared
 * fields leave the server (undeclared ones are dropped), and a missing required field is an error (500).
 * It does not re-check values (types, enums, formats): the guard below does that in tests, on every answer.
 */

/** A JSON Schema node as zod writes it and fast-json-stringify reads it. */
type JsonSchema = { [keyword: string]: unknown };

/** A route (method, URL, status, content type) that keeps the zod serialiser, and why. */
export interface SerializerFallback {
  method: string;
  url: string;
  status: string;
  contentType: string | undefined;
  reason: string;
  /** A file answer (fileResponse): sent as a Buffer, never serialised, so the fallback costs nothing. */
  file: boolean;
}

export interface CompiledSerializerOptions {
  /**
   * Also run the zod serialiser on every answer and throw unless both give the same JSON (tests set
   * ZX_CHECK_RESPONSES=1, see vitest.config.ts): zod still validates, and the compiled writer is compared
   * with it on every real answer.
   */
  check?: boolean;
  /**
   * Compile each route's writer on its first answer instead of at start-up (production: the server answers
   * sooner after a restart, and routes never called cost nothing). Tests compile eagerly, so every schema's
   * fallback is known once the app is ready.
   */
  lazy?: boolean;
  onFallback?: (fallback: SerializerFallback) => void;
}

/** zod types with no faithful JSON Schema for output: their routes keep the zod serialiser. */
const UNSUPPORTED = new Set([
  'custom',
  'transform',
  'promise',
  'map',
  'set',
  'bigint',
  'symbol',
  'undefined',
  'void',
  'nan',
  'function',
  'never',
]);

/** Annotations that do not change what is written. */
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'deprecated', 'readOnly', 'writeOnly']);

/**
 * The JSON Schema fast-json-stringify compiles for a zod response schema, or the reason it cannot be one.
 * Exported for the unit test and the benchmark.
 */
export function toSerializerSchema(schema: z.core.$ZodType): { schema: JsonSchema } | { reason: string } {
  const unsupported = new Set<string>();
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, {
      io: 'output',
      target: 'draft-07',
      unrepresentable: 'any',
      cycles: 'ref',
      reused: 'inline',
      override: (ctx) => {
        const type = ctx.zodSchema._zod.def.type;
        // A Date is written by JSON.stringify as its ISO string (Timestamp in responses.ts).
        if (type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
        else if (UNSUPPORTED.has(type)) unsupported.add(type);
      },
    }) as JsonSchema;
  } catch (err) {
    return { reason: (err as Error).message };
  }
  if (unsupported.size) return { reason: `unsupported zod types: ${[...unsupported].join(', ')}` };
  delete json.$schema;
  return { schema: forSerializer(json) };
}

/**
 * Rewrites zod's JSON Schema into the form whose fast-json-stringify output equals zod's:
 * - `additionalProperties: false` goes: fast-json-stringify writes only declared properties anyway, and
 *   without it a union branch is chosen like zod does (an object with extra fields still matches it);
 * - `anyOf [X, null]` becomes X with `nullable: true` (one null test instead of a validation per value);
 * - a property of any/unknown type is not required (zod accepts undefined there, JSON.stringify drops it);
 * - `default` goes: a missing required field stays an error, as in zod.
 */
function forSerializer(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'default') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (
      (key === 'properties' || key === 'definitions' || key === '$defs') &&
      value !== null &&
      typeof value === 'object'
    )
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, forSerializer(v)]),
      );
    else if (['anyOf', 'oneOf', 'allOf', 'prefixItems'].includes(key) && Array.isArray(value))
      out[key] = (value as JsonSchema[]).map(forSerializer);
    else if (key === 'items' && Array.isArray(value)) out[key] = (value as JsonSchema[]).map(forSerializer);
    else if (
      ['items', 'additionalProperties', 'not', 'if', 'then', 'else'].includes(key) &&
      value !== null &&
      typeof value === 'object'
    )
      out[key] = forSerializer(value as JsonSchema);
    else out[key] = value;
  }
  if (Array.isArray(out.required) && out.properties) {
    const properties = out.properties as Record<string, JsonSchema>;
    out.required = (out.required as string[]).filter((k) => !properties[k] || !isAnything(properties[k]));
  }
  return collapseNullable(out);
}

function isAnything(schema: JsonSchema): boolean {
  return Object.keys(schema).every((k) => ANNOTATIONS.has(k));
}

function collapseNullable(node: JsonSchema): JsonSchema {
  const anyOf = node.anyOf as JsonSchema[] | undefined;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return node;
  const nullAt = anyOf.findIndex((b) => b.type === 'null' && Object.keys(b).length === 1);
  if (nullAt < 0) return node;
  const other = anyOf[1 - nullAt]!;
  const { anyOf: _anyOf, ...siblings } = node;
  // Null already passes a schema with no type ({} for unknown); a $ref or a union keeps its anyOf.
  if (isAnything(other)) return { ...siblings, ...other };
  if (typeof other.type !== 'string' || other.anyOf || other.oneOf || other.allOf || other.$ref) return node;
  const merged: JsonSchema = { ...siblings, ...other, nullable: true };
  // fast-json-stringify writes a const without looking at the value: as an enum, null can still be written
  // (and Ajv, choosing a union branch, accepts null).
  if ('const' in merged) {
    merged.enum = [merged.const, null];
    delete merged.const;
  } else if (Array.isArray(merged.enum)) merged.enum = [...(merged.enum as unknown[]), null];
  return merged;
}

type Serialize = (data: unknown) => string;

/** The fast-json-stringify writer of a zod schema, or the reason it has none. */
export function compileSerializer(schema: z.core.$ZodType): { serialize: Serialize } | { reason: string } {
  const converted = toSerializerSchema(schema);
  if ('reason' in converted) return converted;
  try {
    // compileValidators: the Ajv validators that choose a union branch are built now, not on a first answer.
    const serialize = fastJson(converted.schema, { compileValidators: true }) as Serialize;
    return { serialize };
  } catch (err) {
    return { reason: `fast-json-stringify: ${(err as Error).message}` };
  }
}

/** Fastify's serializerCompiler: compiled writers, the zod serialiser where a schema cannot be compiled. */
export function createSerializerCompiler(
  opts: CompiledSerializerOptions = {},
): FastifySerializerCompiler<z.core.$ZodType | { properties: z.core.$ZodType }> {
  return (route) => {
    if (!opts.lazy) return writerFor(route, opts);
    let write: Serialize | null = null;
    return (data) => (write ??= writerFor(route, opts))(data);
  };
}

function writerFor(
  route: Parameters<FastifySerializerCompiler<z.core.$ZodType | { properties: z.core.$ZodType }>>[0],
  opts: CompiledSerializerOptions,
): Serialize {
  const zodSerialize = zodSerializerCompiler(route);
  const schema = zodSchemaOf(route.schema);
  const compiled: { serialize: Serialize } | { reason: string } = schema
    ? compileSerializer(schema)
    : { reason: 'not a zod schema' };
  if ('reason' in compiled) {
    opts.onFallback?.({
      method: String(route.method),
      url: route.url,
      status: String(route.httpStatus),
      contentType: route.contentType,
      reason: compiled.reason,
      file: schema?._zod.def.type === 'custom',
    });
    return zodSerialize;
  }
  const { serialize } = compiled;
  if (!opts.check) return serialize;
  const where = `${String(route.method)} ${route.url} ${String(route.httpStatus)}`;
  return (data) => {
    // zod first: a value it refuses is the same error as without the compiled writer.
    const expected = zodSerialize(data);
    let actual: string;
    try {
      actual = serialize(data);
    } catch (err) {
      throw mismatch(where, `the compiled serialiser threw where zod did not: ${(err as Error).message}`);
    }
    if (!isDeepStrictEqual(JSON.parse(actual), JSON.parse(expected)))
      throw mismatch(where, `zod wrote ${clip(expected)}\ncompiled wrote ${clip(actual)}`);
    return actual;
  };
}

function zodSchemaOf(schema: unknown): z.core.$ZodType | null {
  if (schema instanceof z.core.$ZodType) return schema;
  if (schema !== null && typeof schema === 'object' && 'properties' in schema) {
    const inner = (schema as { properties: unknown }).properties;
    if (inner instanceof z.core.$ZodType) return inner;
  }
  return null;
}

function mismatch(where: string, detail: string): Error {
  const err = new Error(`response serialiser mismatch on ${where}: ${detail}`);
  // Tests run the app without a logger; the failing test then shows only a 500.
  console.error(err.message);
  return err;
}

function clip(json: string): string {
  return json.length > 2000 ? `${json.slice(0, 2000)}…` : json;
}
