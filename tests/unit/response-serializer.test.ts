import { describe, expect, it } from 'vitest';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Ok, Timestamp, fileResponse, XLSX } from '../../src/server/http/responses.js';
import {
  compileSerializer,
  createSerializerCompiler,
  toSerializerSchema,
  type SerializerFallback,
} from '../../src/server/http/serializer.js';

const route = { method: 'GET', url: '/api/x', httpStatus: '200' } as const;

function compiled(schema: z.ZodType): (data: unknown) => string {
  const c = compileSerializer(schema);
  if ('reason' in c) throw new Error(c.reason);
  return c.serialize;
}

/** The compiled writer gives the JSON zod gives, and returns it parsed. */
function same(schema: z.ZodType, value: unknown): unknown {
  const fast = JSON.parse(compiled(schema)(value)) as unknown;
  const zod = JSON.parse(zodSerializerCompiler({ ...route, schema })(value)) as unknown;
  expect(fast).toStrictEqual(zod);
  return fast;
}

const at = new Date('2026-05-01T08:00:00.123Z');

describe('compiled response serialiser', () => {
  it('writes dates as ISO strings, nested in objects and arrays, and null dates as null', () => {
    const schema = z.object({
      createdAt: Timestamp,
      closedAt: Timestamp.nullable(),
      rows: z.array(z.object({ at: Timestamp, history: z.array(Timestamp), until: Timestamp.optional() })),
    });
    const out = same(schema, {
      createdAt: at,
      closedAt: null,
      rows: [
        { at, history: [at, new Date(0)] },
        { at, history: [], until: at },
      ],
    });
    expect(out).toEqual({
      createdAt: '2026-05-01T08:00:00.123Z',
      closedAt: null,
      rows: [
        { at: '2026-05-01T08:00:00.123Z', history: ['2026-05-01T08:00:00.123Z', '1970-01-01T00:00:00.000Z'] },
        { at: '2026-05-01T08:00:00.123Z', history: [], until: '2026-05-01T08:00:00.123Z' },
      ],
    });
  });

  it('drops undeclared fields, at every depth', () => {
    const schema = z.object({ id: z.string(), memberships: z.array(z.object({ orgId: z.string() })) });
    const out = same(schema, {
      id: 'u1',
      passwordHash: 'secret',
      memberships: [{ orgId: 'o1', secret: 1 }],
    });
    expect(out).toEqual({ id: 'u1', memberships: [{ orgId: 'o1' }] });
  });

  it('throws on a missing required field, and omits an undefined optional one', () => {
    const schema = z.object({ id: z.string(), note: z.string().optional(), email: z.string().nullable() });
    expect(() => compiled(schema)({ email: null })).toThrow(/"id" is required/);
    expect(() => compiled(schema)({ id: 'a' })).toThrow(/"email" is required/);
    expect(same(schema, { id: 'a', note: undefined, email: null })).toEqual({ id: 'a', email: null });
    expect(same(schema, { id: 'a', note: 'n', email: 'a@b.cn' })).toEqual({
      id: 'a',
      note: 'n',
      email: 'a@b.cn',
    });
  });

  it('writes nullable objects, arrays, enums, literals and numbers', () => {
    const schema = z.object({
      org: z.object({ id: z.string() }).nullable(),
      tags: z.array(z.string()).nullable(),
      role: z.enum(['writer', 'editor']).nullable(),
      ok: z.literal(true),
      kind: z.literal('hop').nullable(),
      count: z.number().int(),
      score: z.number(),
      anything: z.unknown(),
      maybe: z.unknown().nullable(),
    });
    same(schema, {
      org: null,
      tags: null,
      role: null,
      ok: true,
      kind: null,
      count: 3,
      score: 1.5,
      anything: { a: [1, at] },
      maybe: null,
    });
    const out = same(schema, {
      org: { id: 'o', extra: 1 },
      tags: ['a', 'b'],
      role: 'editor',
      ok: true,
      kind: 'hop',
      count: -7,
      score: 0.1 + 0.2,
      anything: undefined,
      maybe: 'x',
    });
    expect(out).toMatchObject({ org: { id: 'o' }, kind: 'hop', score: 0.30000000000000004 });
    expect(out).not.toHaveProperty('anything');
    expect(compiled(Ok)({ ok: true })).toBe('{"ok":true}');
  });

  it('writes records, keyed by any string or by an enum', () => {
    const schema = z.object({
      byLevel: z.record(z.string(), z.number()),
      labels: z.record(z.enum(['a', 'b']), z.string()),
      detail: z.record(z.string(), z.unknown()).nullable(),
      nested: z.record(z.string(), z.object({ at: Timestamp })),
    });
    same(schema, {
      byLevel: { 省级: 2, 市级: 0 },
      labels: { a: '甲', b: '乙' },
      detail: { from: 'x', n: 1, list: [null] },
      nested: { k: { at, drop: 1 } },
    });
    same(schema, { byLevel: {}, labels: { a: '', b: '' }, detail: null, nested: {} });
  });

  it('picks the union branch zod picks, dropping the fields of the other branch', () => {
    const Me = z.object({ user: z.object({ id: z.string() }), csrfToken: z.string() });
    const Challenge = z.object({ secondFactor: z.enum(['totp', 'sm2-ukey']), challenge: z.string() });
    const schema = z.union([Me, Challenge]);
    expect(same(schema, { user: { id: 'u', phone: '138' }, csrfToken: 't', session: 's' })).toEqual({
      user: { id: 'u' },
      csrfToken: 't',
    });
    expect(same(schema, { secondFactor: 'totp', challenge: 'c', userId: 'u' })).toEqual({
      secondFactor: 'totp',
      challenge: 'c',
    });
    const shapes = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('adopted'), at: Timestamp, points: z.number() }),
      z.object({ kind: z.literal('penalty'), reason: z.string().nullable() }),
    ]);
    const list = z.array(shapes);
    expect(
      same(list, [
        { kind: 'adopted', at, points: 2, reason: 'x' },
        { kind: 'penalty', reason: null, at },
      ]),
    ).toEqual([
      { kind: 'adopted', at: '2026-05-01T08:00:00.123Z', points: 2 },
      { kind: 'penalty', reason: null },
    ]);
  });

  it('keeps the extra fields of a loose object, as zod does', () => {
    const schema = z.looseObject({ openapi: z.string(), paths: z.looseObject({}) });
    expect(same(schema, { openapi: '3.0.3', paths: { '/a': { get: {} } }, info: { title: 't' } })).toEqual({
      openapi: '3.0.3',
      paths: { '/a': { get: {} } },
      info: { title: 't' },
    });
  });

  it('writes any text as JSON.stringify does', () => {
    const schema = z.object({ s: z.string(), list: z.array(z.string()) });
    const texts = [
      '政务信息“采用”',
      'emoji 😀 and 𠀀',
      'quote " backslash \\ slash /',
      'line\nbreak\ttab\u0001',
      '\u2028\u2029',
      'x'.repeat(5000) + '"',
      'a\ud800b',
      '',
    ];
    for (const s of texts) same(schema, { s, list: texts });
    expect(same(schema, { s: '政讯', list: Array.from({ length: 300 }, (_, i) => `第${i}条`) })).toBeTruthy();
  });

  it('writes a large list answer (200 rows) exactly as zod does', () => {
    const Row = z.object({
      orgId: z.uuid(),
      name: z.string(),
      rank: z.number().int(),
      score: z.number(),
      adopted: z.number().int(),
      lastAt: Timestamp.nullable(),
      levels: z.record(z.string(), z.number()),
    });
    const schema = z.object({ period: z.object({ label: z.string(), from: Timestamp }), rows: z.array(Row) });
    const rows = Array.from({ length: 200 }, (_, i) => ({
      orgId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `单位${i}`,
      rank: i + 1,
      score: i / 3,
      adopted: i,
      lastAt: i % 3 ? at : null,
      levels: { 省级: i % 5 },
      internal: 'x',
    }));
    same(schema, { period: { label: '2026年', from: at }, rows });
  });
});

