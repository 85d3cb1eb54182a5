import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { bookingSeries, bookings, businesses } from '@walkydoggy/shared/db';
import {
  bookingKindFor,
  expandWeeklyRule,
  seriesRuleProblem,
  toRRule,
  type CancelSeriesBody,
  type CreateSeriesInput,
  type Series,
  type SeriesConflict,
  type ServiceType,
  type WeeklyRule,
} from '@walkydoggy/shared';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor, Tx } from '../../platform/db.js';
import { AppError, Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import type { Clock } from '../../platform/clock.js';
import { firstInstantAt, localDateOf, MINUTE_MS, wallAt, wallOfDate, zoneOf } from '../availability/local-time.js';
import { findBookable, pointOf } from './bookings.bookable.js';
import { checkLocation, checkPets, planTimes } from './bookings.checks.js';
import { lockWorkerTime } from './bookings.locks.js';
import * as q from './bookings.queries.js';
import { sqlStateOf } from '../../platform/db.js';
import type { BookingService } from './bookings.service.js';
import { SLOT_TAKEN } from './bookings.checks.js';
import type { Transitions } from './bookings.transitions.js';

/*
 * Weekly series: one rule, one booking per occurrence. Every occurrence is made by the same function
 * as a single booking, each in its own savepoint, so a date that cannot be booked is reported in
 * `conflicts` and the others are still made.
 */

type Viewer = Pick<Actor, 'id' | 'role'>;
type SeriesRow = typeof bookingSeries.$inferSelect & { businessOwnerId: string };

function toSeriesView(row: typeof bookingSeries.$inferSelect): Series {
  return {
    id: row.id,
    rule: row.rule,
    rrule: toRRule(row.rule),
    localStartTime: row.localStartTime,
    timeZone: row.timeZone,
    firstDate: row.firstDate,
    status: row.status,
  };
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Why an occurrence could not be booked, in words for the owner. */
function conflictReason(err: unknown): string | null {
  if (sqlStateOf(err) === '23P01') return SLOT_TAKEN;
  if (!(err instanceof AppError) || (err.statusCode !== 400 && err.statusCode !== 409)) return null;
  const detail = err.details?.[0]?.message;
  return detail && detail !== err.message ? `${err.message} ${detail}` : err.message;
}

async function findSeries(exec: Executor, id: string): Promise<SeriesRow | undefined> {
  const [row] = await exec
    .select({ series: bookingSeries, businessOwnerId: businesses.ownerId })
    .from(bookingSeries)
    .innerJoin(businesses, eq(businesses.id, bookingSeries.businessId))
    .where(eq(bookingSeries.id, id));
  return row && { ...row.series, businessOwnerId: row.businessOwnerId };
}

/** The occurrences of a series the viewer may see, in date order. */
function occurrences(exec: Executor, viewer: Viewer, seriesId: string) {
  return q.listBookingsWhere(exec, viewer, and(eq(bookings.seriesId, seriesId), q.visibleTo(viewer)));
}

export function createSeriesService(d: { clock: Clock; bookings: BookingService; transitions: Transitions }) {
  async function create(tx: Tx, actor: Viewer, body: CreateSeriesInput): Promise<{ series: Series; bookingIds: string[]; conflicts: SeriesConflict[] }> {
    // Every occurrence is the same worker's (or the same candidates') time: locked once, for all of them.
    await lockWorkerTime(tx, body);
    const bookable = await findBookable(tx, body.serviceId, { at: pointOf(body.location), pets: { userId: actor.id, ids: body.petIds } });
    if (!bookable) throw new NotFound('Service');
    if (bookingKindFor(bookable.service.type as ServiceType) !== 'slot')
      throw ValidationFailed.field('body.serviceId', 'Only time-slot services repeat; book boarding and daycare by dates.');
    const zone = zoneOf(bookable.timeZone);
    const start = new Date(body.startsAt);
    const firstDate = localDateOf(zone, start.getTime());
    const minutes = Math.round((wallAt(zone, start.getTime()) - wallOfDate(firstDate)) / MINUTE_MS);
    const rule: WeeklyRule = { byDay: body.rule.byDay, interval: body.rule.interval, until: body.rule.until ?? null, count: body.rule.count ?? null };
    const problem = seriesRuleProblem(rule, firstDate);
    if (problem) throw ValidationFailed.field(['body', ...problem.path].join('.'), problem.message);
    // What is the same on every date is checked once: a wrong pet or place is a 400, not a conflict per date.
    await checkPets(tx, actor.id, body.petIds, bookable);
    planTimes(bookable, body, d.clock.now());
    await checkLocation(tx, bookable, body.location);

    const [series] = await tx
      .insert(bookingSeries)
      .values({
        ownerId: actor.id,
        businessId: bookable.service.businessId,
        serviceId: bookable.service.id,
        workerId: body.workerId ?? null,
        rule,
        localStartTime: hhmm(minutes),
        timeZone: bookable.timeZone,
        firstDate,
        createdAt: d.clock.now(),
      })
      .returning();
    const bookingIds: string[] = [];
    const conflicts: SeriesConflict[] = [];
    for (const date of expandWeeklyRule(rule, firstDate)) {
      const startsAt = new Date(firstInstantAt(zone, wallOfDate(date) + minutes * MINUTE_MS)).toISOString();
      try {
        bookingIds.push(
          (await tx.transaction((sp) => d.bookings.createOn(sp, actor, { ...body, startsAt }, { seriesId: series!.id, workersLocked: true }))).id,
        );
      } catch (err) {
        const reason = conflictReason(err);
        if (reason === null) throw err;
        conflicts.push({ date, reason });
      }
    }
    if (!bookingIds.length) throw new Conflict(`None of the dates can be booked. ${conflicts[0]?.date}: ${conflicts[0]?.reason}`);
    return { series: toSeriesView(series!), bookingIds, conflicts };
  }

  /** The series and its occurrences, for its owner, the business owner, admins and whoever can see one of its bookings. */
  async function get(exec: Executor, viewer: Viewer, id: string) {
    const series = await findSeries(exec, id);
    if (!series) throw new NotFound('Booking series');
    const rows = await occurrences(exec, viewer, id);
    const party = series.ownerId === viewer.id || series.businessOwnerId === viewer.id || viewer.role === 'admin';
    if (!party && !rows.length) throw new NotFound('Booking series');
    return { series: toSeriesView(series), rows };
  }

  /** Cancels every pending or confirmed occurrence on or after `from` (default: today where the business is); returns which. */
  async function cancel(tx: Tx, actor: Viewer, id: string, body: CancelSeriesBody): Promise<{ cancelled: number; bookingIds: string[] }> {
    const series = await findSeries(tx, id);
    if (!series) throw new NotFound('Booking series');
    const party = series.ownerId === actor.id || series.businessOwnerId === actor.id || actor.role === 'admin';
    if (!party) {
      if ((await occurrences(tx, actor, id)).length)
        throw new Forbidden('Only the person who booked, the business or an administrator can cancel this series.');
      throw new NotFound('Booking series');
    }
    const from = body.from ?? localDateOf(zoneOf(series.timeZone), d.clock.now().getTime());
    const due = await tx
      .select({ id: bookings.id })
      .from(bookings)
      .where(
        and(
          eq(bookings.seriesId, id),
          inArray(bookings.status, ['pending', 'confirmed']),
          sql`(${bookings.startsAt} at time zone ${series.timeZone})::date >= ${from}::date`,
        ),
      )
      .orderBy(asc(bookings.startsAt))
      .for('update');
    for (const booking of due) await d.transitions.transition(tx, actor, booking.id, 'cancel', { reason: body.reason });
    await tx.update(bookingSeries).set({ status: 'cancelled', cancelledAt: d.clock.now() }).where(eq(bookingSeries.id, id));
    return { cancelled: due.length, bookingIds: due.map((b) => b.id) };
  }

  return { create, get, cancel };
}
export type SeriesService = ReturnType<typeof createSeriesService>;
