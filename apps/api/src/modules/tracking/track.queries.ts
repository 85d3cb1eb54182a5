import { and, asc, eq, sql } from 'drizzle-orm';
import { bookingTrackPoints, bookingTracks, walkEvents } from '@walkydoggy/shared/db';
import { MAX_TRACK_POINTS } from '@walkydoggy/shared';
import { rowsOf, type Executor } from '../../platform/db.js';
import { unusedBookingPhotos } from '../media/media.access.js';
import type { RawPoint } from './track.js';

/* The track's data: points, counters, walk events and what the live path needs to know of a worker. */

/** A point on its way to `booking_track_points`. */
export type PointRow = RawPoint & { bookingId: string };

/**
 * Writes many points in one statement. The join keeps only points recorded while their booking's walk
 * ran (started_at ..completed_at), so a point that is late or early is dropped by the database even
 * when the caller's view of the booking is stale; duplicates (same instant or seq) are ignored.
 * Returns how many rows were written.
 */
export async function insertPoints(exec: Executor, points: PointRow[]): Promise<number> {
  if (!points.length) return 0;
  const col = <T>(pick: (p: PointRow) => T) => sql.param(points.map(pick));
  const result = await exec.execute(sql`
    insert into ${bookingTrackPoints} (booking_id, recorded_at, seq, lng, lat, accuracy_m, speed_mps)
    select p.booking_id, p.recorded_at, p.seq, p.lng, p.lat, p.accuracy_m, p.speed_mps
    from unnest(${col((p) => p.bookingId)}::uuid[], ${col((p) => new Date(p.t).toISOString())}::timestamptz[], ${col((p) => p.seq ?? null)}::int[],
      ${col((p) => p.lng)}::float8[], ${col((p) => p.lat)}::float8[], ${col((p) => p.accuracyM ?? null)}::float8[], ${col((p) => p.speedMps ?? null)}::float8[])
      as p (booking_id, recorded_at, seq, lng, lat, accuracy_m, speed_mps)
    join bookings b on b.id = p.booking_id
    where b.started_at is not null and p.recorded_at >= b.started_at and p.recorded_at <= coalesce(b.completed_at, 'infinity'::timestamptz)
    on conflict do nothing
    returning 1`);
  return rowsOf(result).length;
}

/** Adds dropped points to each booking's counters, one statement for many bookings. */
export async function bumpCounters(exec: Executor, counts: { bookingId: string; duplicates: number; jumps: number }[], now: Date) {
  const rows = counts.filter((c) => c.duplicates || c.jumps);
  if (!rows.length) return;
  await exec.execute(sql`
    insert into ${bookingTracks} (booking_id, duplicates, jumps, updated_at)
    select c.booking_id, c.duplicates, c.jumps, ${now.toISOString()}::timestamptz
    from unnest(${sql.param(rows.map((r) => r.bookingId))}::uuid[], ${sql.param(rows.map((r) => r.duplicates))}::int[], ${sql.param(rows.map((r) => r.jumps))}::int[])
      as c (booking_id, duplicates, jumps)
    where exists (select 1 from bookings b where b.id = c.booking_id)
    on conflict (booking_id) do update set duplicates = ${bookingTracks.duplicates} + excluded.duplicates,
      jumps = ${bookingTracks.jumps} + excluded.jumps, updated_at = excluded.updated_at`);
}

/**
 * A booking's stored points in time order: the first MAX_TRACK_POINTS of them. Raw rows with the
 * instant as epoch milliseconds: the whole track is read, and a Date parsed per row is most of its cost.
 */
export async function pointsOf(exec: Executor, bookingId: string): Promise<RawPoint[]> {
  const rows = rowsOf<{
    t: number | string;
    seq: number | null;
    lng: number | string;
    lat: number | string;
    accuracy_m: number | string | null;
    speed_mps: number | string | null;
  }>(
    await exec.execute(sql`
      select floor(extract(epoch from recorded_at) * 1000)::float8 as t, seq, lng, lat, accuracy_m, speed_mps
      from ${bookingTrackPoints} where booking_id = ${bookingId}
      order by recorded_at limit ${MAX_TRACK_POINTS}`),
  );
  return rows.map((r) => ({
    lng: Number(r.lng),
    lat: Number(r.lat),
    t: Number(r.t),
    seq: r.seq,
    accuracyM: r.accuracy_m === null ? null : Number(r.accuracy_m),
    speedMps: r.speed_mps === null ? null : Number(r.speed_mps),
  }));
}

