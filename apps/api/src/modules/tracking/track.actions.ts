import {
  LOCATION_CLOCK_SKEW_MS,
  MAX_TRACK_POINTS,
  type TrackBatch,
  type TrackBatchResult,
  type TrackingView,
  type WalkEvent,
  type WalkEventInput,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { Conflict, ValidationFailed } from '../../platform/errors.js';
import { contactsOf, petsOf } from '../bookings/bookings.queries.js';
import { assertCanSetOff } from '../bookings/bookings.setoff.js';
import { walkBooking, workerBooking, type Viewer } from './track.access.js';
import { acceptBatch, type RawPoint } from './track.js';
import {
  bumpCounters,
  insertPoints,
  insertWalkEvent,
  isUsablePhoto,
  pointCountOf,
  pointsAround,
  setOnTheWay,
  walkEventByClientId,
  type WalkEventRow,
} from './track.queries.js';
import type { Tracks } from './track.service.js';
import { trackingView, walkEventView } from './track.view.js';

/*
 * What the worker does during a booking besides streaming positions: upload the points their phone
 * buffered offline, log walk events, say they are on their way; and what everybody reads: the
 * tracking view. Each write runs in one transaction with the booking row locked, so two uploads of
 * the same batch (a retry) cannot both store it; broadcasts follow the commit.
 */

/** Points of a walk may still arrive this long after its completion (a phone back online). */
export const LATE_BATCH_MS = 24 * 3_600_000;

type Deps = Pick<Platform, 'db' | 'clock' | 'queue' | 'realtime' | 'notifier'>;

export function createTrackActions(p: Deps, tracks: Pick<Tracks, 'flush' | 'etaFor' | 'invalidate'>) {
  async function view(viewer: Viewer, id: string): Promise<TrackingView> {
    await tracks.flush();
    const { row } = await walkBooking(p.db, viewer, id);
    return trackingView(p.db, row, { now: p.clock.now(), etaFor: (workerId, destination) => tracks.etaFor?.(workerId, destination) ?? null });
  }

  async function uploadPoints(viewer: Viewer, id: string, batch: TrackBatch): Promise<TrackBatchResult> {
    // Live points still in memory count as stored: a resent one is a duplicate, not a second row.
    await tracks.flush();
    const now = p.clock.now();
    const { result, broadcast, workerId } = await p.db.transaction(async (tx) => {
      const { row } = await workerBooking(tx, viewer, id, true);
      const lateOk = row.status === 'completed' && row.completedAt !== null && now.getTime() - row.completedAt.getTime() < LATE_BATCH_MS;
      if (row.status !== 'in_progress' && !lateOk) throw new Conflict('Points can be sent while the walk is in progress, and up to a day after it ends.');
      const points: RawPoint[] = batch.points.map((pt) => ({
        lng: pt.lng,
        lat: pt.lat,
        t: Date.parse(pt.recordedAt),
        seq: pt.seq,
        accuracyM: pt.accuracyM,
        speedMps: pt.speedMps ?? null,
      }));
      // Only the stored points the batch is judged against, and a count for the cap: not the whole track.
      const stored = await pointsAround(tx, id, points);
      const storedCount = await pointCountOf(tx, id);
      const to = Math.min(row.completedAt?.getTime() ?? Infinity, now.getTime() + LOCATION_CLOCK_SKEW_MS);
      const outcome = acceptBatch(stored, points, { from: row.startedAt!.getTime(), to: Number.isFinite(to) ? to : null });
      // A full track (MAX_TRACK_POINTS) takes no more: the rest counts as outside the walk, and the device stops resending it.
      const room = Math.max(0, MAX_TRACK_POINTS - storedCount);
      if (outcome.accepted.length > room) {
        outcome.outside += outcome.accepted.length - room;
        outcome.accepted = outcome.accepted.slice(0, room);
      }
      const accepted = await insertPoints(
        tx,
        outcome.accepted.map((pt) => ({ ...pt, bookingId: id })),
      );
      // A point the database refused now (a live one written meanwhile) was a duplicate after all.
      const duplicates = outcome.duplicates + (outcome.accepted.length - accepted);
      await bumpCounters(tx, [{ bookingId: id, duplicates, jumps: outcome.jumps }], now);
      if (row.status === 'completed' && accepted > 0) await p.queue.enqueue(tx, 'tracking.report', { bookingId: id });
      const newest = outcome.accepted[outcome.accepted.length - 1];
      // The stored point after the newest accepted one, if any, is among those read (its neighbour).
      const liveNewest = row.status === 'in_progress' && newest && !stored.some((pt) => pt.t > newest.t) ? newest : null;
      return { result: { accepted, duplicates, jumps: outcome.jumps, outside: outcome.outside }, broadcast: liveNewest, workerId: row.workerId! };
    });
    // While the walk runs, the watchers catch up to the newest position; late points of a finished walk stay quiet.
    if (broadcast)
      p.realtime.toBooking(id, 'location:updated', {
        bookingId: id,
        workerId,
        point: {
          lng: broadcast.lng,
          lat: broadcast.lat,
          at: new Date(broadcast.t).toISOString(),
          accuracyM: broadcast.accuracyM ?? null,
          seq: broadcast.seq ?? null,
          speedMps: broadcast.speedMps ?? null,
        },
      });
    return result;
  }

  /** A walk event; a `clientId` already stored answers the stored event (`replayed`). */
  async function addWalkEvent(viewer: Viewer, id: string, input: WalkEventInput): Promise<{ event: WalkEvent; replayed: boolean }> {
    const now = p.clock.now();
    const { row, replayed } = await p.db.transaction(async (tx): Promise<{ row: WalkEventRow; replayed: boolean }> => {
      const { row: booking } = await workerBooking(tx, viewer, id, true);
      if (input.clientId) {
        const stored = await walkEventByClientId(tx, id, input.clientId);
        if (stored) return { row: stored, replayed: true };
      }
      if (booking.status !== 'in_progress') throw new Conflict('Walk events can be added while the walk is in progress.');
      const at = new Date(input.at);
      if (at.getTime() < booking.startedAt!.getTime() || at.getTime() > now.getTime() + LOCATION_CLOCK_SKEW_MS)
        throw ValidationFailed.field('body.at', 'The event must be between the start of the walk and now.');
      if (input.mediaId && !(await isUsablePhoto(tx, viewer.id, input.mediaId)))
        throw ValidationFailed.field('body.mediaId', 'Upload the photo first (purpose booking_photo) and use it once.', 'invalid_media');
      const created = await insertWalkEvent(tx, {
        bookingId: id,
        kind: input.kind,
        at,
        lng: input.lng ?? null,
        lat: input.lat ?? null,
        note: input.note ?? null,
        mediaId: input.mediaId ?? null,
        clientId: input.clientId ?? null,
        createdBy: viewer.id,
        createdAt: now,
      });
      return { row: created, replayed: false };
    });
    const event = walkEventView(row);
    if (!replayed) p.realtime.toBooking(id, 'walk:event', { bookingId: id, event });
    return { event, replayed };
  }

  async function onTheWay(viewer: Viewer, id: string): Promise<TrackingView> {
    const now = p.clock.now();
    const { onTheWayAt, workerId } = await p.db.transaction(async (tx) => {
      const { row } = await workerBooking(tx, viewer, id, true);
      if (row.status !== 'confirmed') throw new Conflict('Only a confirmed booking that has not started can be on its way.');
      assertCanSetOff(row, now, 'set off');
      const at = await setOnTheWay(tx, id, now);
      const pets = (await petsOf(tx, [id])).map((pet) => pet.name);
      const workerName = row.workerFirstName ?? 'Your walker';
      if ((await contactsOf(tx, [row.ownerId])).has(row.ownerId))
        await p.notifier.notify(tx, {
          userId: row.ownerId,
          type: 'worker.on_the_way',
          title: `${workerName} is on the way`,
          message: `${workerName} is on the way for ${pets.length ? joinNames(pets) : row.serviceName} (${row.number}).`,
          data: { bookingId: id, number: row.number, link: `/bookings/${id}/live` },
          dedupeKey: `on-the-way:${id}`,
        });
      return { onTheWayAt: at, workerId: row.workerId };
    });
    // From now on this worker's live updates carry an ETA: every instance must look the booking up again.
    tracks.invalidate?.({ workerId });
    p.realtime.toBooking(id, 'booking:status', { bookingId: id, status: 'confirmed', onTheWayAt: onTheWayAt.toISOString() });
    return view(viewer, id);
  }

  return { view, uploadPoints, addWalkEvent, onTheWay };
}

/** "Rex", "Rex and Bella", "Rex, Bella and Max". */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
