import { and, asc, eq, gt, inArray, lt, ne } from 'drizzle-orm';
import { ACTIVE_BOOKING_STATUSES, bookings, businesses, serviceWorkers, users, workers, workerTimeOff } from '@walkydoggy/shared/db';
import type { Executor } from '../../platform/db.js';

/*
 * Reads for availability. They take an executor so that booking creation can run them inside its
 * transaction; none of them decides visibility (the service does, with the catalog's queries).
 */

export async function findBusinessRules(exec: Executor, businessId: string) {
  const [row] = await exec
    .select({
      id: businesses.id,
      timeZone: businesses.timeZone,
      operatingHours: businesses.operatingHours,
      closedDates: businesses.closedDates,
      travelBufferMinutes: businesses.travelBufferMinutes,
      dailyCapacity: businesses.dailyCapacity,
    })
    .from(businesses)
    .where(eq(businesses.id, businessId));
  return row;
}

/** Active workers of the business (optionally just one), oldest first, with their names. */
export function activeWorkersOf(exec: Executor, businessId: string, workerId?: string) {
  return exec
    .select({
      id: workers.id,
      status: workers.status,
      weeklyAvailability: workers.weeklyAvailability,
      photoMediaId: workers.photoMediaId,
      firstName: users.firstName,
      lastName: users.lastName,
    })
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .where(and(eq(workers.businessId, businessId), eq(workers.status, 'active'), workerId ? eq(workers.id, workerId) : undefined))
    .orderBy(asc(workers.createdAt), asc(workers.id));
}
export type AvailabilityWorkerRow = Awaited<ReturnType<typeof activeWorkersOf>>[number];

/** The workers a service lists (none: every worker of the business performs it). */
export async function listedWorkerIds(exec: Executor, serviceId: string): Promise<string[]> {
  const rows = await exec.select({ workerId: serviceWorkers.workerId }).from(serviceWorkers).where(eq(serviceWorkers.serviceId, serviceId));
  return rows.map((r) => r.workerId);
}

/** Time off of these workers overlapping [from, to). */
export function timeOffBetween(exec: Executor, workerIds: string[], from: Date, to: Date) {
  if (!workerIds.length) return Promise.resolve([]);
  return exec
    .select({ workerId: workerTimeOff.workerId, startsAt: workerTimeOff.startsAt, endsAt: workerTimeOff.endsAt })
    .from(workerTimeOff)
    .where(and(inArray(workerTimeOff.workerId, workerIds), lt(workerTimeOff.startsAt, to), gt(workerTimeOff.endsAt, from)));
}

/** Active bookings of these workers holding time in [from, to), but `excludeBookingId` (the one being moved). */
export async function workerHoldsBetween(exec: Executor, workerIds: string[], from: Date, to: Date, excludeBookingId?: string) {
  if (!workerIds.length) return [];
  const rows = await exec
    .select({ workerId: bookings.workerId, startsAt: bookings.startsAt, blockedUntil: bookings.blockedUntil })
    .from(bookings)
    .where(
      and(
        inArray(bookings.workerId, workerIds),
        inArray(bookings.status, [...ACTIVE_BOOKING_STATUSES]),
        lt(bookings.startsAt, to),
        gt(bookings.blockedUntil, from),
        excludeBookingId ? ne(bookings.id, excludeBookingId) : undefined,
      ),
    );
  return rows.map((r) => ({ ...r, workerId: r.workerId! }));
}

/** Active day bookings of the business occupying a date of [startDate, endDate), but `excludeBookingId`. */
export async function dayBookingsBetween(exec: Executor, businessId: string, startDate: string, endDate: string, excludeBookingId?: string) {
  const rows = await exec
    .select({ startDate: bookings.startDate, endDate: bookings.endDate, petCount: bookings.petCount })
    .from(bookings)
    .where(
      and(
        eq(bookings.businessId, businessId),
        eq(bookings.kind, 'day'),
        inArray(bookings.status, [...ACTIVE_BOOKING_STATUSES]),
        lt(bookings.startDate, endDate),
        gt(bookings.endDate, startDate),
        excludeBookingId ? ne(bookings.id, excludeBookingId) : undefined,
      ),
    );
  // Day bookings always carry their dates; a row without them occupies nothing.
  return rows.flatMap((r) => (r.startDate && r.endDate ? [{ startDate: r.startDate, endDate: r.endDate, petCount: r.petCount }] : []));
}
