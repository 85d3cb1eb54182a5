import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  AVAILABILITY_MAX_WORKER_DAYS,
  daysBetween,
  dayUnitFor,
  SLOT_STEP_MINUTES,
  type Availability,
  type AvailabilityQuery,
  type AvailableSlot,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { NotFound, ValidationFailed } from '../../platform/errors.js';
import { accessOf } from '../businesses/business-access.js';
import { findVisibleBusiness } from '../businesses/businesses.queries.js';
import { findReschedulable } from '../bookings/bookings.queries.js';
import { mediaViews } from '../media/media.view.js';
import { findService } from '../services/services.queries.js';
import * as q from './availability.queries.js';
import { dayStatuses, type DayStatus } from './days.js';
import { addDays, localDateOf, MINUTE_MS, startOfLocalDate, zoneOf } from './local-time.js';
import { byDayLoad, DEFAULT_DURATION_MINUTES, slotOffsets, slotStarts, workersOffering, type BusinessRules, type WorkerCalendar } from './slots.js';

export type AvailabilityResponse = Availability;
type Deps = Pick<Platform, 'db' | 'clock'> & {
  /** Workers × days one answer may cover (AVAILABILITY_MAX_WORKER_DAYS; smaller in tests). */
  maxWorkerDays?: number;
};

