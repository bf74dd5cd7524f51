import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSerializerCompiler } from '../../src/server/http/serializer.js';
import { UserSchema } from '../../src/server/modules/orgs/schemas.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrgTree, buildUser, PASSWORD } from '../helpers/factories.js';

/**
 * Every operation in the OpenAPI document declares the schema of its success answer (issue 7): Fastify
 * serialises the answer through that schema, so no undeclared field leaves the server, and systems that
 * integrate with the API can read what each answer holds.
 */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

describe('OpenAPI responses', () => {
  it('declares a response schema for the success status of every operation', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, Operation>> }>();
    const missing: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
        // fastify-swagger writes "Default Response" with no content when a route declares nothing.
        const declared = success.some(
          ([status, r]) =>
            status === '204' ||
            Object.values(r.content ?? {}).some((c) => c.schema !== undefined && c.schema !== null),
        );
        if (!declared) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    if (missing.length)
      console.log(`operations without a response schema (${missing.length}):\n${missing.join('\n')}`);
    expect(operations).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** Paths of fields in `value` that the documented schema does not declare. */
function undeclared(value: unknown, schema: JsonSchema | undefined, path = '$'): string[] {
  if (!schema || value === null || typeof value !== 'object') return [];
  const branches = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (branches) {
    const per = branches.map((b) => undeclared(value, b, path));
    return per.find((p) => p.length === 0) ?? per[0] ?? [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclared(v, schema.items, `${path}[${i}]`));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      undeclared(v, schema.additionalProperties as JsonSchema, `${path}.${k}`),
    );
  return Object.entries(value).flatMap(([k, v]) =>
    schema.properties?.[k] ? undeclared(v, schema.properties[k], `${path}.${k}`) : [`${path}.${k}`],
  );
}

describe('answers hold only what their schema declares', () => {
  it('carry no undeclared field, and dates as ISO strings', async () => {
    const tree = await buildOrgTree(t.app.database.db);
    const editor = await Client.login(t.app, tree.K.editor, PASSWORD);
    const admin = await buildUser(t.app.database.db, tree.K.id, ['org_admin'], 'K单位管理员');
    const unitAdmin = await Client.login(t.app, admin.username, PASSWORD);
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          Operation & { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }
        >
      >;
    }>();
    const schemaOf = (path: string) =>
      doc.paths[path]!.get!.responses['200']!.content!['application/json']!.schema;
    const urls: [string, string][] = [
      ['/api/auth/me', '/api/auth/me'],
      ['/api/orgs', '/api/orgs'],
      [`/api/users?orgId=${tree.K.id}`, '/api/users'],
      [`/api/periodicals?hubId=${tree.K.id}`, '/api/periodicals'],
      [`/api/periodicals/${tree.K.periodicalId}/issues`, '/api/periodicals/{id}/issues'],
      ['/api/notifications', '/api/notifications'],
      [`/api/hubs/${tree.K.id}/scoring-rules`, '/api/hubs/{id}/scoring-rules'],
      [`/api/hubs/${tree.K.id}/rankings?period=month&month=2026-05`, '/api/hubs/{id}/rankings'],
    ];
    for (const [url, path] of urls) {
      const res = await (path === '/api/users' ? unitAdmin : editor).get(url);
      expect(res.statusCode, `${url} → ${res.body}`).toBe(200);
      expect(undeclared(res.json(), schemaOf(path)), url).toEqual([]);
    }
    const users = (await unitAdmin.get(`/api/users?orgId=${tree.K.id}`)).json<{ createdAt: unknown }[]>();
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(u.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('are written by compiled serialisers: only file answers keep zod, and the guard is on', () => {
    expect(process.env.ZX_CHECK_RESPONSES).toBe('1');
    const json = t.app.serializerFallbacks.filter((f) => !f.file);
    expect(json.map((f) => `${f.method} ${f.url} ${f.status}: ${f.reason}`)).toEqual([]);
    expect(t.app.serializerFallbacks.length).toBeGreaterThan(0);
  });

  it('drop a field the presenter returns but the schema does not declare (the serialiser the app uses)', () => {
    const serialise = createSerializerCompiler()({
      schema: UserSchema,
      method: 'GET',
      url: '/api/users',
      httpStatus: '200',
    });
    const user = {
      id: 'u1',
      username: 'wang',
      displayName: '王',
      phoneMasked: '138****8000',
      // A presenter that leaked the plain or encrypted phone would still not send it (SEC-22).
      phone: '13800138000',
      phoneEnc: 'v2.000000000000.x.y.z',
      email: null,
      disabled: false,
      mustChangePassword: false,
      lockedUntil: null,
      lastLoginAt: new Date('2026-05-01T08:00:00Z'),
      createdAt: new Date('2026-01-01T00:00:00Z'),
      rowVersion: 1,
      memberships: [{ orgId: 'o1', role: 'writer', secret: 1 }],
      pendingMemberships: [],
      abilities: {
        edit: true,
        editRoles: true,
        disable: true,
        resetPassword: true,
        unlock: false,
        endSessions: true,
        revealPhone: false,
      },
      passwordHash: 'scrypt$…',
    };
    const out = JSON.parse(serialise(user)) as Record<string, unknown>;
    expect(out).not.toHaveProperty('passwordHash');
    expect(out).not.toHaveProperty('phone');
    expect(out).not.toHaveProperty('phoneEnc');
    expect(out.phoneMasked).toBe('138****8000');
    expect((out.memberships as object[])[0]).toEqual({ orgId: 'o1', role: 'writer' });
    expect(out.lastLoginAt).toBe('2026-05-01T08:00:00.000Z');
  });
});
