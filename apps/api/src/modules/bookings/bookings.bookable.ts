import { and, asc, eq, inArray, isNull, sql, type Placeholder } from 'drizzle-orm';
import { businesses, pets, services } from '@walkydoggy/shared/db';
import type { BookingLocationInput } from '@walkydoggy/shared';
import { preparedStatements, type Executor } from '../../platform/db.js';
import { isPublicBusiness } from '../businesses/businesses.queries.js';
import { visibleTo as petsVisibleTo } from '../pets/pets.queries.js';
import { CALENDAR_MARGIN_DAYS, calendarsOf, performerCalendarsJson } from '../availability/availability.queries.js';
import { firstPhotoOf } from './bookings.queries.js';

/*
 * What a booking request is checked against, read in one statement: the service and its business,
 * and, when asked, whether the business serves the requested point, the caller's pets and the
 * calendars of the workers who could take the slot. The checks (bookings.checks.ts) use what was
 * read ahead and read for themselves only what was not.
 */

const bookableColumns = {
  service: services,
  businessName: businesses.name,
  businessOwnerId: businesses.ownerId,
  timeZone: businesses.timeZone,
  businessAddress: businesses.address,
  businessLat: sql<number>`ST_Y(${businesses.location}::geometry)`.mapWith(Number),
  businessLng: sql<number>`ST_X(${businesses.location}::geometry)`.mapWith(Number),
  travelBufferMinutes: businesses.travelBufferMinutes,
  bookingExpiryHours: businesses.bookingExpiryHours,
  startWindowMinutes: businesses.startWindowMinutes,
  // What availability decides slots and days by (`rulesOf`), so that it need not read the business again.
  operatingHours: businesses.operatingHours,
  closedDates: businesses.closedDates,
  dailyCapacity: businesses.dailyCapacity,
};
export type Bookable = NonNullable<Awaited<ReturnType<typeof findBookable>>>;
export type Point = { lat: number; lng: number };

/** The business's rules for availability, as read with the service. */
export const rulesOf = (b: Bookable) => ({
  id: b.service.businessId,
  timeZone: b.timeZone,
  operatingHours: b.operatingHours,
  closedDates: b.closedDates,
  travelBufferMinutes: b.travelBufferMinutes,
});

/** Whether the business serves a point: inside its drawn area, or within 10 km of it when it has none. */
export const serves = (point: { lat: unknown; lng: unknown }) => {
  const at = sql`ST_SetSRID(ST_MakePoint(${point.lng}, ${point.lat}), 4326)::geography`;
  return sql<boolean>`case when ${businesses.serviceArea} is null then ST_DWithin(${businesses.location}, ${at}, 10000)
    else ST_Intersects(${businesses.serviceArea}, ${at}) end`;
};

/** What a request names besides the service, read along with it: the point, the pets, the slot. */
export type BookableRead = {
  at?: Point | undefined;
  pets?: { userId: string; ids: string[] } | undefined;
  slot?: { startsAt: string; durationMinutes?: number | undefined; workerId?: string | undefined } | undefined;
};

export type PetRow = { id: string; name: string; species: 'dog' | 'cat' | 'other'; status: 'active' | 'deceased' | 'rehomed'; photoMediaId: string | null };

/** The caller's pets among the ids in `ids` (placeholders), with their first photo, by name, as one JSON array. */
function petsJson(userId: Placeholder, ids: Placeholder[], exec: Executor) {
  // The pets module's visibility rule, with the caller's id as a placeholder where it takes the id.
  const visible = petsVisibleTo(exec, userId as unknown as string);
  const pet = sql`json_build_object('id', ${pets.id}, 'name', ${pets.name}, 'species', ${pets.species}, 'status', ${pets.status},
    'photoMediaId', ${firstPhotoOf(pets.id)})`;
  return sql<PetRow[]>`(select coalesce(json_agg(${pet} order by ${pets.name}, ${pets.id}), '[]'::json) from ${pets}
    where ${and(inArray(pets.id, ids), visible)})`;
}

/**
 * The read of `findBookable`, by shape: with or without a point, for how many pets, and for a slot
 * with one named worker, any worker, or none (day services).
 */