describe('serializer compiler', () => {
  it('falls back to zod for a schema JSON Schema cannot hold, and reports it', () => {
    const schema = z.object({ n: z.string().transform((s) => s.length) });
    expect(toSerializerSchema(schema)).toEqual({ reason: expect.stringMatching(/transform/i) });
    const fallbacks: SerializerFallback[] = [];
    const serialise = createSerializerCompiler({ onFallback: (f) => fallbacks.push(f) })({
      ...route,
      schema: z.object({ at: z.custom<Date>((v) => v instanceof Date) }),
    });
    expect(serialise({ at })).toBe('{"at":"2026-05-01T08:00:00.123Z"}');
    expect(fallbacks).toEqual([expect.objectContaining({ url: '/api/x', status: '200', file: false })]);
  });

  it('in lazy mode, compiles a route on its first answer, not before, and once', () => {
    const fallbacks: SerializerFallback[] = [];
    const serialise = createSerializerCompiler({ lazy: true, onFallback: (f) => fallbacks.push(f) })({
      ...route,
      schema: z.object({ at: z.custom<Date>((v) => v instanceof Date) }),
    });
    expect(fallbacks).toEqual([]);
    expect(serialise({ at })).toBe('{"at":"2026-05-01T08:00:00.123Z"}');
    expect(serialise({ at })).toBe('{"at":"2026-05-01T08:00:00.123Z"}');
    expect(fallbacks).toHaveLength(1);
    const compiled = createSerializerCompiler({ lazy: true })({
      ...route,
      schema: z.object({ n: z.number() }),
    });
    expect(compiled({ n: 1, extra: 2 })).toBe('{"n":1}');
  });

  it('counts a file answer as a file, not as a JSON route', () => {
    const fallbacks: SerializerFallback[] = [];
    const file = fileResponse([XLSX], 'x').content[XLSX]!.schema;
    createSerializerCompiler({ onFallback: (f) => fallbacks.push(f) })({
      ...route,
      schema: file,
      contentType: XLSX,
    });
    expect(fallbacks).toEqual([expect.objectContaining({ file: true, contentType: XLSX })]);
  });

  it('in check mode, still refuses what zod refuses and throws when the two writers disagree', () => {
    const schema = z.object({ a: z.string() });
    const check = createSerializerCompiler({ check: true })({ ...route, schema });
    expect(check({ a: 'x', b: 1 })).toBe('{"a":"x"}');
    expect(() => check({ a: 1 })).toThrow(/match the schema/);
    // fast-json-stringify honours toJSON, zod reads the fields: the guard sees the difference.
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(() => check({ a: 'zod', toJSON: () => ({ a: 'fjs' }) })).toThrow(
        /serialiser mismatch on GET \/api\/x 200/,
      );
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });
});
