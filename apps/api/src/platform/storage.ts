import type { Readable } from 'node:stream';
import type { Config } from './config.js';

/** Where uploaded files live: a local folder (embedded mode) or an S3-compatible bucket. */
export type Storage = {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
};

export function createStorage(_config: Config): Storage {
  const missing = async (): Promise<never> => {
    throw new Error('storage is not implemented yet');
  };
  return { put: missing, get: missing, delete: missing };
}
