import type { Redis } from 'ioredis';
import { LOCATION_MIN_INTERVAL_MS } from '@walkydoggy/shared';
import type { Clock } from '../../platform/clock.js';

/**
 * At most one accepted live update per worker per LOCATION_MIN_INTERVAL_MS. With Redis the claim
 * is one `SET … PX NX`, shared by every API instance (a worker's HTTP and socket updates may land
 * on different ones); without it, a map in this process on the platform clock.
 */
export type LocationLimiter = {
  /** True when this update may go through (and nobody else's may for the interval). */
  claim(workerId: string): Promise<boolean>;
  /** Gives the interval back: the claimed update was refused after all (the worker is offline). */
  release(workerId: string): Promise<void>;
};

export const locationKey = (workerId: string) => `wd:loc:${workerId}`;

export function createLocationLimiter(deps: { redis: Redis | null; clock: Clock }): LocationLimiter {
  const { redis } = deps;
  if (redis)
    return {
      async claim(workerId) {
        return (await redis.set(locationKey(workerId), '1', 'PX', LOCATION_MIN_INTERVAL_MS, 'NX')) === 'OK';
      },
      async release(workerId) {
        await redis.del(locationKey(workerId));
      },
    };

  const until = new Map<string, number>();
  return {
    async claim(workerId) {
      const now = deps.clock.now().getTime();
      if ((until.get(workerId) ?? 0) > now) return false;
      // Keep the map to the workers active in the last interval.
      if (until.size > 10_000) for (const [id, t] of until) if (t <= now) until.delete(id);
      until.set(workerId, now + LOCATION_MIN_INTERVAL_MS);
      return true;
    },
    async release(workerId) {
      until.delete(workerId);
    },
  };
}