export function createAvailability(p: Deps) {
  const maxWorkerDays = p.maxWorkerDays ?? AVAILABILITY_MAX_WORKER_DAYS;

  /**
   * Every start any of the workers can take, once, with the indexes of those who can. Workers with
   * the same calendar share one layout; the loop gives way between workers, so no turn of the event
   * loop holds more than one worker's month.
   */
  async function teamSlots(
    business: BusinessRules,
    calendars: readonly WorkerCalendar[],
    range: { from: string; to: string; durationMinutes: number },
  ): Promise<AvailableSlot[]> {
    const now = p.clock.now();
    const offsets = slotOffsets(business.timeZone, range.from, range.to);
    const layouts = new Map<string, number[]>();
    const byStart = new Map<number, number[]>();
    for (const [index, worker] of calendars.entries()) {
      if (index > 0) await nextTurn();
      const key = JSON.stringify([worker.status, worker.weeklyAvailability, worker.timeOff, worker.bookings]);
      let starts = layouts.get(key);
      if (!starts) layouts.set(key, (starts = slotStarts({ business, worker, ...range, now, offsets })));
      for (const s of starts) {
        const free = byStart.get(s);
        if (free) free.push(index);
        else byStart.set(s, [index]);
      }
    }
    const duration = range.durationMinutes * MINUTE_MS;
    return [...byStart.keys()]
      .sort((a, b) => a - b)
      .map((s) => ({ startsAt: new Date(s).toISOString(), endsAt: new Date(s + duration).toISOString(), workers: byStart.get(s)! }));
  }

  /**
   * The performers of a service with everything that decides their slots whose local start date is in
   * [from, to]: time off and bookings from the start of `from` until the last such slot, with its
   * travel buffer, could end.
   */
  async function calendars(
    exec: Executor,
    business: BusinessRules & { id: string },
    serviceId: string,
    range: { from: string; to: string; durationMinutes: number },
    opts: { workerId?: string | undefined; excludeBookingId?: string | undefined; read?: q.PerformerCalendar[] | undefined } = {},
  ) {
    const zone = zoneOf(business.timeZone);
    const rows =
      opts.read ??
      (await q.performerCalendars(exec, {
        businessId: business.id,
        serviceId,
        from: new Date(startOfLocalDate(zone, range.from)),
        to: new Date(startOfLocalDate(zone, addDays(range.to, 1)) + (range.durationMinutes + business.travelBufferMinutes) * MINUTE_MS),
        workerId: opts.workerId,
        excludeBookingId: opts.excludeBookingId,
      }));
    const workers = rows.map(({ timeOff, holds, ...row }) => ({
      row,
      calendar: { id: row.id, status: row.status, weeklyAvailability: row.weeklyAvailability, timeOff, bookings: holds } satisfies WorkerCalendar,
    }));
    return { workers, holds: rows.flatMap((r) => r.holds.map((h) => ({ ...h, workerId: r.id }))) };
  }

  /**
   * The booking whose hold the answer leaves out, which only the one who may move it can name: the
   * person who made it, while it is pending, for its own service. Anything else is "not found", so
   * the parameter tells nobody whether a booking exists.
   */
  async function excludedBooking(viewer: Actor | null, serviceId: string, bookingId: string | undefined): Promise<string | undefined> {
    if (!bookingId) return undefined;
    const booking = viewer && (await findReschedulable(p.db, bookingId, viewer.id, serviceId));
    if (!booking) throw new NotFound('Booking');
    return booking.id;
  }

  async function forService(viewer: Actor | null, serviceId: string, query: AvailabilityQuery): Promise<AvailabilityResponse> {
    const service = await findService(p.db, serviceId);
    const business = service && (await findVisibleBusiness(p.db, service.businessId, viewer));
    // Inactive services are hidden from the public, as in the catalog.
    if (!service || !business || (accessOf(business, viewer) === 'public' && !service.active)) throw new NotFound('Service');
    if (query.pets > service.maxPets)
      throw ValidationFailed.field(
        'querystring.pets',
        `This service takes at most ${service.maxPets} ${service.maxPets === 1 ? 'pet' : 'pets'} at a time.`,
        'too_big',
      );
    const excludeBookingId = await excludedBooking(viewer, service.id, query.excludeBookingId);

    const unit = dayUnitFor(service.type);
    if (unit) {
      const days = await dayAvailability(p.db, { businessId: business.id, unit, startDate: query.from, endDate: addDays(query.to, 1), excludeBookingId });
      return { kind: 'day', timeZone: business.timeZone, unit, capacity: business.dailyCapacity, days };
    }

    const durationMinutes = service.durationMinutes ?? DEFAULT_DURATION_MINUTES;
    const range = { from: query.from, to: query.to, durationMinutes };
    const { workers } = await calendars(p.db, business, service.id, range, { excludeBookingId, workerId: query.workerId });
    const days = daysBetween(query.from, query.to) + 1;
    if (workers.length * days > maxWorkerDays) {
      const most = Math.max(1, Math.floor(maxWorkerDays / workers.length));
      throw ValidationFailed.field(
        'querystring.to',
        `This service has ${workers.length} workers: ask for at most ${most} ${most === 1 ? 'day' : 'days'} at once, or name a workerId.`,
        'too_big',
      );
    }
    const photos = await mediaViews(
      p.db,
      workers.map((w) => w.row.photoMediaId),
    );
    return {
      kind: 'slot',
      timeZone: business.timeZone,
      durationMinutes,
      stepMinutes: SLOT_STEP_MINUTES,
      workers: workers.map(({ row }) => ({
        workerId: row.id,
        name: `${row.firstName} ${row.lastName}`.trim(),
        photoUrl: (row.photoMediaId && photos.get(row.photoMediaId)?.url) || null,
      })),
      slots: await teamSlots(
        business,
        workers.map((w) => w.calendar),
        range,
      ),
    };
  }

  /**
   * Active workers of the service free for [startsAt, startsAt + durationMinutes) under every rule of
   * `workerSlots`, by fewest active bookings that local day, then id. `workerId` restricts to that
   * worker; `excludeBookingId` ignores that booking (rescheduling). Runs on `exec`, so a booking
   * transaction passes its `tx`.
   */
  async function freeWorkers(
    exec: Executor,
    args: {
      serviceId: string;
      startsAt: Date;
      durationMinutes: number;
      workerId?: string;
      excludeBookingId?: string;
      /** The rules of the service's business when the caller has read them already. */
      business?: BusinessRules & { id: string };
      /**
       * The performers' calendars when the caller has read them already, as `performerCalendars`
       * (same worker, same booking left out) for a period that covers the slot's local date and its
       * end with the travel buffer; what lies beyond changes nothing (see `CALENDAR_MARGIN_DAYS`).
       */
      calendars?: q.PerformerCalendar[];
    },
  ): Promise<string[]> {
    const business = args.business ?? (await q.findServiceBusinessRules(exec, args.serviceId));
    if (!business) return [];
    const date = localDateOf(zoneOf(business.timeZone), args.startsAt.getTime());
    const { workers, holds } = await calendars(
      exec,
      business,
      args.serviceId,
      { from: date, to: date, durationMinutes: args.durationMinutes },
      { workerId: args.workerId, excludeBookingId: args.excludeBookingId, read: args.calendars },
    );
    const free = workersOffering({
      business,
      workers: workers.map((w) => w.calendar),
      startsAt: args.startsAt,
      durationMinutes: args.durationMinutes,
      now: p.clock.now(),
    });
    return byDayLoad(
      free.map((w) => w.id),
      holds,
      business.timeZone,
      date,
    );
  }

  /**
   * Day services: each date of [startDate, endDate) with whether it is open and how many pets the
   * business can still take, ignoring `excludeBookingId`.
   */
  async function dayAvailability(
    exec: Executor,
    args: { businessId: string; unit: 'night' | 'day'; startDate: string; endDate: string; excludeBookingId?: string | undefined },
  ): Promise<DayStatus[]> {
    const business = await q.findBusinessRules(exec, args.businessId);
    if (!business) throw new NotFound('Business');
    const booked = await q.dayBookingsBetween(exec, args.businessId, args.startDate, args.endDate, args.excludeBookingId);
    return dayStatuses(business, args.unit, args.startDate, args.endDate, booked);
  }

  return { forService, freeWorkers, dayAvailability };
}
export type AvailabilityService = ReturnType<typeof createAvailability>;
