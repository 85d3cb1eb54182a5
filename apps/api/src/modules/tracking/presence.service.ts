import { and, eq, sql } from 'drizzle-orm';
import { workers } from '@walkydoggy/shared/db';
import {
  LOCATION_CLOCK_SKEW_MS,
  LOCATION_MIN_INTERVAL_MS,
  PRESENCE_TTL_SECONDS,
  type LocationPoint,
  type LocationUpdate,
  type PresenceBroadcast,
} from '@walkydoggy/shared';
import type { Platform } from '../../app.js';
import { rowsOf } from '../../platform/db.js';
import { Conflict, NotFound, TooManyRequests, ValidationFailed } from '../../platform/errors.js';
import type { LiveIndex } from '../../platform/live-index.js';
import type { LocationLimiter } from './presence.limiter.js';
import type { TrackWorker, Tracks } from './track.service.js';

/*
 * Workers' presence (docs/api/live.md, "Workers online"): going online and offline, and each live
 * position, whether it came over HTTP or the socket (one `update` for both, so the rules cannot
 * drift apart). `worker_presence` holds the state in every mode; the live index answers "who is
 * near"; the worker's business room hears about it.
 */

/** Moves reach the managers at most this often per worker (positions come once a second). */
export const PRESENCE_MOVE_INTERVAL_MS = 5_000;

export type Presence = ReturnType<typeof createPresence>;
type Deps = Pick<Platform, 'db' | 'clock' | 'realtime'> & { index: LiveIndex; limiter: LocationLimiter; tracks: Pick<Tracks, 'recordLive'> };

type PresenceRow = { online_at: Date | string | null; lng: number | null; lat: number | null; accuracy_m: number | null; recorded_at: Date | string | null };

const iso = (d: Date | string) => new Date(d).toISOString();
const pointOf = (p: { lng: number; lat: number }) => sql`st_setsrid(st_makepoint(${p.lng}::float8, ${p.lat}::float8), 4326)::geography`;

/** A device clock may run a little ahead; a fix further in the future is a broken clock, not a position. */
export function checkNotInFuture(recordedAt: string, path: string, now: Date) {
  if (Date.parse(recordedAt) > now.getTime() + LOCATION_CLOCK_SKEW_MS)
    throw ValidationFailed.field(path, 'This position is dated in the future: check the device clock.', 'future');
}

