import { LOCATION_MIN_INTERVAL_MS } from '@walkydoggy/shared';
import type { Clock } from '../../platform/clock.js';
import type { RedisLink } from '../../platform/redis.js';

/**
 * At most one accepted live update per worker in each second of the clock (fixed windows of
 * LOCATION_MIN_INTERVAL_MS on the platform clock). Not a sliding 1,000 ms since the last update: a
 * device that sends once a second would then be refused whenever the network or a busy server delays
 * one update a few milliseconds more than the one before (a third of them under load, measured in
 * bench/RESULTS.md); with windows it is refused only when two of its updates land in one second.
 * With Redis the claim is one `SET key NX` per worker and window, shared by every API instance (a
 * worker's HTTP and socket updates may land on different ones); without it, and while Redis is away,
 * a map in this process (a worker whose updates reach two instances then gets one a second on each).
 */
export type LocationLimiter = {
  /** True when this update may go through (and no other of this worker's in the same window). */
  claim(workerId: string): Promise<boolean>;
};

/** The window an instant falls in. */
export const windowOf = (at: Date) => Math.floor(at.getTime() / LOCATION_MIN_INTERVAL_MS);
export const locationKey = (workerId: string, window: number) => `wd:loc:${workerId}:${window}`;

export function createLocationLimiter(deps: { redis: RedisLink | null; clock: Clock }): LocationLimiter {
  const claimed = new Map<string, number>();
  const local = (workerId: string) => {
    const window = windowOf(deps.clock.now());
    if (claimed.get(workerId) === window) return false;
    // Keep the map to the workers active in the last windows.
    if (claimed.size > 10_000) for (const [id, w] of claimed) if (w < window) claimed.delete(id);
    claimed.set(workerId, window);
    return true;
  };
  const link = deps.redis;
  if (!link) return { claim: async (workerId) => local(workerId) };
  return {
    async claim(workerId) {
      if (!link.isUp()) return local(workerId);
      // The key only has to outlive its window; two windows' time covers clock differences between instances.
      const key = locationKey(workerId, windowOf(deps.clock.now()));
      try {
        return (await link.client.set(key, '1', 'PX', 2 * LOCATION_MIN_INTERVAL_MS, 'NX')) === 'OK';
      } catch {
        return local(workerId);
      }
    },
  };
}