const bookableStatement = preparedStatements((exec, shape: `${'at' | 'plain'} ${number} ${'one' | 'all' | 'none'}`) => {
  const [point, petCount, slot] = shape.split(' ') as ['at' | 'plain', string, 'one' | 'all' | 'none'];
  const startsAt = sql`${sql.placeholder('startsAt')}::timestamptz`;
  const duration = sql`coalesce(${sql.placeholder('durationMinutes')}::int, ${services.durationMinutes}, 60)`;
  const selection = {
    ...bookableColumns,
    serves: point === 'at' ? serves({ lat: sql.placeholder('lat'), lng: sql.placeholder('lng') }) : sql<boolean | null>`null`,
    pets: Number(petCount)
      ? petsJson(
          sql.placeholder('userId'),
          Array.from({ length: Number(petCount) }, (_, i) => sql.placeholder(`pet${i}`)),
          exec,
        )
      : sql<null>`null`,
    calendars:
      slot === 'none'
        ? sql<null>`null`
        : performerCalendarsJson({
            businessId: services.businessId,
            serviceId: services.id,
            workerId: slot === 'one' ? sql.placeholder('workerId') : undefined,
            from: sql`${startsAt} - make_interval(days => ${CALENDAR_MARGIN_DAYS})`,
            to: sql`${startsAt} + make_interval(days => ${CALENDAR_MARGIN_DAYS}, mins => ${duration} + ${businesses.travelBufferMinutes})`,
          }),
  };
  const query = exec
    .select(selection)
    .from(services)
    .innerJoin(businesses, eq(businesses.id, services.businessId))
    .where(and(eq(services.id, sql.placeholder('serviceId')), isNull(services.deletedAt), eq(services.active, true), isPublicBusiness));
  return { query, selection };
});

/**
 * An active service of a public (verified, active) business, or undefined. The same read answers
 * what else the request needs checked, when asked (`read`): whether the business serves the point
 * (for `checkLocation`), the caller's pets (for `checkPets`) and, for a slot, the calendars of the
 * workers who could take it (for `chooseWorker`). One statement instead of four, for every booking.
 */
export async function findBookable(exec: Executor, serviceId: string, read: BookableRead = {}) {
  const { at, pets: petRead, slot } = read;
  const shape = `${at ? 'at' : 'plain'} ${petRead?.ids.length ?? 0} ${slot ? (slot.workerId ? 'one' : 'all') : 'none'}` as const;
  const [row] = await bookableStatement(exec, shape, {
    serviceId,
    ...at,
    ...(petRead ? { userId: petRead.userId, ...Object.fromEntries(petRead.ids.map((id, i) => [`pet${i}`, id])) } : {}),
    ...(slot ? { startsAt: slot.startsAt, durationMinutes: slot.durationMinutes ?? null, workerId: slot.workerId } : {}),
  });
  if (!row) return undefined;
  const { serves: inside, pets: petRows, calendars, ...bookable } = row;
  return {
    ...bookable,
    servedPoint: at ? { ...at, inside: Boolean(inside) } : null,
    readPets: petRead && petRows ? { ...petRead, rows: petRows } : null,
    readCalendars: slot && calendars ? { ...slot, calendars: calendarsOf(calendars) } : null,
  };
}

/** The point of a location away from the business, which the business must serve. */
export const pointOf = (location: BookingLocationInput): Point | undefined =>
  location.kind === 'business' ? undefined : { lat: location.lat, lng: location.lng };

/** The statement of `readPets`, for `count` ids. */
const petsStatement = preparedStatements((exec, count: number) => {
  const selection = { id: pets.id, name: pets.name, species: pets.species, status: pets.status, photoMediaId: firstPhotoOf(pets.id) };
  const ids = Array.from({ length: count }, (_, i) => sql.placeholder(`pet${i}`));
  const visible = petsVisibleTo(exec, sql.placeholder('userId') as unknown as string);
  const query = exec
    .select(selection)
    .from(pets)
    .where(and(inArray(pets.id, ids), visible))
    .orderBy(asc(pets.name), asc(pets.id));
  return { query, selection };
});

/** The caller's pets among `petIds` (those they own or co-own), with their first photo, by name. */
export function readPets(exec: Executor, userId: string, petIds: string[]): Promise<PetRow[]> {
  return petsStatement(exec, petIds.length, { userId, ...Object.fromEntries(petIds.map((id, i) => [`pet${i}`, id])) });
}
