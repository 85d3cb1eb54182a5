import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { businesses, petVaccinations, serviceWorkers, workers, type Address, type PriceBreakdown } from '@walkydoggy/shared/db';
import { bookingKindFor, dayUnitFor, daysBetween, locationKindsFor, priceBooking, type BookingLocationInput, type ServiceType } from '@walkydoggy/shared';
import { rowsOf, type Executor } from '../../platform/db.js';
import { AppError, Conflict, ValidationFailed } from '../../platform/errors.js';
import { addDays, localDateOf, startOfLocalDate, zoneOf } from '../availability/local-time.js';
import type { BusinessRules } from '../availability/slots.js';
import type { PerformerCalendar } from '../availability/availability.queries.js';
import { workersBookedDuring, type NewBooking } from './bookings.queries.js';
import { readPets, rulesOf, serves, type Bookable, type Point } from './bookings.bookable.js';

/*
 * The rules a booking request must pass (docs/api/bookings.md "Bookings"), shared by create, update
 * and every occurrence of a series. Each failing rule throws: 404 for what the caller may not know
 * exists, 400 with the field's path for a bad request, 409 when someone else took the time meanwhile.
 * Everything here runs on the request's transaction.
 */

/** What bookings need from the availability module (createAvailability). */
export type AvailabilityPort = {
  freeWorkers(
    exec: Executor,
    args: {
      serviceId: string;
      startsAt: Date;
      durationMinutes: number;
      workerId?: string;
      excludeBookingId?: string;
      /** Read already with the service (see `createAvailability().freeWorkers`). */
      business?: BusinessRules & { id: string };
      calendars?: PerformerCalendar[];
    },
  ): Promise<string[]>;
  dayAvailability(
    exec: Executor,
    args: { businessId: string; unit: 'night' | 'day'; startDate: string; endDate: string; excludeBookingId?: string },
  ): Promise<{ date: string; open: boolean; remaining: number }[]>;
};

/** The fields a booking is made of, after merging an update into the booking. */
export type BookingInput = {
  serviceId: string;
  petIds: string[];
  startsAt?: string | undefined;
  durationMinutes?: number | undefined;
  startDate?: string | undefined;
  endDate?: string | undefined;
  workerId?: string | undefined;
  location: BookingLocationInput;
  notes?: string | null | undefined;
  specialInstructions?: string | null | undefined;
};

const notFoundAt = (path: string, message: string) => new AppError(404, 'NOT_FOUND', message, [{ path, message }]);

/**
 * Every pet must be one the caller owns or co-owns (a stranger's pet is "not found", whether it
 * exists or not), active, of a kind the service takes, and no more than the service's maximum.
 */
export async function checkPets(exec: Executor, userId: string, petIds: string[], bookable: Pick<Bookable, 'service' | 'readPets'>) {
  const { service, readPets: known } = bookable;
  const sameRead = known && known.userId === userId && known.ids.length === petIds.length && known.ids.every((id, i) => id === petIds[i]);
  const rows = sameRead ? known.rows : await readPets(exec, userId, petIds);
  const byId = new Map(rows.map((r) => [r.id, r]));
  petIds.forEach((id, i) => {
    if (!byId.has(id)) throw notFoundAt(`body.petIds.${i}`, 'Pet not found.');
  });
  const details = petIds.flatMap((id, i) => {
    const pet = byId.get(id)!;
    if (pet.status !== 'active') return [{ path: `body.petIds.${i}`, message: `${pet.name} cannot be booked: the profile is marked ${pet.status}.` }];
    if (!service.petTypes.includes(pet.species))
      return [{ path: `body.petIds.${i}`, message: `${service.name} is for ${service.petTypes.join(', ')} only, and ${pet.name} is a ${pet.species}.` }];
    return [];
  });
  if (details.length) throw new ValidationFailed('Some pets cannot be booked for this service.', details);
  if (petIds.length > service.maxPets)
    throw ValidationFailed.field('body.petIds', `${service.name} takes at most ${service.maxPets} ${service.maxPets === 1 ? 'pet' : 'pets'} per booking.`);
  // In the request's order, as the rules' paths are; and in the order a booking shows its pets.
  return { inRequestOrder: petIds.map((id) => byId.get(id)!), byName: rows };
}

