import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { Forbidden, NotFound } from '../../platform/errors.js';
import { relationOf, type Relation } from '../bookings/bookings.access.js';
import { findBooking, type BookingRow } from '../bookings/bookings.queries.js';

/*
 * Who may see a booking's walk: its people — the owner, co-owners of its pets, the assigned worker and
 * the business's owner. Unlike the booking itself, administrators do not watch walks: a walk is where
 * someone is right now. Everybody else gets 404, as for an unknown id.
 */

export type Viewer = Pick<Actor, 'id' | 'role'>;
export type WalkBooking = { row: BookingRow; rel: Relation };

export function isPerson(rel: Relation): boolean {
  return rel.owner || rel.petOwner || rel.business || rel.worker;
}

/** The booking as one of its people sees it (optionally locked for a write), or 404. */
export async function walkBooking(exec: Executor, viewer: Viewer, id: string, lock = false): Promise<WalkBooking> {
  const row = await findBooking(exec, id, viewer, lock);
  if (!row) throw new NotFound('Booking');
  const rel = relationOf(row, viewer);
  if (!isPerson(rel)) throw new NotFound('Booking');
  return { row, rel };
}

/** The booking for its assigned worker: 404 for outsiders, 403 for its other people. */
export async function workerBooking(exec: Executor, viewer: Viewer, id: string, lock = false): Promise<WalkBooking> {
  const booking = await walkBooking(exec, viewer, id, lock);
  if (!booking.rel.worker) throw new Forbidden("Only the booking's assigned worker can do this.");
  return booking;
}
