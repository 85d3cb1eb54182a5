import { and, eq, isNull } from 'drizzle-orm';
import { walkReports } from '@walkydoggy/shared/db';
import { TRACK_VIEW_MAX_POINTS, WALK_EVENT_KINDS, type WalkEventKind, type WalkReport } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Executor, Tx } from '../../platform/db.js';
import { NotFound } from '../../platform/errors.js';
import { completionPhotosOf, contactsOf, findBooking, petsOf, type BookingRow } from '../bookings/bookings.queries.js';
import { joinNames } from './track.actions.js';
import { walkBooking, type Viewer } from './track.access.js';
import { buildTrack, thinSegments } from './track.js';
import { pointsOf, trackRowOf, walkEventsOf, type WalkEventRow } from './track.queries.js';
import type { Tracks } from './track.service.js';
import { durationSeconds, mediaUrl, walkEventView, workerOf } from './track.view.js';

/*
 * The walk report (docs/api/live.md): made by the `tracking.report` job when a walk is completed and
 * made again when late points arrive. The stored row holds what is computed from the track (route,
 * distance, duration, counters); events, photos and names are read with it, so they are never stale.
 * The owner is told once, when the first report is made (`mailed_at`).
 */

type Deps = Pick<Platform, 'db' | 'clock' | 'config' | 'notifier'>;

/** "850 m", "2.4 km". */
export function formatDistance(meters: number): string {
  return meters < 1000 ? `${Math.round(meters)} m` : `${(Math.round(meters / 100) / 10).toFixed(1)} km`;
}

/** "58 min", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

function countsOf(events: WalkEventRow[]): Record<WalkEventKind, number> {
  const counts = Object.fromEntries(WALK_EVENT_KINDS.map((k) => [k, 0])) as Record<WalkEventKind, number>;
  for (const e of events) counts[e.kind]++;
  return counts;
}

/** Builds (or rebuilds) the report of a completed booking; tells the owner the first time. Anything else: nothing to do. */
export async function buildReport(p: Deps, tracks: Pick<Tracks, 'flush'>, bookingId: string): Promise<void> {
  await tracks.flush();
  await p.db.transaction(async (tx) => {
    const row = await findBooking(tx, bookingId, null, true);
    if (!row || row.status !== 'completed' || !row.startedAt || !row.completedAt) return;
    const now = p.clock.now();
    const track = buildTrack(await pointsOf(tx, bookingId));
    const counters = await trackRowOf(tx, bookingId);
    const values = {
      startedAt: row.startedAt,
      endedAt: row.completedAt,
      durationSeconds: durationSeconds(row, now),
      distanceMeters: Math.round(track.distanceMeters),
      route: thinSegments(track.segments, TRACK_VIEW_MAX_POINTS, track.distanceMeters).map((s) => s.map((pt) => [pt.lng, pt.lat] as [number, number])),
      points: track.points.length,
      duplicates: (counters?.duplicates ?? 0) + track.duplicates,
      jumps: (counters?.jumps ?? 0) + track.jumps,
      notes: row.completionNotes,
      updatedAt: now,
    };
    await tx
      .insert(walkReports)
      .values({ bookingId, ...values, createdAt: now })
      .onConflictDoUpdate({ target: walkReports.bookingId, set: values });
    // Only the run that sets mailed_at tells the owner: a rebuild or a retried job does not.
    const first = await tx
      .update(walkReports)
      .set({ mailedAt: now })
      .where(and(eq(walkReports.bookingId, bookingId), isNull(walkReports.mailedAt)))
      .returning({ id: walkReports.bookingId });
    if (first.length) await tellOwner(p, tx, row, values);
  });
}

async function tellOwner(p: Deps, tx: Tx, row: BookingRow, report: { distanceMeters: number; durationSeconds: number; notes: string | null }) {
  const owner = (await contactsOf(tx, [row.ownerId])).get(row.ownerId);
  if (!owner) return;
  const petNames = joinNames((await petsOf(tx, [row.id])).map((pet) => pet.name));
  const workerName = row.workerFirstName ?? row.businessName;
  const counts = countsOf(await walkEventsOf(tx, row.id));
  const events = WALK_EVENT_KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} × ${k}`);
  const distance = formatDistance(report.distanceMeters);
  const duration = formatDuration(report.durationSeconds);
  await p.notifier.notify(tx, {
    userId: row.ownerId,
    type: 'booking.completed',
    title: `Walk report for ${petNames}`,
    message: `${workerName} walked ${petNames}: ${distance} in ${duration}.`,
    data: { bookingId: row.id, number: row.number, link: `/bookings/${row.id}/report` },
    dedupeKey: `walk-report:${row.id}`,
    mail: {
      template: 'walk-report',
      firstName: owner.firstName,
      petNames,
      workerName,
      number: row.number,
      distance,
      duration,
      events,
      notes: report.notes,
      link: `${p.config.publicUrl}/bookings/${row.id}/report`,
    },
  });
}

/** `GET /v1/bookings/:id/report`: for the booking's people, once the report is made. */
export async function readReport(exec: Executor, viewer: Viewer, id: string): Promise<WalkReport> {
  const { row } = await walkBooking(exec, viewer, id);
  const [report] = await exec.select().from(walkReports).where(eq(walkReports.bookingId, id));
  if (!report || row.status !== 'completed') throw new NotFound('Walk report');
  const events = await walkEventsOf(exec, id);
  const completion = await completionPhotosOf(exec, [id]);
  const photoIds = [...events.flatMap((e) => (e.kind === 'photo' && e.mediaId ? [e.mediaId] : [])), ...completion.map((c) => c.media.id)];
  return {
    bookingId: id,
    number: row.number,
    serviceName: row.serviceName,
    petNames: (await petsOf(exec, [id])).map((pet) => pet.name),
    worker: workerOf(row),
    startedAt: report.startedAt.toISOString(),
    endedAt: report.endedAt.toISOString(),
    durationSeconds: report.durationSeconds,
    distanceMeters: report.distanceMeters,
    route: report.route,
    events: events.map(walkEventView),
    counts: countsOf(events),
    photos: [...new Set(photoIds)].map((mediaId) => ({ mediaId, url: mediaUrl(mediaId)! })),
    notes: report.notes,
    stats: {
      points: report.points,
      duplicates: report.duplicates,
      jumps: report.jumps,
      distanceMeters: report.distanceMeters,
      durationSeconds: report.durationSeconds,
    },
  };
}
