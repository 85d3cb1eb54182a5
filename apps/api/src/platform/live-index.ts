import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { PRESENCE_TTL_SECONDS } from '@walkydoggy/shared';
import { rowsOf, type Db } from './db.js';
import type { RedisLink } from './redis.js';

/*
 * The live index of online workers' latest positions (docs/api/live.md, "Workers online"): who is
 * near a point right now. With Redis it is a GEO set (`wd:geo:workers`) beside a sorted set of
 * last-seen times (`wd:geo:seen`), shared by every API instance and cheap to write once a second
 * per worker; without Redis it is `worker_presence` itself (PostGIS, ST_DWithin over its GiST
 * index), whose position the presence service writes in both modes, in batches (every second or so:
 * `putMany`, one pipeline with Redis).
 * An entry not refreshed for PRESENCE_TTL_SECONDS is not live: reads skip it (Redis prunes it) and
 * the presence sweep takes the worker offline.
 * While Redis is away the PostGIS index answers (`worker_presence` is written in both modes, so it
 * has every position); the GEO set, which missed the changes meanwhile, answers again once it has been
 * brought in step with `worker_presence` (`resilientLiveIndex`).
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

type Logger = { warn(obj: object, msg: string): void };

/** One per app (the routes and the sweep share it): Redis GEO with a PostGIS fallback, or PostGIS alone. */
export function createLiveIndex(deps: { db: Db; redis: RedisLink | null; log: Logger }): LiveIndex {
  const postgis = postgisLiveIndex(deps.db);
  return deps.redis ? resilientLiveIndex(redisLiveIndex(deps.redis.client), postgis, { ...deps, redis: deps.redis }) : postgis;
}

type RedisLiveIndex = LiveIndex & {
  /**
   * Puts `live` in (a seen time only moves forward: a newer one written meanwhile stays) and takes
   * `gone` out: the index brought in step with `worker_presence` after Redis missed changes.
   */
  load(live: { workerId: string; position: LngLat; at: Date }[], gone: string[]): Promise<void>;
};

export function redisLiveIndex(redis: Redis): RedisLiveIndex {
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
    async load(live, gone) {
      const pipeline = redis.pipeline();
      if (gone.length) pipeline.zrem(SEEN_KEY, ...gone).zrem(GEO_KEY, ...gone);
      if (live.length)
        pipeline
          .geoadd(GEO_KEY, ...live.flatMap((e) => [e.position.lng, e.position.lat, e.workerId]))
          .zadd(SEEN_KEY, 'GT', ...live.flatMap((e) => [e.at.getTime(), e.workerId]));
      const failed = (await pipeline.exec())?.find(([err]) => err);
      if (failed) throw failed[0];
    },
  };
}

/**
 * Redis while it is up and in step, PostGIS otherwise; never an error from Redis. Writes go to Redis
 * whenever it is up (a failed one is dropped: the PostGIS copy has it). Redis misses what happens
 * while it is away (or when a write fails), so it answers reads only after being loaded from
 * `worker_presence` again: online workers with their latest position and seen time in, workers who
 * went offline out. The load starts as soon as Redis is up (after a failed write: at the next read),
 * reads wait for it, and until it has succeeded they are answered from PostGIS. Entries of workers
 * unknown to `worker_presence` are left alone: the sweep prunes what is stale.
 */
export function resilientLiveIndex(
  redisIndex: RedisLiveIndex,
  postgis: LiveIndex,
  deps: { db: Db; redis: Pick<RedisLink, 'isUp' | 'onChange'>; log: Logger },
): LiveIndex {
  const link = deps.redis;
  let inStep = false;
  /** Bumped by every event that may put Redis out of step; a sync that started before one does not count. */
  let generation = 0;
  let syncing: Promise<void> | null = null;
  link.onChange((up) => {
    generation++;
    inStep = false;
    if (up) void ready();
  });

  function outOfStep(err: unknown, what: string) {
    generation++;
    inStep = false;
    if (link.isUp()) deps.log.warn({ err }, `live index: ${what} in Redis failed; PostgreSQL answers until it is in step again`);
  }

  async function load() {
    const started = generation;
    const rows = rowsOf<{ worker_id: string; live: boolean; lng: number | null; lat: number | null; seen_at: Date | string | null }>(
      await deps.db.execute(sql`
        select worker_id, (online_at is not null and location is not null and seen_at is not null) as live,
               st_x(location::geometry) as lng, st_y(location::geometry) as lat, seen_at
        from worker_presence`),
    );
    const live = rows.filter((r) => r.live);
    await redisIndex.load(
      live.map((r) => ({ workerId: r.worker_id, position: { lng: Number(r.lng), lat: Number(r.lat) }, at: new Date(r.seen_at!) })),
      rows.filter((r) => !r.live).map((r) => r.worker_id),
    );
    if (generation === started && link.isUp()) inStep = true;
  }

  /** True when Redis may answer reads; brings it in step first when it is up but not yet in step. */
  async function ready(): Promise<boolean> {
    if (inStep) return true;
    if (!link.isUp()) return false;
    syncing ??= load()
      .catch((err: unknown) => outOfStep(err, 'loading the index'))
      .finally(() => (syncing = null));
    await syncing;
    return inStep;
  }

  const write = async (what: string, op: () => Promise<void>) => {
    if (!link.isUp()) return;
    try {
      await op();
    } catch (err) {
      outOfStep(err, what);
    }
  };

  const read = async <T>(what: string, fromRedis: () => Promise<T>, fromPostgis: () => Promise<T>): Promise<T> => {
    if (await ready()) {
      try {
        return await fromRedis();
      } catch (err) {
        outOfStep(err, what);
      }
    }
    return fromPostgis();
  };

  return {
    put: (workerId, position, at) => write('a position', () => redisIndex.put(workerId, position, at)),
    putMany: (entries) => write('positions', () => redisIndex.putMany(entries)),
    remove: (workerId) => write('a removal', () => redisIndex.remove(workerId)),
    near: (center, radiusM, limit, now) =>
      read(
        'a search',
        () => redisIndex.near(center, radiusM, limit, now),
        () => postgis.near(center, radiusM, limit, now),
      ),
    expired: (now) =>
      read(
        'pruning',
        () => redisIndex.expired(now),
        () => postgis.expired(now),
      ),
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