/** Each required vaccination must be on every pet and not expired on the booking's last date. */
export async function checkVaccinations(exec: Executor, petList: { id: string; name: string }[], required: string[], lastDate: string, at = 'body.petIds') {
  if (!required.length) return;
  const rows = await exec
    .select({ petId: petVaccinations.petId, name: petVaccinations.name, expiresOn: petVaccinations.expiresOn })
    .from(petVaccinations)
    .where(
      inArray(
        petVaccinations.petId,
        petList.map((p) => p.id),
      ),
    );
  const key = (s: string) => s.trim().toLowerCase();
  const details = petList.flatMap((pet, i) =>
    required.flatMap((name) => {
      const doses = rows.filter((r) => r.petId === pet.id && key(r.name) === key(name));
      if (doses.some((d) => d.expiresOn === null || d.expiresOn >= lastDate)) return [];
      const message = doses.length
        ? `${pet.name}'s ${name} vaccination expires before ${lastDate}: renew it first.`
        : `${pet.name} needs a ${name} vaccination for this service.`;
      return [{ path: `${at}.${i}`, message, code: 'vaccination_required' }];
    }),
  );
  if (details.length) throw new ValidationFailed('Some pets are missing a required vaccination.', details);
}

export type PlannedLocation = { locationKind: NewBooking['locationKind']; point: Point; address: Address | null };

/** A point as the `location` column takes it. */
export const geographyOf = (point: Point): SQL => sql`ST_SetSRID(ST_MakePoint(${point.lng}, ${point.lat}), 4326)::geography`;

/**
 * Where the service happens. A point away from the business must lie in its service area (or within
 * 10 km of the business when it has drawn none): the business cannot be sent beyond where it works.
 */
export async function checkLocation(exec: Executor, bookable: Bookable, location: BookingLocationInput): Promise<PlannedLocation> {
  const type = bookable.service.type as ServiceType;
  if (!locationKindsFor(type).includes(location.kind)) {
    const message =
      location.kind === 'business'
        ? `${bookable.service.name} happens at your place: choose owner_home or custom with a point on the map.`
        : `${bookable.service.name} happens at the business: choose business as the location.`;
    throw ValidationFailed.field('body.location.kind', message);
  }
  if (location.kind === 'business')
    return { locationKind: 'business', point: { lat: bookable.businessLat, lng: bookable.businessLng }, address: bookable.businessAddress };
  const known = bookable.servedPoint;
  const inside =
    known && known.lat === location.lat && known.lng === location.lng
      ? known.inside
      : rowsOf<{ inside: boolean }>(
          await exec.execute(sql`select ${serves(location)} as inside from ${businesses} where ${businesses.id} = ${bookable.service.businessId}`),
        )[0]?.inside;
  if (!inside) throw ValidationFailed.field('body.location', `This address is outside the area ${bookable.businessName} serves.`, 'outside_service_area');
  return { locationKind: location.kind, point: { lat: location.lat, lng: location.lng }, address: location.address ?? null };
}

export type PlannedTimes = {
  kind: 'slot' | 'day';
  startsAt: Date;
  endsAt: Date;
  blockedUntil: Date;
  durationMinutes: number;
  /** Day bookings: the occupied dates [startDate, endDate) as stored. */
  startDate: string | null;
  endDate: string | null;
  /** The last local date the booking covers (vaccinations must hold until then). */
  lastDate: string;
  /**
   * What a per-day or per-night price multiplies: daycare days, boarding nights, and for a slot
   * service priced by the day (sitting) the days its duration starts.
   */
  units: number;
};

const MINUTE = 60_000;

