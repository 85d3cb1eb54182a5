import { and, asc, eq, gt, inArray, isNull, lt, ne, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import {
  ACTIVE_BOOKING_STATUSES,
  bookings,
  businesses,
  serviceWorkers,
  services,
  users,
  workers,
  workerTimeOff,
  type AvailabilityWindow,
} from '@walkydoggy/shared/db';
import type { Executor } from '../../platform/db.js';
import { preparedStatements } from './prepared.js';

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

const serviceRulesStatement = preparedStatements((exec, _shape: 'one') => {
  const query = exec
    .select(businessRulesColumns)
    .from(services)
    .innerJoin(businesses, eq(businesses.id, services.businessId))
    .where(and(eq(services.id, sql.placeholder('serviceId')), isNull(services.deletedAt)));
  return { query, selection: businessRulesColumns };
});

/** The rules of the business offering a (not deleted) service. */
export async function findServiceBusinessRules(exec: Executor, serviceId: string) {
  const [row] = await serviceRulesStatement(exec, 'one', { serviceId });
  return row;
}

/** An instant as epoch milliseconds, which survives the trip through JSON as it is. */
const epochMs = (column: AnyPgColumn) => sql`floor(extract(epoch from ${column}) * 1000)::float8`;
/** Rows of a correlated subquery as a JSON array of [start, end] epoch-millisecond pairs. */
const periods = (start: AnyPgColumn, end: AnyPgColumn, from: SQL, where: SQL | undefined) =>
  sql<[number, number][]>`coalesce((select json_agg(json_build_array(${epochMs(start)}, ${epochMs(end)})) from ${from} where ${where}), '[]'::json)`;

/** Who performs a service and what holds their time in [from, to); references may be values, placeholders or outer columns. */
type PerformersOf = {
  businessId: SQLWrapper;
  serviceId: SQLWrapper;
  workerId?: SQLWrapper | undefined;
  excludeBookingId?: SQLWrapper | undefined;
  from: SQL;
  to: SQL;
};

/** The parts of a performers read: its where clause and each worker's periods as JSON. */
function performerParts(a: PerformersOf) {
  const listing = sql`select 1 from ${serviceWorkers} where ${serviceWorkers.serviceId} = ${a.serviceId}`;
  return {
    timeOff: periods(
      workerTimeOff.startsAt,
      workerTimeOff.endsAt,
      sql`${workerTimeOff}`,
      sql`${workerTimeOff.workerId} = ${workers.id} and ${workerTimeOff.startsAt} < ${a.to} and ${workerTimeOff.endsAt} > ${a.from}`,
    ),
    holds: periods(
      bookings.startsAt,
      bookings.blockedUntil,
      sql`${bookings}`,
      and(
        sql`${bookings.workerId} = ${workers.id}`,
        inArray(bookings.status, [...ACTIVE_BOOKING_STATUSES]),
        sql`${bookings.startsAt} < ${a.to} and ${bookings.blockedUntil} > ${a.from}`,
        a.excludeBookingId ? ne(bookings.id, a.excludeBookingId) : undefined,
      ),
    ),
    where: and(
      eq(workers.businessId, a.businessId),
      eq(workers.status, 'active'),
      a.workerId ? eq(workers.id, a.workerId) : undefined,
      sql`(not exists (${listing}) or exists (${listing} and ${serviceWorkers.workerId} = ${workers.id}))`,
    ),
  };
}

export type PerformerCalendar = {
  id: string;
  status: 'active' | 'removed';
  weeklyAvailability: AvailabilityWindow[];
  photoMediaId: string | null;
  firstName: string;
  lastName: string;
  timeOff: { startsAt: Date; endsAt: Date }[];
  holds: { startsAt: Date; blockedUntil: Date }[];
};
type PerformerRow = Omit<PerformerCalendar, 'timeOff' | 'holds'> & { timeOff: [number, number][]; holds: [number, number][] };

const toCalendar = ({ timeOff, holds, ...row }: PerformerRow): PerformerCalendar => ({
  ...row,
  timeOff: timeOff.map(([start, end]) => ({ startsAt: new Date(start), endsAt: new Date(end) })),
  holds: holds.map(([start, end]) => ({ startsAt: new Date(start), blockedUntil: new Date(end) })),
});

/**
 * Days either side of a slot's start that a calendar read ahead of knowing the business's time zone
 * covers: the slot's local date begins and ends within a day and a few hours of it. Time off and
 * bookings beyond the date (and beyond the slot's end with its buffer) do not change whether the slot
 * is offered, nor the day's load, so the wider period answers the same.
 */
export const CALENDAR_MARGIN_DAYS = 2;

/**
 * `performerCalendars` as one JSON value, for a statement that reads it along with other things
 * (booking creation reads it with the service); `calendarsOf` turns it back into calendars.
 */
export function performerCalendarsJson(a: PerformersOf): SQL<unknown> {
  const parts = performerParts(a);
  const calendar = sql`json_build_object('id', ${workers.id}, 'status', ${workers.status}, 'weeklyAvailability', ${workers.weeklyAvailability},
    'photoMediaId', ${workers.photoMediaId}, 'firstName', ${users.firstName}, 'lastName', ${users.lastName},
    'timeOff', ${parts.timeOff}, 'holds', ${parts.holds})`;
  return sql`(select coalesce(json_agg(${calendar} order by ${workers.createdAt}, ${workers.id}), '[]'::json)
    from ${workers} join ${users} on ${users.id} = ${workers.userId} where ${parts.where})`;
}

export const calendarsOf = (json: unknown): PerformerCalendar[] => (json as PerformerRow[]).map(toCalendar);

/** The statement of `performerCalendars`, with or without one worker and a booking to ignore. */
const calendarsStatement = preparedStatements((exec, shape: `${'one' | 'all'} ${'except' | 'every'}`) => {
  const [workersShape, bookingsShape] = shape.split(' ');
  const parts = performerParts({
    businessId: sql.placeholder('businessId'),
    serviceId: sql.placeholder('serviceId'),
    workerId: workersShape === 'one' ? sql.placeholder('workerId') : undefined,
    excludeBookingId: bookingsShape === 'except' ? sql.placeholder('excludeBookingId') : undefined,
    from: sql`${sql.placeholder('from')}::timestamptz`,
    to: sql`${sql.placeholder('to')}::timestamptz`,
  });
  const selection = {
    id: workers.id,
    status: workers.status,
    weeklyAvailability: workers.weeklyAvailability,
    photoMediaId: workers.photoMediaId,
    firstName: users.firstName,
    lastName: users.lastName,
    timeOff: parts.timeOff,
    holds: parts.holds,
  };
  const query = exec
    .select(selection)
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .where(parts.where)
    .orderBy(asc(workers.createdAt), asc(workers.id));
  return { query, selection };
});

/**
 * The active workers who perform a service (the ones it lists, or every one of the business when it
 * lists none), optionally just one, oldest first, each with the time off and the active bookings
 * (but `excludeBookingId`, the one being moved) that hold time in [from, to).
 */
export async function performerCalendars(
  exec: Executor,
  a: { businessId: string; serviceId: string; from: Date; to: Date; workerId?: string | undefined; excludeBookingId?: string | undefined },
): Promise<PerformerCalendar[]> {
  const rows = await calendarsStatement(exec, `${a.workerId ? 'one' : 'all'} ${a.excludeBookingId ? 'except' : 'every'}`, {
    businessId: a.businessId,
    serviceId: a.serviceId,
    from: a.from.toISOString(),
    to: a.to.toISOString(),
    ...(a.workerId ? { workerId: a.workerId } : {}),
    ...(a.excludeBookingId ? { excludeBookingId: a.excludeBookingId } : {}),
  });
  return rows.map(toCalendar);
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
