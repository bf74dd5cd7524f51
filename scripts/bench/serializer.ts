/**
 * `npm run bench:serializer` — how fast an answer is written: zod (fastify-type-provider-zod's serialiser:
 * encode, then JSON.stringify) against the serialiser compiled from the same schema (src/server/http/
 * serializer.ts, fast-json-stringify). Large realistic answers of the real response schemas: a year ranking
 * and a list page of 200 rows each. Prints ops/s; asserts nothing (speed is never a timed test).
 *
 *   npm run bench:serializer -- [--seconds 2] [--rows 200]
 *
 * The JSON.stringify column writes zod's already-encoded answer: the floor of what any writer costs.
 *
 * Run it under `nice` on a shared machine; compare the ratio, not the absolute figures.
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { compileSerializer } from '../../src/server/http/serializer.js';
import { InboxPage, ItemListPage } from '../../src/server/modules/items/schemas.js';
import { Rankings } from '../../src/server/modules/scoring/schemas.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '2' }, rows: { type: 'string', default: '200' } },
});
const seconds = Number(values.seconds);
const rowCount = Number(values.rows);

const uuid = (i: number) => `0190a6b2-0000-7000-8000-${String(i).padStart(12, '0')}`;
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 3_600_000);
const rows = <T>(make: (i: number) => T): T[] => Array.from({ length: rowCount }, (_, i) => make(i));

const periodicals = ['《政务信息》', '《每日要情》', '《专报》'].map((name, i) => ({
  periodicalId: uuid(9000 + i),
  periodicalName: name,
}));

// What the use cases return: the declared fields and, as presenters often do, a few that the schema drops.
const answers: { name: string; schema: z.ZodType; value: unknown }[] = [
  {
    name: `rankings (year, ${rowCount} units)`,
    schema: Rankings,
    value: {
      hub: { id: uuid(1), name: '某某省人民政府办公厅' },
      period: { kind: 'year', label: '2026年', start: '2026-01-01', end: '2026-12-31' },
      periodicals,
      annualZeroingApplied: false,
      rows: rows((i) => ({
        orgId: uuid(i),
        orgName: `某某市第${i}单位人民政府办公室`,
        orgShortName: `第${i}单位`,
        orgKind: i % 3 ? 'department' : 'general_office',
        orgKindLabel: i % 3 ? '政府部门' : '政府办公厅/办公室',
        isHub: i === 0,
        submittedByLevel: { national: i % 2, province: i % 7, city: i % 11, county: i % 13 },
        submitted: 40 + (i % 50),
        adopted: 10 + (i % 20),
        adoptions: 12 + (i % 25),
        adoptedOfSubmitted: 10 + (i % 20),
        adoptionRate: i % 9 ? (10 + (i % 20)) / (40 + (i % 50)) : null,
        adoptedByPeriodical: periodicals.map((p, k) => ({ ...p, count: (i + k) % 6 })),
        instructions: i % 4,
        missedSolicitations: i % 3,
        ledgerPoints: (i % 10) * 0.5,
        points: 100 - i * 0.25,
        zeroed: false,
        rank: i + 1,
        tied: i % 17 === 0,
        orgPath: `/1/${i}`,
      })),
      abilities: { edit_rules: true, add_entry: true, manage_quotas: false, compose_notice: true },
    },
  },
  {
    name: `items list page (${rowCount} rows)`,
    schema: ItemListPage,
    value: {
      rows: rows((i) => ({
        id: uuid(i),
        title: `关于做好2026年第${i}季度政务信息报送工作的通知——“报送质量”提升专项`,
        state: i % 4 ? 'submitted' : 'draft',
        category: 'dynamic',
        urgency: 'normal',
        orgId: uuid(5000 + (i % 30)),
        orgName: `某某县第${i % 30}局`,
        authorName: `信息员${i}`,
        currentVersionNo: 1 + (i % 5),
        updatedAt: at(i),
        submittedAt: i % 4 ? at(i + 1) : null,
        hopStates: i % 4 ? ['received', 'handled'] : [],
        adoptedIn: i % 5 ? [] : ['《政务信息》2026年第3期'],
        bodyHtml: '<p>不在列表里的正文</p>',
      })),
      nextCursor: 'eyJ1cGRhdGVkQXQiOiIyMDI2LTAxLTAxIn0',
    },
  },
  {
    name: `inbox page (${rowCount} rows)`,
    schema: InboxPage,
    value: {
      rows: rows((i) => ({
        hopId: uuid(i),
        itemId: uuid(10_000 + i),
        title: `某某县关于第${i}项重点工作进展情况的报告`,
        category: 'dynamic',
        urgency: i % 7 ? 'normal' : 'urgent',
        state: 'received',
        stage: 1 + (i % 3),
        forwarded: i % 2 === 0,
        fromOrgId: uuid(20_000 + i),
        fromOrgName: `某某县第${i % 30}局`,
        toOrgId: uuid(1),
        toOrgName: '某某市人民政府办公室',
        originOrgName: `某某县第${i % 30}局`,
        submittedAt: at(i),
        receivedAt: i % 3 ? at(i + 2) : null,
        signForDeadline: i % 5 ? null : at(i + 24),
      })),
      nextCursor: null,
    },
  },
];

function opsPerSecond(fn: () => string): number {
  for (let i = 0; i < 200; i++) fn();
  const end = performance.now() + seconds * 1000;
  let ops = 0;
  let now = performance.now();
  const start = now;
  while (now < end) {
    for (let i = 0; i < 20; i++) fn();
    ops += 20;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

const route = { method: 'GET', url: '/bench', httpStatus: '200' } as const;
console.log(`node ${process.version}, ${seconds}s per measure\n`);
console.log(
  'answer'.padEnd(34),
  'bytes'.padStart(8),
  'zod ops/s'.padStart(10),
  'compiled ops/s'.padStart(15),
  '×'.padStart(5),
  'JSON.stringify ops/s'.padStart(21),
);
for (const { name, schema, value } of answers) {
  const zod = zodSerializerCompiler({ ...route, schema });
  const compiled = compileSerializer(schema);
  if ('reason' in compiled) throw new Error(`${name}: not compiled (${compiled.reason})`);
  const fast = compiled.serialize;
  let json: string;
  try {
    json = zod(value);
  } catch (err) {
    throw new Error(`${name}: zod refuses the fixture (${String((err as Error).cause).slice(0, 300)})`, {
      cause: err,
    });
  }
  // Key order may differ (fast-json-stringify writes required fields first): compare parsed.
  if (!isDeepStrictEqual(JSON.parse(fast(value)), JSON.parse(json)))
    throw new Error(`${name}: the two writers disagree`);
  const encoded = JSON.parse(json) as unknown;
  const z1 = opsPerSecond(() => zod(value));
  const f1 = opsPerSecond(() => fast(value));
  const j1 = opsPerSecond(() => JSON.stringify(encoded));
  console.log(
    name.padEnd(34),
    String(Buffer.byteLength(json)).padStart(8),
    z1.toFixed(0).padStart(10),
    f1.toFixed(0).padStart(15),
    (f1 / z1).toFixed(1).padStart(5),
    j1.toFixed(0).padStart(21),
  );
}