/** Turns the requested time into instants and dates in the business's time zone; 400 for a shape that does not fit the service. */
export function planTimes(bookable: Bookable, input: BookingInput, now: Date): PlannedTimes {
  const { service } = bookable;
  const type = service.type as ServiceType;
  const zone = zoneOf(bookable.timeZone);
  if (bookingKindFor(type) === 'slot') {
    if (input.startDate !== undefined || input.endDate !== undefined)
      throw ValidationFailed.field(
        input.startDate !== undefined ? 'body.startDate' : 'body.endDate',
        `${service.name} is booked by time: send startsAt, not dates.`,
      );
    if (input.startsAt === undefined) throw ValidationFailed.field('body.startsAt', `Choose a start time for ${service.name}.`);
    if (input.durationMinutes !== undefined && service.priceType !== 'per_hour')
      throw ValidationFailed.field('body.durationMinutes', `${service.name} has a set length; only hourly services take a duration.`);
    const durationMinutes = input.durationMinutes ?? service.durationMinutes ?? 60;
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(startsAt.getTime() + durationMinutes * MINUTE);
    return {
      kind: 'slot',
      startsAt,
      endsAt,
      blockedUntil: new Date(endsAt.getTime() + bookable.travelBufferMinutes * MINUTE),
      durationMinutes,
      startDate: null,
      endDate: null,
      lastDate: localDateOf(zone, endsAt.getTime() - 1),
      units: Math.max(1, Math.ceil(durationMinutes / (24 * 60))),
    };
  }
  const unit = dayUnitFor(type)!;
  if (input.startsAt !== undefined) throw ValidationFailed.field('body.startsAt', `${service.name} is booked by dates: send startDate and endDate.`);
  if (input.durationMinutes !== undefined) throw ValidationFailed.field('body.durationMinutes', 'A duration is only for time-slot bookings.');
  if (input.startDate === undefined) throw ValidationFailed.field('body.startDate', `Choose the first date of ${service.name}.`);
  if (input.endDate === undefined) throw ValidationFailed.field('body.endDate', `Choose the last date of ${service.name}.`);
  const span = daysBetween(input.startDate, input.endDate);
  if (unit === 'night' && span < 1) throw ValidationFailed.field('body.endDate', 'Check-out must be at least one night after check-in.');
  if (span < 0 || span > 30) throw ValidationFailed.field('body.endDate', 'A booking spans at most 30 nights (31 days of daycare).');
  const today = localDateOf(zone, now.getTime());
  if (input.startDate <= today) throw ValidationFailed.field('body.startDate', `${service.name} can be booked from tomorrow (${addDays(today, 1)}) on.`);
  // Stored as [start, end): a daycare's last day is included, a boarding's check-out day is not.
  const endExclusive = unit === 'day' ? addDays(input.endDate, 1) : input.endDate;
  const startsAt = new Date(startOfLocalDate(zone, input.startDate));
  const endsAt = new Date(startOfLocalDate(zone, endExclusive));
  return {
    kind: 'day',
    startsAt,
    endsAt,
    blockedUntil: endsAt,
    durationMinutes: Math.round((endsAt.getTime() - startsAt.getTime()) / MINUTE),
    startDate: input.startDate,
    endDate: endExclusive,
    lastDate: input.endDate,
    units: unit === 'day' ? span + 1 : span,
  };
}

/** Workers who could do the service: those listed for it, or every active worker of the business when none are. */
async function candidateWorkers(exec: Executor, service: Bookable['service']): Promise<string[]> {
  const listed = await exec
    .select({ id: workers.id })
    .from(serviceWorkers)
    .innerJoin(workers, and(eq(workers.id, serviceWorkers.workerId), eq(workers.status, 'active')))
    .where(eq(serviceWorkers.serviceId, service.id));
  if (listed.length) return listed.map((w) => w.id);
  const all = await exec
    .select({ id: workers.id })
    .from(workers)
    .where(and(eq(workers.businessId, service.businessId), eq(workers.status, 'active')));
  return all.map((w) => w.id);
}

export const SLOT_TAKEN = 'This time was just booked by someone else: choose another time.';

