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
import type { Platform } from '../../platform/platform.js';
import { rowsOf } from '../../platform/db.js';
import { createFlusher } from '../../platform/flusher.js';
import { Conflict, NotFound, TooManyRequests, ValidationFailed } from '../../platform/errors.js';
import type { LiveIndex } from '../../platform/live-index.js';
import type { LocationLimiter } from './presence.limiter.js';
import { batchLoader } from './presence.loader.js';
import type { TrackWorker, Tracks } from './track.service.js';

/*
 * Workers' presence (docs/api/live.md, "Workers online"): going online and offline, and each live
 * position, whether it came over HTTP or the socket (one `update` for both, so the rules cannot
 * drift apart). `worker_presence` holds the state in every mode; the live index answers "who is
 * near"; the worker's business room hears about it.
 *
 * Thousands of positions a second pass through `update`, so it neither reads nor writes the database
 * in the steady state: whether the worker is online is cached per instance (set here on online/offline,
 * other instances told through `broadcastServer`, one read on a miss; while Redis is away and they
 * cannot be told, one batched read per turn instead), every listener hears the move
 * at once, and the latest position per worker waits in memory for the next flush (every FLUSH_MS: one
 * `UPDATE … FROM unnest(…)` for all of them, and one Redis pipeline for the index). A position is
 * ephemeral (the next one replaces it a second later), so its acknowledgement does not wait for the
 * flush; a walk's track point does (the track's own batch, see track.live.ts).
 */

/** Moves reach the managers at most this often per worker (positions come once a second). */
export const PRESENCE_MOVE_INTERVAL_MS = 5_000;
/** How often the latest positions are written to `worker_presence` (and the Redis index). */
export const PRESENCE_FLUSH_MS = 1_000;
/** Tells every instance a worker's online state changed (`{workerId, online}`). */
export const PRESENCE_STATE_EVENT = 'presence:state';

export type Presence = ReturnType<typeof createPresence>;
type Logger = { error(obj: object, msg: string): void };
type Deps = Pick<Platform, 'db' | 'clock' | 'realtime'> & {
  index: LiveIndex;
  limiter: LocationLimiter;
  tracks: Pick<Tracks, 'recordLive'>;
  log?: () => Logger;
};

type PresenceRow = { online_at: Date | string | null; lng: number | null; lat: number | null; accuracy_m: number | null; recorded_at: Date | string | null };
/** A worker's latest accepted position not yet written, and when the server saw it. */
type Pending = { update: LocationUpdate; seenAt: Date };

const iso = (d: Date | string) => new Date(d).toISOString();
const pointOf = (p: { lng: number; lat: number }) => sql`st_setsrid(st_makepoint(${p.lng}::float8, ${p.lat}::float8), 4326)::geography`;

/** Each app's presence, for tests that must see the batched positions in the database (`flush`). */
const byRealtime = new WeakMap<object, Presence>();
export const presenceOfApp = (realtime: Platform['realtime']): Presence | undefined => byRealtime.get(realtime);

/** A device clock may run a little ahead; a fix further in the future is a broken clock, not a position. */
export function checkNotInFuture(recordedAt: string, path: string, now: Date) {
  if (Date.parse(recordedAt) > now.getTime() + LOCATION_CLOCK_SKEW_MS)
    throw ValidationFailed.field(path, 'This position is dated in the future: check the device clock.', 'future');
}

