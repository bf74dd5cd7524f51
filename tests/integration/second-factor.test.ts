import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/server/app.js';
import { auditLog } from '../../src/server/modules/audit/schema.js';
import { loginChallenges, secondFactors } from '../../src/server/modules/auth/schema.js';
import { base32Decode, totp } from '../../src/server/modules/auth/totp.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrg, buildUser, PASSWORD } from '../helpers/factories.js';

let t: TestApp;
let app: App;
let orgId: string;

beforeAll(async () => {
  t = await buildTestApp();
  app = t.app;
  orgId = await buildOrg(app.database.db, {
    name: '某县政府办',
    parentId: null,
    level: 'county',
    isHub: true,
  });
}, 60_000);
afterAll(async () => t.close());

const passwordStep = (username: string, password = PASSWORD) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const secondStep = (payload: object) =>
  app.inject({ method: 'POST', url: '/api/auth/login/second-factor', payload });
const codeNow = (secret: Buffer) => totp(secret, Date.now());
const wrongCode = (secret: Buffer) =>
  String((Number(codeNow(secret)) + 500_000) % 1_000_000).padStart(6, '0');

/** Enrols a user: returns the secret (as the authenticator app would hold it) and the recovery codes. */
async function enrol(username: string): Promise<{ secret: Buffer; recoveryCodes: string[] }> {
  const c = await Client.login(app, username, PASSWORD);
  const started = await c.post('/api/auth/second-factor/enrol', { kind: 'totp' });
  expect(started.statusCode).toBe(200);
  const { uri, secret } = started.json<{ uri: string; secret: string }>();
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const key = base32Decode(secret);
  const bad = await c.post('/api/auth/second-factor/confirm', { code: wrongCode(key) });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().details?.field ?? bad.json().field).toBe('code');
  const confirmed = await c.post('/api/auth/second-factor/confirm', { code: codeNow(key) });
  expect(confirmed.statusCode).toBe(200);
  return { secret: key, recoveryCodes: confirmed.json<{ recoveryCodes: string[] }>().recoveryCodes };
}

/** The confirming code marked its time step used; tests that log in right away start from a clean marker. */
const forgetLastStep = (userId: string) =>
  app.database.db.update(secondFactors).set({ lastUsedStep: null }).where(eq(secondFactors.userId, userId));

async function challengeFor(username: string): Promise<string> {
  const res = await passwordStep(username);
  expect(res.statusCode).toBe(200);
  const body = res.json<{ secondFactor: string; challenge: string; csrfToken?: string }>();
  expect(body.secondFactor).toBe('totp');
  expect(body.csrfToken).toBeUndefined();
  expect(res.cookies.find((c) => c.name === 'zx_session')).toBeUndefined();
  return body.challenge;
}

async function events(userId: string, event: string) {
  return app.database.db
    .select({ result: auditLog.result, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.event, event), eq(auditLog.objectId, userId)));
}