/**
 * The worker for a slot: the one named, or the first free one. A time that is not offered at all is
 * a 400; one that a worker's booking (or travel buffer) blocks is a 409 — the exclusion constraint
 * says the same when two requests pass this check at once.
 */
export async function chooseWorker(
  exec: Executor,
  availability: AvailabilityPort,
  bookable: Bookable,
  times: PlannedTimes,
  workerId: string | undefined,
  excludeBookingId?: string,
  prefer?: string,
): Promise<string> {
  const known = bookable.readCalendars;
  const sameRead = known && !excludeBookingId && known.workerId === workerId && new Date(known.startsAt).getTime() === times.startsAt.getTime();
  const free = await availability.freeWorkers(exec, {
    serviceId: bookable.service.id,
    business: rulesOf(bookable),
    ...(sameRead ? { calendars: known.calendars } : {}),
    startsAt: times.startsAt,
    durationMinutes: times.durationMinutes,
    ...(workerId ? { workerId } : {}),
    ...(excludeBookingId ? { excludeBookingId } : {}),
  });
  if (workerId) {
    if (free.includes(workerId)) return workerId;
  } else if (free.length) return prefer && free.includes(prefer) ? prefer : free[0]!;
  const candidates = workerId ? [workerId] : await candidateWorkers(exec, bookable.service);
  if (await workersBookedDuring(exec, candidates, times.startsAt, times.blockedUntil, excludeBookingId)) throw new Conflict(SLOT_TAKEN);
  if (workerId) throw ValidationFailed.field('body.workerId', 'This worker is not available for this service at that time.', 'slot_unavailable');
  throw ValidationFailed.field('body.startsAt', 'This time is not offered: pick a slot from the availability.', 'slot_unavailable');
}

/**
 * Day services: every date open and enough room left. The business row is locked first, so two
 * requests for the last places are counted one after the other.
 */
export async function checkCapacity(
  exec: Executor,
  availability: AvailabilityPort,
  bookable: Bookable,
  times: PlannedTimes,
  petCount: number,
  excludeBookingId?: string,
) {
  // NO KEY UPDATE: it serialises capacity checks but not the foreign-key checks of slot bookings' inserts.
  await exec.execute(sql`select 1 from ${businesses} where ${businesses.id} = ${bookable.service.businessId} for no key update`);
  const days = await availability.dayAvailability(exec, {
    businessId: bookable.service.businessId,
    unit: dayUnitFor(bookable.service.type as ServiceType)!,
    startDate: times.startDate!,
    endDate: times.endDate!,
    ...(excludeBookingId ? { excludeBookingId } : {}),
  });
  const closed = days.filter((d) => !d.open).map((d) => d.date);
  if (closed.length) throw ValidationFailed.field('body.startDate', `${bookable.businessName} is closed on ${closed.join(', ')}.`, 'closed');
  const full = days.filter((d) => d.remaining < petCount).map((d) => d.date);
  if (full.length)
    throw new Conflict(`${bookable.businessName} has no room left for ${petCount === 1 ? 'one more pet' : `${petCount} more pets`} on ${full.join(', ')}.`);
}

export function priceOf(bookable: Bookable, times: PlannedTimes, petCount: number): PriceBreakdown {
  const s = bookable.service;
  return priceBooking({
    service: {
      priceMinor: s.priceMinor,
      currency: s.currency,
      priceType: s.priceType,
      additionalPetPriceMinor: s.additionalPetPriceMinor,
      durationMinutes: s.durationMinutes,
    },
    pets: petCount,
    ...(times.kind === 'slot' ? { durationMinutes: times.durationMinutes } : {}),
    days: times.units,
    nights: times.units,
  });
}

/** Is `workerId` an active worker of the business? (Business owners assigning someone.) */
export async function isActiveWorkerOf(exec: Executor, businessId: string, workerId: string): Promise<boolean> {
  const [row] = await exec
    .select({ id: workers.id })
    .from(workers)
    .where(and(eq(workers.id, workerId), eq(workers.businessId, businessId), eq(workers.status, 'active')));
  return Boolean(row);
}
