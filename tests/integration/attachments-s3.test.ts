import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Storage, type S3Settings } from '../../src/server/modules/attachments/storage.js';
import { buildTestApp, Client, type TestApp } from '../helpers/app.js';
import { buildOrgTree, PASSWORD, type OrgTree } from '../helpers/factories.js';

/**
 * Attachments in an S3-compatible bucket, against a real S3 protocol server (s3rver, speaking the S3 REST
 * API with signature checks) started by the test: what several instances share instead of a local disk.
 */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

let server: S3rver;
let dir = '';
let settings: S3Settings;
let t: TestApp;
let tree: OrgTree;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zx-s3-'));
  const port = await freePort();
  server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'zx-attachments', configs: [] }],
  });
  await server.run();
  settings = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'zx-attachments',
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: 'province-14/',
  };
  t = await buildTestApp({ config: { s3: settings } });
  tree = await buildOrgTree(t.app.database.db);
});
afterAll(async () => {
  await t?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('attachments on S3-compatible storage', () => {
  it('puts, finds and reads objects under their hash and prefix; a missing key is null, not an error', async () => {
    const store = s3Storage(settings);
    const key = 'ab'.repeat(32);
    expect(await store.exists(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
    await store.put(key, PNG);
    expect(await store.exists(key)).toBe(true);
    expect((await store.get(key))!.equals(PNG)).toBe(true);
    await expect(store.put('../etc/passwd', PNG)).rejects.toThrow(/bad storage key/);
    // The server checks credentials: an unknown key is refused, never silently accepted.
    const forged = s3Storage({ ...settings, accessKeyId: 'UNKNOWN', secretAccessKey: 'not-the-secret' });
    await expect(forged.put(key, PNG)).rejects.toThrow();
  });

  it('an image uploaded through the app is stored in the bucket and served back at /files/<id>', async () => {
    const writer = await Client.login(t.app, tree.T.writer, PASSWORD);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/attachments',
      payload: PNG,
      headers: {
        cookie: writer.cookie,
        'x-csrf-token': writer.csrf,
        'content-type': 'image/png',
        'x-file-name': encodeURIComponent('现场.png'),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json<{ id: string; url: string }>();
    const got = await writer.get(a.url);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(PNG)).toBe(true);
    // Another store on the same bucket (a second instance) sees the object.
    const { createHash } = await import('node:crypto');
    expect(await s3Storage(settings).exists(createHash('sha256').update(PNG).digest('hex'))).toBe(true);
    // Nothing was written to the instance's data directory.
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(t.app.config.dataDir, 'attachments'))).toBe(false);
  });
});