export function createPresence(d: Deps) {
  const lastMoveBroadcast = new Map<string, number>();
  /** This instance's view of who is online (absent: unknown, read once from the database). */
  const online = new Map<string, boolean>();
  const loading = new Map<string, Promise<boolean>>();
  let pending = new Map<string, Pending>();
  const flusher = createFlusher(PRESENCE_FLUSH_MS, writeOut);
  const flush = flusher.flush;
  const log = () => d.log?.() ?? { error: () => {} };

  // Every instance, this one included, hears about online/offline and forgets or learns it.
  d.realtime.onServer(PRESENCE_STATE_EVENT, (payload) => {
    const { workerId, online: state } = (payload ?? {}) as { workerId?: string; online?: boolean };
    if (!workerId) return;
    loading.delete(workerId);
    if (typeof state === 'boolean') online.set(workerId, state);
    else online.delete(workerId);
  });
  // Changes made on other instances while Redis was away never reached this one.
  d.realtime.onServerEventsLost(() => {
    online.clear();
    loading.clear();
  });

  function stateChanged(workerId: string, state: boolean) {
    online.set(workerId, state);
    d.realtime.broadcastServer(PRESENCE_STATE_EVENT, { workerId, online: state });
  }

  // A miss is one read, shared with every other miss of the same event-loop turn (cold start).
  const readOnline = batchLoader<string, boolean>(async (ids) => {
    const rows = rowsOf<{ worker_id: string; online: boolean }>(
      await d.db.execute(sql`select worker_id, online_at is not null as online from worker_presence where worker_id = any(${sql.param(ids)}::uuid[])`),
    );
    return new Map(rows.map((r) => [r.worker_id, r.online === true]));
  }, false);

  /** Whether the worker is online: from this instance's memory, else one read (shared by concurrent callers). */
  function isOnline(workerId: string): boolean | Promise<boolean> {
    // Without the other instances' events the cache may be stale: a worker who went online elsewhere would be refused.
    if (!d.realtime.serverEventsDelivered()) return readOnline(workerId);
    const known = online.get(workerId);
    if (known !== undefined) return known;
    const inFlight = loading.get(workerId);
    if (inFlight) return inFlight;
    const read = readOnline(workerId);
    loading.set(workerId, read);
    const settle = (state: boolean | null) => {
      // An online/offline event that arrived meanwhile (it cleared `loading`) is newer than this read.
      if (loading.get(workerId) !== read) return;
      loading.delete(workerId);
      if (state !== null && !online.has(workerId)) online.set(workerId, state);
    };
    read.then(settle, () => settle(null));
    return read;
  }

  function broadcast(worker: TrackWorker, state: boolean, location: PresenceBroadcast['location']) {
    d.realtime.toBusiness(worker.businessId, 'worker:presence', { workerId: worker.id, businessId: worker.businessId, online: state, location });
  }

  /** Tells the managers about a move unless they heard about this worker less than 5 s ago. */
  function broadcastMove(worker: TrackWorker, location: NonNullable<PresenceBroadcast['location']>, now: Date) {
    const last = lastMoveBroadcast.get(worker.id);
    if (last !== undefined && now.getTime() - last < PRESENCE_MOVE_INTERVAL_MS) return;
    lastMoveBroadcast.set(worker.id, now.getTime());
    broadcast(worker, true, location);
  }

  const schedule = () => flusher.schedule();

  async function writeOut() {
    const batch = [...pending];
    pending = new Map();
    if (!batch.length) return;
    const col = <T>(pick: (e: Pending) => T) => sql.param(batch.map(([, e]) => pick(e)));
    try {
      // One statement for everybody; only rows still online take the position (going offline wins).
      const written = rowsOf<{ worker_id: string }>(
        await d.db.execute(sql`
          update worker_presence p set location = st_setsrid(st_makepoint(v.lng, v.lat), 4326)::geography,
            accuracy_m = v.accuracy_m, speed_mps = v.speed_mps, heading = v.heading, recorded_at = v.recorded_at,
            seen_at = v.seen_at, updated_at = v.seen_at
          from unnest(${sql.param(batch.map(([id]) => id))}::uuid[], ${col((e) => e.update.lng)}::float8[], ${col((e) => e.update.lat)}::float8[],
            ${col((e) => e.update.accuracyM)}::float8[], ${col((e) => e.update.speedMps ?? null)}::float8[], ${col((e) => e.update.heading ?? null)}::float8[],
            ${col((e) => iso(e.update.recordedAt))}::timestamptz[], ${col((e) => iso(e.seenAt))}::timestamptz[])
            as v (worker_id, lng, lat, accuracy_m, speed_mps, heading, recorded_at, seen_at)
          where p.worker_id = v.worker_id and p.online_at is not null
          returning p.worker_id`),
      );
      const stored = new Set(written.map((r) => r.worker_id));
      // Taken offline elsewhere (the sweep, another instance whose event is late): ask again next time.
      for (const [workerId] of batch) if (!stored.has(workerId) && !pending.has(workerId)) online.delete(workerId);
      await d.index.putMany(batch.filter(([id]) => stored.has(id)).map(([workerId, e]) => ({ workerId, position: e.update, at: e.seenAt })));
    } catch (err) {
      // The next position (a second later) replaces these; retrying would only pile them up.
      log().error({ err, positions: batch.length }, 'writing live positions failed');
    }
  }

  const presence = {
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
      // This position is newer than a pending one; without one, the pending one is still the latest.
      if (location) pending.delete(worker.id);
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
      stateChanged(worker.id, true);
      if (location) await d.index.put(worker.id, location, now);
      // A position still pending is newer than the row's (it was written before this shift's flush).
      const latest = pending.get(worker.id)?.update;
      const stored = row!.lng !== null && row!.lat !== null && row!.recorded_at !== null;
      lastMoveBroadcast.set(worker.id, now.getTime());
      broadcast(
        worker,
        true,
        latest
          ? { lng: latest.lng, lat: latest.lat, at: iso(latest.recordedAt), accuracyM: latest.accuracyM }
          : stored
            ? { lng: Number(row!.lng), lat: Number(row!.lat), at: iso(row!.recorded_at!), accuracyM: row!.accuracy_m === null ? null : Number(row!.accuracy_m) }
            : null,
      );
      return { workerId: worker.id, online: true as const, onlineAt: iso(row!.online_at!) };
    },

    async goOffline(worker: TrackWorker) {
      const now = d.clock.now();
      pending.delete(worker.id);
      const changed = rowsOf<{ worker_id: string }>(
        await d.db.execute(sql`
          update worker_presence set online_at = null, updated_at = ${iso(now)}::timestamptz
          where worker_id = ${worker.id} and online_at is not null
          returning worker_id`),
      );
      // A position accepted while the statement ran must not bring the worker back.
      pending.delete(worker.id);
      stateChanged(worker.id, false);
      await d.index.remove(worker.id);
      lastMoveBroadcast.delete(worker.id);
      if (changed.length) broadcast(worker, false, null);
      return { workerId: worker.id, online: false as const };
    },

    /**
     * One live position (HTTP or socket, already schema-checked; `path` names where the input came
     * from in validation details). Validated, checked online, then rate-limited; refused updates
     * change nothing. Accepted: every listener hears it at once, the position waits for the flush,
     * and the answer waits only for a walk's track point to be written (track.live.ts).
     */
    async update(worker: TrackWorker, update: LocationUpdate, path: 'body' | 'payload') {
      const now = d.clock.now();
      checkNotInFuture(update.recordedAt, `${path}.recordedAt`, now);
      // Before the limiter: a refused update must not use up the worker's second.
      if (!(await isOnline(worker.id))) throw new Conflict('Go online first: your position is shared only while you are online.');
      if (!(await d.limiter.claim(worker.id)))
        throw new TooManyRequests('One position a second is enough: this one was not stored.', LOCATION_MIN_INTERVAL_MS / 1000);
      pending.set(worker.id, { update, seenAt: now });
      schedule();
      broadcastMove(worker, { lng: update.lng, lat: update.lat, at: iso(update.recordedAt), accuracyM: update.accuracyM }, now);
      // Broadcasts to the booking's room synchronously when its caches are warm, then waits for the point's batch.
      const { recorded } = await d.tracks.recordLive(worker, update);
      return { accepted: true as const, recorded };
    },

    /** Writes the pending positions now (close, tests). */
    flush,

    /** Flushes and stops the timer (app close). */
    async stop() {
      await flush();
      flusher.cancel();
    },

    /** Forgets the cached online states (tests that change `worker_presence` behind the service's back). */
    forget() {
      online.clear();
      loading.clear();
      pending.clear();
      lastMoveBroadcast.clear();
    },
  };
  byRealtime.set(d.realtime, presence);
  return presence;
}