/**
 * The stored points an offline batch is judged against (`acceptBatch`): for each of the batch's instants
 * the stored point at it or nearest before and nearest after (its duplicate, the accepted point before
 * it, the stored point after it), and the stored points with one of its `seq`s. At most three per batch
 * point, on the primary key and the seq key: what a batch costs does not grow with the stored track.
 */
export async function pointsAround(exec: Executor, bookingId: string, batch: RawPoint[]): Promise<RawPoint[]> {
  if (!batch.length) return [];
  const times = sql.param([...new Set(batch.map((p) => p.t))].map((t) => new Date(t).toISOString()));
  const seqs = sql.param([...new Set(batch.flatMap((p) => (p.seq != null ? [p.seq] : [])))]);
  const columns = sql`s.recorded_at, s.seq, s.lng, s.lat, s.accuracy_m, s.speed_mps`;
  const rows = rowsOf<{ recorded_at: string | Date; seq: number | null; lng: number; lat: number; accuracy_m: number | null; speed_mps: number | null }>(
    await exec.execute(sql`
      select ${columns} from unnest(${times}::timestamptz[]) as b(t)
        cross join lateral (select * from ${bookingTrackPoints} s where s.booking_id = ${bookingId} and s.recorded_at <= b.t order by s.recorded_at desc limit 1) s
      union
      select ${columns} from unnest(${times}::timestamptz[]) as b(t)
        cross join lateral (select * from ${bookingTrackPoints} s where s.booking_id = ${bookingId} and s.recorded_at > b.t order by s.recorded_at asc limit 1) s
      union
      select ${columns} from ${bookingTrackPoints} s where s.booking_id = ${bookingId} and s.seq = any(${seqs}::int[])`),
  );
  return rows
    .map((r) => ({
      lng: Number(r.lng),
      lat: Number(r.lat),
      t: new Date(r.recorded_at).getTime(),
      seq: r.seq,
      accuracyM: r.accuracy_m === null ? null : Number(r.accuracy_m),
      speedMps: r.speed_mps === null ? null : Number(r.speed_mps),
    }))
    .sort((a, b) => a.t - b.t);
}

/** How many points a booking's track holds (against MAX_TRACK_POINTS). */
export async function pointCountOf(exec: Executor, bookingId: string): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await exec.execute(sql`select count(*)::int as n from ${bookingTrackPoints} where booking_id = ${bookingId}`));
  return Number(row?.n ?? 0);
}

/** The newest stored point of a booking (the live path's jump check after a restart). */
export async function lastPointOf(exec: Executor, bookingId: string): Promise<RawPoint | null> {
  const [row] = await exec
    .select({ lng: bookingTrackPoints.lng, lat: bookingTrackPoints.lat, at: bookingTrackPoints.recordedAt, seq: bookingTrackPoints.seq })
    .from(bookingTrackPoints)
    .where(eq(bookingTrackPoints.bookingId, bookingId))
    .orderBy(sql`${bookingTrackPoints.recordedAt} desc`)
    .limit(1);
  return row ? { lng: row.lng, lat: row.lat, t: row.at.getTime(), seq: row.seq } : null;
}

export type ActiveBooking = {
  bookingId: string;
  status: 'in_progress' | 'confirmed';
  startedAt: Date | null;
  destination: { lng: number; lat: number } | null;
};

/**
 * What a worker's live updates feed: their walk in progress, else the confirmed booking they said they
 * are on their way to (the sooner one first).
 */
