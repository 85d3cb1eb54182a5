import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from './config.js';

/** Where uploaded files live: a local folder (embedded mode) or an S3-compatible bucket. */
export type Storage = {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The bytes of a stored file; throws `StoredFileMissing` when there is none. */
  get(key: string): Promise<Readable>;
  /** Removes a file; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
};

export class StoredFileMissing extends Error {
  constructor(key: string) {
    super(`No stored file ${key}`);
    this.name = 'StoredFileMissing';
  }
}

/**
 * Keys are made by the server (random ids), never from client file names; this check is the last
 * line against a key that could leave the storage folder or bucket prefix: lower-case segments of
 * letters, digits, `-`, `_` and one optional extension, separated by single slashes.
 */
const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,99}(\/[a-z0-9][a-z0-9_-]{0,99}){0,4}(\.[a-z0-9]{1,10})?$/;
export function assertSafeKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
}

export function createStorage(config: Config): Storage {
  return config.storage.kind === 's3' ? s3Storage(config.storage) : localStorage(config.storage.dir);
}

export function localStorage(dir: string): Storage {
  const root = path.resolve(dir);
  function fileOf(key: string): string {
    assertSafeKey(key);
    const file = path.resolve(root, key);
    // Redundant with the key pattern; kept so a future change to the pattern cannot open the folder.
    if (!file.startsWith(root + path.sep)) throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
    return file;
  }
  return {
    async put(key, body) {
      const file = fileOf(key);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      // Write then rename: a reader never sees half a file, and a failed write leaves nothing behind.
      const temp = `${file}.${crypto.randomBytes(6).toString('hex')}.part`;
      try {
        await fs.promises.writeFile(temp, body, { flag: 'wx' });
        await fs.promises.rename(temp, file);
      } catch (err) {
        await fs.promises.rm(temp, { force: true });
        throw err;
      }
    },
    async get(key) {
      const file = fileOf(key);
      try {
        const handle = await fs.promises.open(file, 'r');
        return handle.createReadStream();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredFileMissing(key);
        throw err;
      }
    },
    async delete(key) {
      await fs.promises.rm(fileOf(key), { force: true });
    },
  };
}

type S3Settings = Extract<Config['storage'], { kind: 's3' }>;

export function s3Storage(s: S3Settings): Storage {
  const client = new S3Client({
    region: s.region,
    forcePathStyle: s.forcePathStyle,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    // Without explicit keys the SDK's default chain applies (instance role, environment of the host).
    ...(s.accessKeyId && s.secretAccessKey ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
  });
  return {
    async put(key, body, contentType) {
      assertSafeKey(key);
      await client.send(new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }));
    },
    async get(key) {
      assertSafeKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: key }));
        if (!out.Body) throw new StoredFileMissing(key);
        return out.Body instanceof Readable ? out.Body : Readable.fromWeb(out.Body.transformToWebStream() as never);
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') throw new StoredFileMissing(key);
        throw err;
      }
    },
    async delete(key) {
      assertSafeKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: key }));
    },
  };
}
