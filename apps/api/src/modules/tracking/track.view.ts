import { TRACK_VIEW_MAX_POINTS, type Eta, type TrackingView, type TrackPoint, type WalkEvent } from '@walkydoggy/shared';
import type { Executor } from '../../platform/db.js';
import type { BookingRow } from '../bookings/bookings.queries.js';
import { etaOf } from './eta.js';
import { buildTrack, thinSegments, type RawPoint } from './track.js';
import { pointsOf, presenceLocationOf, trackRowOf, walkEventsOf, type WalkEventRow } from './track.queries.js';

/* The tracking view of a booking: what a page opened at any moment of the walk needs to draw it. */

/** Media are served at this path; the media module decides who may fetch them. */
export const mediaUrl = (mediaId: string | null) => (mediaId ? `/v1/media/${mediaId}/file` : null);

export function walkEventView(row: WalkEventRow): WalkEvent {
  return {
    id: row.id,
    kind: row.kind,
    at: row.at.toISOString(),
    lng: row.lng,
    lat: row.lat,
    note: row.note,
    photoUrl: row.kind === 'photo' ? mediaUrl(row.mediaId) : null,
    mediaId: row.mediaId,
  };
}

export function trackPointView(p: RawPoint): TrackPoint {
  return { lng: p.lng, lat: p.lat, at: new Date(p.t).toISOString(), accuracyM: p.accuracyM ?? null };
}

export function workerOf(row: BookingRow): TrackingView['worker'] {
  return row.workerId && row.workerFirstName !== null ? { id: row.workerId, firstName: row.workerFirstName, photoUrl: mediaUrl(row.workerPhotoMediaId) } : null;
}

export function destinationOf(row: Pick<BookingRow, 'lng' | 'lat'>): { lng: number; lat: number } | null {
  return row.lng === null || row.lat === null ? null : { lng: Number(row.lng), lat: Number(row.lat) };
}

/** The walk's duration: started → completed, or so far while it runs. */
export function durationSeconds(row: Pick<BookingRow, 'startedAt' | 'completedAt' | 'status'>, now: Date): number {
  if (!row.startedAt) return 0;
  const end = row.completedAt ?? (row.status === 'in_progress' ? now : row.startedAt);
  return Math.max(0, Math.round((end.getTime() - row.startedAt.getTime()) / 1000));
}

type ViewDeps = { now: Date; etaFor: (workerId: string, destination: { lng: number; lat: number }) => Eta | null };

export async function trackingView(exec: Executor, row: BookingRow, d: ViewDeps): Promise<TrackingView> {
  const [points, counters, events] = [await pointsOf(exec, row.id), await trackRowOf(exec, row.id), await walkEventsOf(exec, row.id)];
  const track = buildTrack(points);
  // A full track is tens of milliseconds of building: what follows (thinning, the answer) gets its own turn.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const destination = destinationOf(row);
  const onTheWayAt = counters?.onTheWayAt ?? null;

  let eta: Eta | null = null;
  if (row.status === 'confirmed' && onTheWayAt && destination && row.workerId) {
    eta = d.etaFor(row.workerId, destination);
    if (!eta) {
      const at = await presenceLocationOf(exec, row.workerId);
      if (at) eta = etaOf(at, destination, [], d.now);
    }
  }

  const last = track.points[track.points.length - 1];
  return {
    bookingId: row.id,
    status: row.status,
    live: row.status === 'in_progress',
    onTheWayAt: onTheWayAt?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    worker: workerOf(row),
    destination,
    // Drawn thinned (TRACK_VIEW_MAX_POINTS); the stats below are the full track's.
    segments: thinSegments(track.segments, TRACK_VIEW_MAX_POINTS, track.distanceMeters).map((s) => s.map(trackPointView)),
    lastPoint: last ? trackPointView(last) : null,
    eta,
    events: events.map(walkEventView),
    stats: {
      points: track.points.length,
      duplicates: (counters?.duplicates ?? 0) + track.duplicates,
      jumps: (counters?.jumps ?? 0) + track.jumps,
      distanceMeters: Math.round(track.distanceMeters),
      durationSeconds: durationSeconds(row, d.now),
    },
  };
}
