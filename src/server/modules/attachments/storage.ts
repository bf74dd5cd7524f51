import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as S3Sdk from '@aws-sdk/client-s3';

/**
 * Where attachment bytes live. Local disk by default; an S3-compatible store implements the same three
 * calls. Keys are server-made (the content hash), so identical uploads share one object.
 */
export interface AttachmentStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  exists(key: string): Promise<boolean>;
}

const KEY = /^[0-9a-f]{64}$/;
function checkKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`bad storage key ${key}`);
  return key;
}

/** Files under `<dataDir>/attachments/ab/cd/<hash>`, written to a temporary name and renamed into place. */
export function localDiskStorage(dataDir: string): AttachmentStorage {
  const root = join(dataDir, 'attachments');
  const pathOf = (key: string) => {
    checkKey(key);
    return join(root, key.slice(0, 2), key.slice(2, 4), key);
  };
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(join(path, '..'), { recursive: true });
      const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch {
        return null;
      }
    },
    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch {
        return false;
      }
    },
  };
}

/** An S3-compatible bucket (MinIO, Ceph RGW, a cloud's object storage): what several instances share. */
export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO and most private deployments need. */
  forcePathStyle: boolean;
  /** Key prefix inside the bucket, so one bucket can serve several provinces or environments. */
  prefix: string;
}

/**
 * Objects `<prefix>attachments/ab/cd/<hash>` in one bucket. The SDK is loaded on first use, so a server
 * on local disk never pays for it at start-up. Objects are written once under their content hash and
 * never overwritten (a second upload of the same bytes finds the object and skips the write).
 */
export function s3Storage(settings: S3Settings): AttachmentStorage {
  let client: Promise<{ s3: S3Sdk.S3Client; sdk: typeof S3Sdk }> | null = null;
  const open = () =>
    (client ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      s3: new sdk.S3Client({
        endpoint: settings.endpoint,
        region: settings.region,
        forcePathStyle: settings.forcePathStyle,
        credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
        // Checksums only where the API requires them: private S3-compatible stores vary in support.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    })));
  const keyOf = (key: string) =>
    `${settings.prefix}attachments/${checkKey(key).slice(0, 2)}/${key.slice(2, 4)}/${key}`;
  const missing = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
  };
  return {
    async put(key, bytes) {
      const { s3, sdk } = await open();
      await s3.send(
        new sdk.PutObjectCommand({
          Bucket: settings.bucket,
          Key: keyOf(key),
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
        }),
      );
    },
    async get(key) {
      const { s3, sdk } = await open();
      try {
        const out = await s3.send(new sdk.GetObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }));
        return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : null;
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
    },
    async exists(key) {
      const { s3, sdk } = await open();
      try {
        await s3.send(new sdk.HeadObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }));
        return true;
      } catch (err) {
        if (missing(err)) return false;
        throw err;
      }
    },
  };
}

/** The store the configuration names: S3 when `ZX_S3_BUCKET` is set, else the data directory. */
export function attachmentStorage(config: { dataDir: string; s3: S3Settings | null }): AttachmentStorage {
  return config.s3 ? s3Storage(config.s3) : localDiskStorage(config.dataDir);
}