export function createPresence(d: Deps) {
  const lastMoveBroadcast = new Map<string, number>();

  function broadcast(worker: TrackWorker, online: boolean, location: PresenceBroadcast['location']) {
    d.realtime.toBusiness(worker.businessId, 'worker:presence', { workerId: worker.id, businessId: worker.businessId, online, location });
  }

  /** Tells the managers about a move unless they heard about this worker less than 5 s ago. */
  function broadcastMove(worker: TrackWorker, location: NonNullable<PresenceBroadcast['location']>, now: Date) {
    const last = lastMoveBroadcast.get(worker.id);
    if (last !== undefined && now.getTime() - last < PRESENCE_MOVE_INTERVAL_MS) return;
    lastMoveBroadcast.set(worker.id, now.getTime());
    broadcast(worker, true, location);
  }

  return {
    /** The caller's own active worker record `workerId`; anyone else's (or none) is not found. */
    async workerOf(callerId: string, workerId: string): Promise<TrackWorker> {
      const [worker] = await d.db
        .select({ id: workers.id, userId: workers.userId, businessId: workers.businessId })
        .from(workers)
        .where(and(eq(workers.id, workerId), eq(workers.userId, callerId), eq(workers.status, 'active')));
      if (!worker) throw new NotFound('Worker');
      return worker;
    },

    async goOnline(worker: TrackWorker, location: LocationPoint | undefined) {
      const now = d.clock.now();
      if (location) checkNotInFuture(location.recordedAt, 'body.location.recordedAt', now);
      // A shift is over when the worker went offline or went silent past the TTL (before the sweep
      // noticed). A new shift starts now, without the last one's position; going online again
      // during a shift keeps its start and, without a new position, the latest one.
      const cutoff = new Date(now.getTime() - PRESENCE_TTL_SECONDS * 1000);
      const over = sql`(wp.online_at is null or wp.seen_at is null or wp.seen_at < ${iso(cutoff)}::timestamptz)`;
      const fresh = sql`(excluded.location is not null or ${over})`;
      const keep = (column: string) => sql`case when ${fresh} then excluded.${sql.raw(column)} else wp.${sql.raw(column)} end`;
      const [row] = rowsOf<PresenceRow>(
        await d.db.execute(sql`
          insert into worker_presence as wp
            (worker_id, business_id, user_id, online_at, location, accuracy_m, speed_mps, heading, recorded_at, seen_at, updated_at)
          values (${worker.id}, ${worker.businessId}, ${worker.userId}, ${iso(now)}::timestamptz,
            ${location ? pointOf(location) : sql`null`}, ${location?.accuracyM ?? null}::float8, ${location?.speedMps ?? null}::float8,
            ${location?.heading ?? null}::float8, ${location ? location.recordedAt : null}::timestamptz, ${iso(now)}::timestamptz, ${iso(now)}::timestamptz)
          on conflict (worker_id) do update set
            business_id = excluded.business_id, user_id = excluded.user_id,
            online_at = case when ${over} then excluded.online_at else wp.online_at end,
            location = ${keep('location')}, accuracy_m = ${keep('accuracy_m')}, speed_mps = ${keep('speed_mps')},
            heading = ${keep('heading')}, recorded_at = ${keep('recorded_at')},
            seen_at = excluded.seen_at, updated_at = excluded.updated_at
          returning online_at, st_x(location::geometry) as lng, st_y(location::geometry) as lat, accuracy_m, recorded_at`),
      );
      if (location) await d.index.put(worker.id, location, now);
      const known = row!.lng !== null && row!.lat !== null && row!.recorded_at !== null;
      lastMoveBroadcast.set(worker.id, now.getTime());
      broadcast(
        worker,
        true,
        known
          ? { lng: Number(row!.lng), lat: Number(row!.lat), at: iso(row!.recorded_at!), accuracyM: row!.accuracy_m === null ? null : Number(row!.accuracy_m) }
          : null,
      );
      return { workerId: worker.id, online: true as const, onlineAt: iso(row!.online_at!) };
    },

    async goOffline(worker: TrackWorker) {
      const now = d.clock.now();
      const changed = rowsOf<{ worker_id: string }>(
        await d.db.execute(sql`
          update worker_presence set online_at = null, updated_at = ${iso(now)}::timestamptz
          where worker_id = ${worker.id} and online_at is not null
          returning worker_id`),
      );
      await d.index.remove(worker.id);
      lastMoveBroadcast.delete(worker.id);
      if (changed.length) broadcast(worker, false, null);
      return { workerId: worker.id, online: false as const };
    },

    /**
     * One live position (HTTP or socket, already schema-checked; `path` names where the input came
     * from in validation details). Validated, then rate-limited, then stored with one statement
     * that also proves the worker is online; refused updates change nothing.
     */
    async update(worker: TrackWorker, update: LocationUpdate, path: 'body' | 'payload') {
      const now = d.clock.now();
      checkNotInFuture(update.recordedAt, `${path}.recordedAt`, now);
      if (!(await d.limiter.claim(worker.id)))
        throw new TooManyRequests('One position a second is enough: this one was not stored.', LOCATION_MIN_INTERVAL_MS / 1000);
      const stored = rowsOf<{ worker_id: string }>(
        await d.db.execute(sql`
          update worker_presence set location = ${pointOf(update)}, accuracy_m = ${update.accuracyM}::float8,
            speed_mps = ${update.speedMps ?? null}::float8, heading = ${update.heading ?? null}::float8,
            recorded_at = ${update.recordedAt}::timestamptz, seen_at = ${iso(now)}::timestamptz, updated_at = ${iso(now)}::timestamptz
          where worker_id = ${worker.id} and online_at is not null
          returning worker_id`),
      );
      if (!stored.length) {
        // Not an accepted update: the next one (after going online) must not wait for this one's second.
        await d.limiter.release(worker.id);
        throw new Conflict('Go online first: your position is shared only while you are online.');
      }
      await d.index.put(worker.id, update, now);
      const { recorded } = await d.tracks.recordLive(worker, update);
      broadcastMove(worker, { lng: update.lng, lat: update.lat, at: iso(update.recordedAt), accuracyM: update.accuracyM }, now);
      return { accepted: true as const, recorded };
    },
  };
}