describe('SEC-06 second factor', () => {
  it('SEC-06 enrols with a QR URI, stores the secret encrypted, and logs in with a code in two steps', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const { secret, recoveryCodes } = await enrol(u.username);
    expect(recoveryCodes).toHaveLength(10);
    const [row] = await app.database.db.select().from(secondFactors).where(eq(secondFactors.userId, u.id));
    expect(row!.status).toBe('active');
    expect(row!.secretEnc).toMatch(/^v1\./);
    expect(row!.secretEnc).not.toContain(secret.toString('base64url'));
    await forgetLastStep(u.id);
    const challenge = await challengeFor(u.username);
    const res = await secondStep({ challenge, code: codeNow(secret) });
    expect(res.statusCode).toBe(200);
    expect(res.json().csrfToken).toBeTruthy();
    expect(res.cookies.find((c) => c.name === 'zx_session')).toBeTruthy();
    // The challenge is single use.
    const again = await secondStep({ challenge, code: codeNow(secret) });
    expect(again.statusCode).toBe(401);
    expect((await events(u.id, 'auth.second_factor.verify')).map((e) => e.result).sort()).toEqual([
      'denied',
      'success',
    ]);
    expect((await events(u.id, 'auth.second_factor.enrol_confirm')).map((e) => e.result).sort()).toEqual([
      'failure',
      'success',
    ]);
    // Enrolled: a second enrolment is refused until the security administrator resets it.
    const me = new Client(
      app,
      `zx_session=${res.cookies.find((c) => c.name === 'zx_session')!.value}`,
      res.json().csrfToken,
      u.id,
    );
    expect((await me.post('/api/auth/second-factor/enrol', { kind: 'totp' })).statusCode).toBe(409);
    expect((await me.get('/api/auth/second-factor')).json()).toMatchObject({
      status: 'active',
      recoveryCodesLeft: 10,
    });
  });

  it('SEC-06 refuses a replayed code', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const { secret } = await enrol(u.username);
    await forgetLastStep(u.id);
    const code = codeNow(secret);
    expect((await secondStep({ challenge: await challengeFor(u.username), code })).statusCode).toBe(200);
    const replay = await secondStep({ challenge: await challengeFor(u.username), code });
    expect(replay.statusCode).toBe(401);
    const failures = (await events(u.id, 'auth.second_factor.verify')).filter((e) => e.result === 'failure');
    expect(failures.map((e) => e.detail?.reason)).toEqual(['replay']);
  });

  it('SEC-06 the same code sent at once on two challenges is accepted once', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const { secret } = await enrol(u.username);
    await forgetLastStep(u.id);
    const code = codeNow(secret);
    const challenges: string[] = [];
    for (let i = 0; i < 2; i++) challenges.push(await challengeFor(u.username));
    const results = await Promise.all(challenges.map((challenge) => secondStep({ challenge, code })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  it('SEC-06 wrong codes count in the account lockout atomically under 10 concurrent attempts', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const { secret } = await enrol(u.username);
    const challenge = await challengeFor(u.username);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => secondStep({ challenge, code: wrongCode(secret) })),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 401 || s === 423)).toBe(true);
    // The password step took one of the five attempts: at most four codes were evaluated.
    const evaluated = (await events(u.id, 'auth.second_factor.verify')).filter((e) => e.result === 'failure');
    expect(evaluated.length).toBeGreaterThanOrEqual(1);
    expect(evaluated.length).toBeLessThanOrEqual(4);
    expect(statuses).toContain(423);
    // Locked: even the right password and then the right code are refused.
    expect((await passwordStep(u.username)).statusCode).toBe(423);
    expect((await secondStep({ challenge, code: codeNow(secret) })).statusCode).toBe(401);
  });

  it('SEC-06 a recovery code works once', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const { recoveryCodes } = await enrol(u.username);
    const first = await secondStep({
      challenge: await challengeFor(u.username),
      recoveryCode: recoveryCodes[0],
    });
    expect(first.statusCode).toBe(200);
    const second = await secondStep({
      challenge: await challengeFor(u.username),
      recoveryCode: recoveryCodes[0],
    });
    expect(second.statusCode).toBe(401);
    expect(second.json().details?.field ?? second.json().field).toBe('recoveryCode');
    const other = await secondStep({
      challenge: await challengeFor(u.username),
      recoveryCode: recoveryCodes[1]!.toUpperCase(),
    });
    expect(other.statusCode).toBe(200);
  });

  it('SEC-06 an expired challenge is refused', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const { secret } = await enrol(u.username);
    await forgetLastStep(u.id);
    const challenge = await challengeFor(u.username);
    await app.database.db
      .update(loginChallenges)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(loginChallenges.userId, u.id));
    const res = await secondStep({ challenge, code: codeNow(secret) });
    expect(res.statusCode).toBe(401);
    const denied = (await events(u.id, 'auth.second_factor.verify')).filter((e) => e.result === 'denied');
    expect(denied.map((e) => e.detail?.reason)).toEqual(['challenge_expired']);
    expect((await secondStep({ challenge: 'not-a-challenge', code: '123456' })).statusCode).toBe(401);
  });

  it('SEC-06 the security administrator resets a second factor (audited, the user is told)', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    await enrol(u.username);
    const sec = await buildUser(app.database.db, orgId, ['sec_admin']);
    const editor = await buildUser(app.database.db, orgId, ['editor']);
    const notSec = await Client.login(app, editor.username, PASSWORD);
    expect((await notSec.post(`/api/security/users/${u.id}/second-factor/reset`)).statusCode).toBe(403);
    const admin = await Client.login(app, sec.username, PASSWORD);
    expect((await admin.post(`/api/security/users/${u.id}/second-factor/reset`)).statusCode).toBe(200);
    expect(await events(u.id, 'auth.second_factor.reset')).toHaveLength(1);
    // Back to one step, and told what happened.
    const res = await passwordStep(u.username);
    expect(res.statusCode).toBe(200);
    expect(res.json().secondFactor).toBeUndefined();
    expect(res.json().accountNotices.map((n: { event: string }) => n.event)).toContain(
      'auth.second_factor.reset',
    );
  });

  it('SEC-06 a policy requiring it sends unenrolled users to enrolment, editable by the security administrator', async () => {
    const sec = await buildUser(app.database.db, orgId, ['sec_admin']);
    const admin = await Client.login(app, sec.username, PASSWORD);
    const policy = (await admin.get('/api/security/policy')).json();
    expect(policy.secondFactorRequired).toBe('none');
    const { updatedAt: _u, ...values } = policy;
    const put = await admin.put('/api/security/policy', { ...values, secondFactorRequired: 'admins' });
    expect(put.statusCode).toBe(200);
    expect(put.json().secondFactorRequired).toBe('admins');
    try {
      const editor = await buildUser(app.database.db, orgId, ['editor']);
      const e = await Client.login(app, editor.username, PASSWORD);
      expect((await e.get('/api/auth/me')).json().mustEnrolSecondFactor).toBe(false);
      const a = await buildUser(app.database.db, orgId, ['audit_admin']);
      const login = await passwordStep(a.username);
      expect(login.json().mustEnrolSecondFactor).toBe(true);
      const c = await Client.login(app, a.username, PASSWORD);
      const blocked = await c.get('/api/audit?limit=5');
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().details?.secondFactorEnrolment ?? blocked.json().secondFactorEnrolment).toBe(
        true,
      );
      const { secret } = await enrol(a.username);
      await forgetLastStep(a.id);
      const done = await secondStep({ challenge: await challengeFor(a.username), code: codeNow(secret) });
      expect(done.statusCode).toBe(200);
      expect(done.json().mustEnrolSecondFactor).toBe(false);
    } finally {
      const now = (await admin.get('/api/security/policy')).json();
      const { updatedAt: _v, ...rest } = now;
      await admin.put('/api/security/policy', { ...rest, secondFactorRequired: 'none' });
    }
  });

  it('SEC-06 the SM2/UKey slot refuses to enrol until a certified provider is configured', async () => {
    const u = await buildUser(app.database.db, orgId, ['editor']);
    const c = await Client.login(app, u.username, PASSWORD);
    const res = await c.post('/api/auth/second-factor/enrol', { kind: 'sm2-ukey' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/尚未配置/);
  });
});
