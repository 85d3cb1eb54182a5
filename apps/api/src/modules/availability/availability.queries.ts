import { and, asc, eq, gt, inArray, isNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { ACTIVE_BOOKING_STATUSES, bookings, businesses, serviceWorkers, services, users, workers, workerTimeOff } from '@walkydoggy/shared/db';
import type { Executor } from '../../platform/db.js';

/*
 * Reads for availability. They take an executor so that booking creation can run them inside its
 * transaction; none of them decides visibility (the service does, with the catalog's queries).
 */

const businessRulesColumns = {
  id: businesses.id,
  timeZone: businesses.timeZone,
  operatingHours: businesses.operatingHours,
  closedDates: businesses.closedDates,
  travelBufferMinutes: businesses.travelBufferMinutes,
  dailyCapacity: businesses.dailyCapacity,
};

export async function findBusinessRules(exec: Executor, businessId: string) {
  const [row] = await exec.select(businessRulesColumns).from(businesses).where(eq(businesses.id, businessId));
  return row;
}

/** The rules of the business offering a (not deleted) service. */
export async function findServiceBusinessRules(exec: Executor, serviceId: string) {
  const [row] = await exec
    .select(businessRulesColumns)
    .from(services)
    .innerJoin(businesses, eq(businesses.id, services.businessId))
    .where(and(eq(services.id, serviceId), isNull(services.deletedAt)));
  return row;
}

/** An instant as epoch milliseconds, which survives the trip through JSON as it is. */
const epochMs = (column: AnyPgColumn) => sql`floor(extract(epoch from ${column}) * 1000)::float8`;
/** Rows of a correlated subquery as a JSON array of [start, end] epoch-millisecond pairs. */
const periods = (start: AnyPgColumn, end: AnyPgColumn, from: SQL, where: SQL | undefined) =>
  sql<[number, number][]>`coalesce((select json_agg(json_build_array(${epochMs(start)}, ${epochMs(end)})) from ${from} where ${where}), '[]'::json)`;

/**
 * The active workers who perform a service (the ones it lists, or every one of the business when it
 * lists none), optionally just one, oldest first, each with the time off and the active bookings
 * (but `excludeBookingId`, the one being moved) that hold time in [from, to). One statement: booking
 * creation runs it inside its transaction for every request.
 */
export async function performerCalendars(
  exec: Executor,
  a: { businessId: string; serviceId: string; from: Date; to: Date; workerId?: string | undefined; excludeBookingId?: string | undefined },
) {
  const from = sql`${a.from.toISOString()}::timestamptz`;
  const to = sql`${a.to.toISOString()}::timestamptz`;
  const listing = sql`select 1 from ${serviceWorkers} where ${serviceWorkers.serviceId} = ${a.serviceId}`;
  const rows = await exec
    .select({
      id: workers.id,
      status: workers.status,
      weeklyAvailability: workers.weeklyAvailability,
      photoMediaId: workers.photoMediaId,
      firstName: users.firstName,
      lastName: users.lastName,
      timeOff: periods(
        workerTimeOff.startsAt,
        workerTimeOff.endsAt,
        sql`${workerTimeOff}`,
        sql`${workerTimeOff.workerId} = ${workers.id} and ${workerTimeOff.startsAt} < ${to} and ${workerTimeOff.endsAt} > ${from}`,
      ),
      holds: periods(
        bookings.startsAt,
        bookings.blockedUntil,
        sql`${bookings}`,
        and(
          sql`${bookings.workerId} = ${workers.id}`,
          inArray(bookings.status, [...ACTIVE_BOOKING_STATUSES]),
          sql`${bookings.startsAt} < ${to} and ${bookings.blockedUntil} > ${from}`,
          a.excludeBookingId ? ne(bookings.id, a.excludeBookingId) : undefined,
        ),
      ),
    })
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .where(
      and(
        eq(workers.businessId, a.businessId),
        eq(workers.status, 'active'),
        a.workerId ? eq(workers.id, a.workerId) : undefined,
        sql`(not exists (${listing}) or exists (${listing} and ${serviceWorkers.workerId} = ${workers.id}))`,
      ),
    )
    .orderBy(asc(workers.createdAt), asc(workers.id));
  return rows.map(({ timeOff, holds, ...row }) => ({
    ...row,
    timeOff: timeOff.map(([start, end]) => ({ startsAt: new Date(start), endsAt: new Date(end) })),
    holds: holds.map(([start, end]) => ({ startsAt: new Date(start), blockedUntil: new Date(end) })),
  }));
}
export type PerformerCalendar = Awaited<ReturnType<typeof performerCalendars>>[number];

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
