import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { PRESENCE_TTL_SECONDS } from '@walkydoggy/shared';
import { rowsOf, type Db } from './db.js';

/*
 * The live index of online workers' latest positions (docs/api/live.md, "Workers online"): who is
 * near a point right now. With Redis it is a GEO set (`wd:geo:workers`) beside a sorted set of
 * last-seen times (`wd:geo:seen`), shared by every API instance and cheap to write once a second
 * per worker; without Redis it is `worker_presence` itself (PostGIS, ST_DWithin over its GiST
 * index), whose position the presence service writes in both modes, in batches (every second or so:
 * `putMany`, one pipeline with Redis).
 * An entry not refreshed for PRESENCE_TTL_SECONDS is not live: reads skip it (Redis prunes it) and
 * the presence sweep takes the worker offline.
 */

export type LngLat = { lng: number; lat: number };
export type LiveEntry = { workerId: string; lng: number; lat: number; distanceMeters: number; seenAt: Date };

export interface LiveIndex {
  /** The worker's latest position, seen at `at` (the server's time). */
  put(workerId: string, position: LngLat, at: Date): Promise<void>;
  /** Many workers' latest positions at once (the presence service's batch flush). */
  putMany(entries: { workerId: string; position: LngLat; at: Date }[]): Promise<void>;
  /** The worker went offline. */
  remove(workerId: string): Promise<void>;
  /** Live entries within `radiusM` of `center`, nearest first. */
  near(center: LngLat, radiusM: number, limit: number, now: Date): Promise<LiveEntry[]>;
  /** Workers in the index not seen for PRESENCE_TTL_SECONDS. */
  expired(now: Date): Promise<string[]>;
}

export const GEO_KEY = 'wd:geo:workers';
export const SEEN_KEY = 'wd:geo:seen';

const staleBefore = (now: Date) => now.getTime() - PRESENCE_TTL_SECONDS * 1000;

export function createLiveIndex(deps: { db: Db; redis: Redis | null }): LiveIndex {
  return deps.redis ? redisLiveIndex(deps.redis) : postgisLiveIndex(deps.db);
}

export function redisLiveIndex(redis: Redis): LiveIndex {
  /** Drops entries older than the TTL from both sets; returns who they were. */
  async function prune(now: Date): Promise<string[]> {
    const stale = await redis.zrangebyscore(SEEN_KEY, '-inf', `(${staleBefore(now)}`);
    if (stale.length)
      await redis
        .multi()
        .zrem(SEEN_KEY, ...stale)
        .zrem(GEO_KEY, ...stale)
        .exec();
    return stale;
  }

  return {
    async put(workerId, { lng, lat }, at) {
      await redis.multi().geoadd(GEO_KEY, lng, lat, workerId).zadd(SEEN_KEY, at.getTime(), workerId).exec();
    },
    async putMany(entries) {
      if (!entries.length) return;
      // Two commands for the whole batch, in one round trip.
      const results = await redis
        .pipeline()
        .geoadd(GEO_KEY, ...entries.flatMap((e) => [e.position.lng, e.position.lat, e.workerId]))
        .zadd(SEEN_KEY, ...entries.flatMap((e) => [e.at.getTime(), e.workerId]))
        .exec();
      // A pipeline reports each command's error in its result instead of rejecting.
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    },
    async remove(workerId) {
      // A GEO set is a sorted set: ZREM removes its members.
      await redis.multi().zrem(GEO_KEY, workerId).zrem(SEEN_KEY, workerId).exec();
    },
    async near(center, radiusM, limit, now) {
      await prune(now);
      const found = (await redis.geosearch(
        GEO_KEY,
        'FROMLONLAT',
        center.lng,
        center.lat,
        'BYRADIUS',
        radiusM,
        'm',
        'ASC',
        'COUNT',
        limit,
        'WITHCOORD',
        'WITHDIST',
      )) as [string, string, [string, string]][];
      if (!found.length) return [];
      const seen = await redis.zmscore(SEEN_KEY, ...found.map(([id]) => id));
      const min = staleBefore(now);
      return found.flatMap(([workerId, dist, [lng, lat]], i) => {
        const at = seen[i] == null ? null : Number(seen[i]);
        // Written between the prune and the search, or a GEO entry whose seen time is gone: not live.
        if (at === null || at < min) return [];
        return [{ workerId, lng: Number(lng), lat: Number(lat), distanceMeters: Number(dist), seenAt: new Date(at) }];
      });
    },
    async expired(now) {
      return prune(now);
    },
  };
}

/**
 * `worker_presence` as the index: the presence service's batched UPDATE of the positions already
 * writes `location`/`seen_at`, and going offline clears `online_at`, so put/remove have nothing left
 * to do.
 */
export function postgisLiveIndex(db: Db): LiveIndex {
  return {
    async put() {},
    async putMany() {},
    async remove() {},
    async near(center, radiusM, limit, now) {
      const point = sql`st_setsrid(st_makepoint(${center.lng}, ${center.lat}), 4326)::geography`;
      const rows = rowsOf<{ worker_id: string; lng: number; lat: number; distance: number; seen_at: Date | string }>(
        await db.execute(sql`
          select worker_id, st_x(location::geometry) as lng, st_y(location::geometry) as lat,
                 st_distance(location, ${point}) as distance, seen_at
          from worker_presence
          where online_at is not null and location is not null
            and seen_at >= ${new Date(staleBefore(now)).toISOString()}::timestamptz
            and st_dwithin(location, ${point}, ${radiusM})
          order by distance, worker_id
          limit ${limit}`),
      );
      return rows.map((r) => ({
        workerId: r.worker_id,
        lng: Number(r.lng),
        lat: Number(r.lat),
        distanceMeters: Number(r.distance),
        seenAt: new Date(r.seen_at),
      }));
    },
    async expired(now) {
      const rows = rowsOf<{ worker_id: string }>(
        await db.execute(sql`
          select worker_id from worker_presence
          where online_at is not null and (seen_at is null or seen_at < ${new Date(staleBefore(now)).toISOString()}::timestamptz)`),
      );
      return rows.map((r) => r.worker_id);
    },
  };
}
