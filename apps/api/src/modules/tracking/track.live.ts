import type { Eta, LocationUpdate } from '@walkydoggy/shared';
import type { Platform } from '../../app.js';
import { etaOf, ETA_WINDOW_MS } from './eta.js';
import { isJump, type RawPoint } from './track.js';
import { activeBookingOf, bumpCounters, insertPoints, lastPointOf, type ActiveBooking, type PointRow } from './track.queries.js';

/*
 * The live path of a worker's position (docs/api/live.md). Presence hands over every accepted update;
 * with a walk in progress it becomes a point of that booking's track: checked against the last
 * accepted point, broadcast at once to the booking's room and written in batches (every FLUSH_MS or
 * FLUSH_POINTS points, one INSERT each). On the way to a confirmed booking it gives the ETA instead.
 * Thousands of updates a second pass through here, so the steady state reads nothing from the
 * database: which booking a worker feeds, and its last point, are kept in memory.
 */

export const FLUSH_MS = 200;
export const FLUSH_POINTS = 500;
/**
 * How long a worker's active booking is trusted without asking again. Every status change and "on
 * the way" invalidates it on all instances; this only bounds a missed invalidation.
 */
export const ACTIVE_TTL_MS = 10_000;
/** Recent updates kept per worker on the way, enough for ETA_WINDOW_MS at one update a second. */
const RECENT_MAX = 400;

type Logger = { error(obj: object, msg: string): void };
type Cached = { expires: number; value: Promise<ActiveBooking | null> };

export type LiveRecorder = ReturnType<typeof createLiveRecorder>;

export function createLiveRecorder(p: Pick<Platform, 'db' | 'realtime' | 'clock'>, log: () => Logger) {
  const active = new Map<string, Cached>();
  /** Last accepted point per booking in progress (null: none yet); loaded once from the database. */
  const lastPoints = new Map<string, Promise<RawPoint | null> | RawPoint | null>();
  /** Each on-the-way worker's updates of the last few minutes, oldest first. */
  const recent = new Map<string, RawPoint[]>();
  let buffer: PointRow[] = [];
  let jumps = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let fullFlushQueued = false;

  function activeOf(workerId: string): Promise<ActiveBooking | null> {
    const now = Date.now();
    const hit = active.get(workerId);
    if (hit && hit.expires > now) return hit.value;
    const value = activeBookingOf(p.db, workerId);
    active.set(workerId, { expires: now + ACTIVE_TTL_MS, value });
    // A failed lookup must not stick for the whole TTL.
    value.catch(() => active.delete(workerId));
    return value;
  }

  async function lastPointFor(bookingId: string): Promise<RawPoint | null> {
    const known = lastPoints.get(bookingId);
    if (known !== undefined) return known;
    const loading = lastPointOf(p.db, bookingId);
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
    if (!timer) {
      timer = setTimeout(() => void flush(), FLUSH_MS);
      timer.unref();
    }
  }

  /** Writes what is buffered now; flushes run one after another, each taking everything buffered before it. */
  function flush(): Promise<void> {
    const run = chain.then(writeOut);
    chain = run.catch(() => {});
    return run;
  }

  async function writeOut() {
    if (timer) clearTimeout(timer);
    timer = null;
    fullFlushQueued = false;
    const points = buffer;
    const counted = jumps;
    buffer = [];
    jumps = new Map();
    if (!points.length && !counted.size) return;
    try {
      await insertPoints(p.db, points);
      await bumpCounters(
        p.db,
        [...counted].map(([bookingId, n]) => ({ bookingId, duplicates: 0, jumps: n })),
        p.clock.now(),
      );
    } catch (err) {
      // Retrying would pile points up while the database is away; the offline batch can resend them.
      log().error({ err, points: points.length }, 'writing live track points failed');
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
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
