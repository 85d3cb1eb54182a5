import { Redis } from 'ioredis';

/** A Redis client when REDIS_URL is set; the in-process stand-ins are used otherwise. */
export function createRedis(url: string | null): Redis | null {
  if (!url) return null;
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}
