import type { Eta, LocationUpdate } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { etaOf, ETA_WINDOW_MS } from './eta.js';
import { isJump, type RawPoint } from './track.js';
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../../platform/db.js';
import { createFlusher } from '../../platform/flusher.js';
import { batchLoader } from './presence.loader.js';
import { bumpCounters, insertPoints, type ActiveBooking, type PointRow } from './track.queries.js';

/*
 * The live path of a worker's position (docs/api/live.md). Presence hands over every accepted update;
 * with a walk in progress it becomes a point of that booking's track: checked against the last
 * accepted point, broadcast at once to the booking's room and written in batches (every FLUSH_MS or
 * FLUSH_POINTS points, one INSERT each). On the way to a confirmed booking it gives the ETA instead.
 * Thousands of updates a second pass through here, so the steady state reads nothing from the
 * database: which booking a worker feeds, and its last point, are kept in memory (an expired active
 * booking is still served while one read refreshes it in the background).
 * The fan-out never waits for the database; the answer to the worker does wait for the point's batch
 * to be written, because the worker app keeps a point until it is acknowledged (its offline buffer).
 */

export const FLUSH_MS = 200;
export const FLUSH_POINTS = 500;
/**
 * How long a worker's active booking is trusted without asking again. Every status change and "on
 * the way" invalidates it on all instances; this only bounds a missed invalidation. Past it the
 * cached answer is still used while one read refreshes it (no update waits for that read).
 */
export const ACTIVE_TTL_MS = 60_000;
/** The same while Redis is away: invalidations from other instances cannot arrive then. */
export const ACTIVE_TTL_UNDELIVERED_MS = 5_000;
/** Recent updates kept per worker on the way, enough for ETA_WINDOW_MS at one update a second. */
const RECENT_MAX = 400;

type Logger = { error(obj: object, msg: string): void };

type ActiveRow = {
  worker_id: string;
  id: string;
  status: 'in_progress' | 'confirmed';
  started_at: string | Date | null;
  lng: number | null;
  lat: number | null;
};

/**
 * What each worker's live updates feed (as track.queries' activeBookingOf, for many workers in one
 * statement): their walk in progress, else the confirmed booking they are on their way to, sooner first.
 */
export async function activeBookingsOf(exec: Executor, workerIds: string[]): Promise<Map<string, ActiveBooking | null>> {
  const rows = rowsOf<ActiveRow>(
    await exec.execute(sql`
      select distinct on (b.worker_id) b.worker_id, b.id, b.status, b.started_at, ST_X(b.location::geometry) as lng, ST_Y(b.location::geometry) as lat
      from bookings b left join booking_tracks bt on bt.booking_id = b.id
      where b.worker_id = any(${sql.param(workerIds)}::uuid[])
        and (b.status = 'in_progress' or (b.status = 'confirmed' and bt.on_the_way_at is not null))
      order by b.worker_id, (b.status = 'in_progress') desc, b.starts_at asc`),
  );
  return new Map(
    rows.map((row) => [
      row.worker_id,
      {
        bookingId: row.id,
        status: row.status,
        startedAt: row.started_at === null ? null : new Date(row.started_at),
        destination: row.lng === null || row.lat === null ? null : { lng: Number(row.lng), lat: Number(row.lat) },
      },
    ]),
  );
}

/** The newest stored point of each booking (the jump check after a restart), one statement for many. */
export async function lastPointsOf(exec: Executor, bookingIds: string[]): Promise<Map<string, RawPoint | null>> {
  const rows = rowsOf<{ booking_id: string; lng: number; lat: number; recorded_at: string | Date; seq: number | null }>(
    await exec.execute(sql`
      select ids.booking_id, p.lng, p.lat, p.recorded_at, p.seq
      from unnest(${sql.param(bookingIds)}::uuid[]) as ids (booking_id)
      cross join lateral (
        select lng, lat, recorded_at, seq from booking_track_points t
        where t.booking_id = ids.booking_id order by t.recorded_at desc limit 1) p`),
  );
  return new Map(rows.map((r) => [r.booking_id, { lng: Number(r.lng), lat: Number(r.lat), t: new Date(r.recorded_at).getTime(), seq: r.seq }]));
}
type Cached = { expires: number; value: Promise<ActiveBooking | null>; refreshing?: boolean };
/** The points buffered for one write, and the promise that settles when it is written. */
type Written = { promise: Promise<void>; resolve(): void; reject(err: unknown): void };