export async function activeBookingOf(exec: Executor, workerId: string): Promise<ActiveBooking | null> {
  const [row] = rowsOf<{ id: string; status: 'in_progress' | 'confirmed'; started_at: string | Date | null; lng: number | null; lat: number | null }>(
    await exec.execute(sql`
      select b.id, b.status, b.started_at, ST_X(b.location::geometry) as lng, ST_Y(b.location::geometry) as lat
      from bookings b left join ${bookingTracks} bt on bt.booking_id = b.id
      where b.worker_id = ${workerId} and (b.status = 'in_progress' or (b.status = 'confirmed' and bt.on_the_way_at is not null))
      order by (b.status = 'in_progress') desc, b.starts_at asc
      limit 1`),
  );
  if (!row) return null;
  return {
    bookingId: row.id,
    status: row.status,
    startedAt: row.started_at === null ? null : new Date(row.started_at),
    destination: row.lng === null || row.lat === null ? null : { lng: Number(row.lng), lat: Number(row.lat) },
  };
}

/** The worker of a booking (whose live cache a status change invalidates). */
export async function workerOfBooking(exec: Executor, bookingId: string): Promise<string | null> {
  const [row] = rowsOf<{ worker_id: string | null }>(await exec.execute(sql`select worker_id from bookings where id = ${bookingId}`));
  return row?.worker_id ?? null;
}

export async function trackRowOf(exec: Executor, bookingId: string) {
  const [row] = await exec.select().from(bookingTracks).where(eq(bookingTracks.bookingId, bookingId));
  return row ?? null;
}

/** Marks the worker on their way (the first time counts: pressing again keeps it). */
export async function setOnTheWay(exec: Executor, bookingId: string, now: Date): Promise<Date> {
  const [row] = await exec
    .insert(bookingTracks)
    .values({ bookingId, onTheWayAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: bookingTracks.bookingId,
      set: { onTheWayAt: sql`coalesce(${bookingTracks.onTheWayAt}, excluded.on_the_way_at)`, updatedAt: now },
    })
    .returning({ onTheWayAt: bookingTracks.onTheWayAt });
  return row!.onTheWayAt!;
}

export type WalkEventRow = typeof walkEvents.$inferSelect;

export function walkEventsOf(exec: Executor, bookingId: string): Promise<WalkEventRow[]> {
  return exec.select().from(walkEvents).where(eq(walkEvents.bookingId, bookingId)).orderBy(asc(walkEvents.at), asc(walkEvents.createdAt));
}

export async function walkEventByClientId(exec: Executor, bookingId: string, clientId: string): Promise<WalkEventRow | null> {
  const [row] = await exec
    .select()
    .from(walkEvents)
    .where(and(eq(walkEvents.bookingId, bookingId), eq(walkEvents.clientId, clientId)));
  return row ?? null;
}

export async function insertWalkEvent(exec: Executor, values: typeof walkEvents.$inferInsert): Promise<WalkEventRow> {
  const [row] = await exec.insert(walkEvents).values(values).returning();
  return row!;
}

/**
 * Whether `mediaId` may be a walk event's photo: the worker's own `booking_photo` upload, not deleted,
 * not attached to a booking yet and not another event's photo (as completion photos, used once).
 */
export async function isUsablePhoto(exec: Executor, uploaderId: string, mediaId: string): Promise<boolean> {
  return (await unusedBookingPhotos(exec, uploaderId, [mediaId])).has(mediaId);
}

/** The worker's latest known position from the presence table (the ETA when this instance has seen no update). */
export async function presenceLocationOf(exec: Executor, workerId: string): Promise<RawPoint | null> {
  const [row] = rowsOf<{ lng: number | null; lat: number | null; recorded_at: string | Date | null }>(
    await exec.execute(sql`select ST_X(location::geometry) as lng, ST_Y(location::geometry) as lat, recorded_at
      from worker_presence where worker_id = ${workerId} and online_at is not null and location is not null`),
  );
  if (!row || row.lng === null || row.lat === null) return null;
  return { lng: Number(row.lng), lat: Number(row.lat), t: row.recorded_at ? new Date(row.recorded_at).getTime() : 0 };
}