function written(): Written {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting (a batch of jumps only): a failed write must not be an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export type LiveRecorder = ReturnType<typeof createLiveRecorder>;

export function createLiveRecorder(p: Pick<Platform, 'db' | 'realtime' | 'clock'>, log: () => Logger) {
  const active = new Map<string, Cached>();
  /** Last accepted point per booking in progress (null: none yet); loaded once from the database. */
  const lastPoints = new Map<string, Promise<RawPoint | null> | RawPoint | null>();
  /** Each on-the-way worker's updates of the last few minutes, oldest first. */
  const recent = new Map<string, RawPoint[]>();
  let buffer: PointRow[] = [];
  let bufferWritten = written();
  let jumps = new Map<string, number>();
  const flusher = createFlusher(FLUSH_MS, writeOut);
  const flush = flusher.flush;
  let fullFlushQueued = false;
  // Cold caches (a restart, a burst of new walks) cost one statement per event-loop turn, not per update.
  const activeBookingOf = batchLoader<string, ActiveBooking | null>((ids) => activeBookingsOf(p.db, ids), null);
  const lastPointOf = batchLoader<string, RawPoint | null>((ids) => lastPointsOf(p.db, ids), null);
  const activeTtl = () => (p.realtime.serverEventsDelivered() ? ACTIVE_TTL_MS : ACTIVE_TTL_UNDELIVERED_MS);
  // Status changes on other instances while Redis was away were never heard here.
  p.realtime.onServerEventsLost(() => active.clear());

  function activeOf(workerId: string): Promise<ActiveBooking | null> {
    const now = Date.now();
    const hit = active.get(workerId);
    if (hit && hit.expires > now) return hit.value;
    if (hit) {
      if (!hit.refreshing) refresh(workerId, hit, now);
      return hit.value;
    }
    const value = activeBookingOf(workerId);
    active.set(workerId, { expires: now + activeTtl(), value });
    // A failed lookup must not stick for the whole TTL.
    value.catch(() => active.delete(workerId));
    return value;
  }

  /** Replaces an expired entry once the read is back, unless an invalidation dropped it meanwhile. */
  function refresh(workerId: string, hit: Cached, now: number) {
    hit.refreshing = true;
    activeBookingOf(workerId).then(
      (booking) => {
        if (active.get(workerId) === hit) active.set(workerId, { expires: now + activeTtl(), value: Promise.resolve(booking) });
      },
      () => {
        hit.refreshing = false;
      },
    );
  }

  async function lastPointFor(bookingId: string): Promise<RawPoint | null> {
    const known = lastPoints.get(bookingId);
    if (known !== undefined) return known;
    const loading = lastPointOf(bookingId);
    lastPoints.set(bookingId, loading);
    try {
      const last = await loading;
      if (lastPoints.get(bookingId) === loading) lastPoints.set(bookingId, last);
      return last;
    } catch (err) {
      lastPoints.delete(bookingId);
      throw err;
    }
  }

  function schedule() {
    if (buffer.length >= FLUSH_POINTS) {
      if (!fullFlushQueued) {
        fullFlushQueued = true;
        void flush();
      }
      return;
    }
    flusher.schedule();
  }

  async function writeOut() {
    fullFlushQueued = false;
    const points = buffer;
    const counted = jumps;
    const done = bufferWritten;
    buffer = [];
    jumps = new Map();
    bufferWritten = written();
    if (!points.length && !counted.size) return done.resolve();
    try {
      await insertPoints(p.db, points);
      await bumpCounters(
        p.db,
        [...counted].map(([bookingId, n]) => ({ bookingId, duplicates: 0, jumps: n })),
        p.clock.now(),
      );
      done.resolve();
    } catch (err) {
      // Retrying would pile points up while the database is away; the worker app resends them (its
      // offline batch), as their acknowledgements are errors.
      log().error({ err, points: points.length }, 'writing live track points failed');
      done.reject(err);
    }
  }

  function rememberRecent(workerId: string, point: RawPoint) {
    const list = recent.get(workerId) ?? [];
    if (list.length && list[list.length - 1]!.t >= point.t) return;
    list.push(point);
    while (list.length > RECENT_MAX || point.t - list[0]!.t > ETA_WINDOW_MS) list.shift();
    recent.set(workerId, list);
  }

  async function recordPoint(workerId: string, booking: ActiveBooking, point: RawPoint): Promise<boolean> {
    if (booking.startedAt && point.t < booking.startedAt.getTime()) return false;
    const last = await lastPointFor(booking.bookingId);
    // Older than what the room has already seen, or the same fix again: nothing new to show.
    if (last && point.t <= last.t) return false;
    if (last && isJump(last, point)) {
      jumps.set(booking.bookingId, (jumps.get(booking.bookingId) ?? 0) + 1);
      schedule();
      return false;
    }
    lastPoints.set(booking.bookingId, point);
    buffer.push({ ...point, bookingId: booking.bookingId });
    const stored = bufferWritten.promise;
    schedule();
    p.realtime.toBooking(booking.bookingId, 'location:updated', {
      bookingId: booking.bookingId,
      workerId,
      point: {
        lng: point.lng,
        lat: point.lat,
        at: new Date(point.t).toISOString(),
        accuracyM: point.accuracyM ?? null,
        seq: point.seq ?? null,
        speedMps: point.speedMps ?? null,
      },
    });
    // Broadcast already; the answer waits for the write.
    await stored;
    return true;
  }

  return {
    async recordLive(worker: { id: string }, update: LocationUpdate): Promise<{ recorded: boolean }> {
      const booking = await activeOf(worker.id);
      const point: RawPoint = {
        lng: update.lng,
        lat: update.lat,
        t: Date.parse(update.recordedAt),
        seq: update.seq ?? null,
        accuracyM: update.accuracyM,
        speedMps: update.speedMps ?? null,
      };
      if (!booking) {
        recent.delete(worker.id);
        return { recorded: false };
      }
      if (booking.status === 'in_progress') {
        recent.delete(worker.id);
        return { recorded: await recordPoint(worker.id, booking, point) };
      }
      rememberRecent(worker.id, point);
      if (booking.destination)
        p.realtime.toBooking(booking.bookingId, 'tracking:eta', {
          bookingId: booking.bookingId,
          eta: etaOf(point, booking.destination, recent.get(worker.id) ?? [], p.clock.now()),
        });
      return { recorded: false };
    },

    flush,

    /** The ETA from this instance's memory of the worker's updates, when it has any. */
    etaFor(workerId: string, destination: { lng: number; lat: number }): Eta | null {
      const list = recent.get(workerId);
      const last = list?.[list.length - 1];
      return last ? etaOf(last, destination, list!, p.clock.now()) : null;
    },

    /** Forgets what a status change made stale: the worker's active booking, the booking's last point. */
    invalidate(event: { workerId?: string | null; bookingId?: string | null }) {
      if (event.workerId) {
        active.delete(event.workerId);
        recent.delete(event.workerId);
      }
      if (event.bookingId) {
        lastPoints.delete(event.bookingId);
        // The worker may not be known to the caller yet: drop every cached entry that names the booking.
        for (const [workerId, cached] of active)
          void cached.value.then(
            (b) => {
              if (b?.bookingId === event.bookingId && active.get(workerId) === cached) active.delete(workerId);
            },
            () => {},
          );
      }
    },

    async stop() {
      await flush();
      flusher.cancel();
    },
  };
}
