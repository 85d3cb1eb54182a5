import { and, asc, desc, eq, getTableColumns, getTableName, inArray, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { bookingEvents, bookingPets, bookingPhotos, bookings, businesses, media, pets, services, users, workers, type Address } from '@walkydoggy/shared/db';
import type { Actor } from '../../platform/auth-guard.js';
import { rowsOf, type Executor } from '../../platform/db.js';
import { preparedStatements } from '../availability/prepared.js';

/*
 * Bookings data access. Every read that answers a caller goes through `visibleTo`, so someone
 * else's booking id finds nothing; the caller's relations to a booking come back as columns, so the
 * service decides what they may do without a second query.
 */

const ownerUser = alias(users, 'owner_user');
const workerUser = alias(users, 'worker_user');

const { location: _location, ...bookingColumns } = getTableColumns(bookings);

/** True when `userId` owns or co-owns one of the booking's pets. */
export function ownsPetOf(userId: string): SQL<boolean> {
  return sql<boolean>`exists (
    select 1 from ${bookingPets} bp join ${pets} p on p.id = bp.pet_id
    where bp.booking_id = ${bookings.id} and p.deleted_at is null
      and (p.owner_id = ${userId} or exists (select 1 from pet_co_owners co where co.pet_id = p.id and co.user_id = ${userId})))`;
}

function detailColumns(userId: string | null) {
  return {
    ...bookingColumns,
    lat: sql<number | null>`ST_Y(${bookings.location}::geometry)`,
    lng: sql<number | null>`ST_X(${bookings.location}::geometry)`,
    serviceName: services.name,
    serviceType: services.type,
    servicePriceType: services.priceType,
    businessName: businesses.name,
    businessTimeZone: businesses.timeZone,
    businessOwnerId: businesses.ownerId,
    businessAddress: businesses.address,
    workerUserId: workers.userId,
    workerActive: sql<boolean | null>`${workers.status} = 'active'`,
    workerPhotoMediaId: workers.photoMediaId,
    workerAvatarMediaId: workerUser.avatarMediaId,
    workerFirstName: workerUser.firstName,
    workerLastName: workerUser.lastName,
    ownerFirstName: ownerUser.firstName,
    ownerLastName: ownerUser.lastName,
    ownerAvatarMediaId: ownerUser.avatarMediaId,
    ownerEmail: ownerUser.email,
    callerOwnsPet: userId ? ownsPetOf(userId) : sql<boolean>`false`,
    cursorKey: sql<string>`${bookings.startsAt}::text || '|' || ${bookings.id}::text`,
  };
}
export type BookingRow = Awaited<ReturnType<typeof selectDetails>>[number];
/** A booking with what its view and mails need; a list row also carries its cursor. */
export type BookingDetails = Omit<BookingRow, 'cursorKey'>;

function selectDetails(exec: Executor, userId: string | null, where: SQL | undefined) {
  return exec
    .select(detailColumns(userId))
    .from(bookings)
    .innerJoin(services, eq(services.id, bookings.serviceId))
    .innerJoin(businesses, eq(businesses.id, bookings.businessId))
    .innerJoin(ownerUser, eq(ownerUser.id, bookings.ownerId))
    .leftJoin(workers, eq(workers.id, bookings.workerId))
    .leftJoin(workerUser, eq(workerUser.id, workers.userId))
    .where(where);
}

/** What decides visibility: the booking's owner, its pets' (co-)owners, the business owner, the assigned worker, admins. */
export function visibleTo(actor: Pick<Actor, 'id' | 'role'>): SQL | undefined {
  if (actor.role === 'admin') return undefined;
  return sql`(${bookings.ownerId} = ${actor.id} or ${businesses.ownerId} = ${actor.id}
    or (${workers.userId} = ${actor.id} and ${workers.status} = 'active') or ${ownsPetOf(actor.id)})`;
}

/** A booking as `actor` may see it (or the system, with null), optionally locked for a transition. */
export async function findBooking(exec: Executor, id: string, actor: Pick<Actor, 'id' | 'role'> | null, lock = false): Promise<BookingRow | undefined> {
  const query = selectDetails(exec, actor?.id ?? null, and(eq(bookings.id, id), actor ? visibleTo(actor) : undefined));
  const [row] = lock ? await query.for('update', { of: bookings }) : await query;
  return row;
}

/**
 * The booking `ownerId` made of `serviceId`, while it is pending: the one booking whose own hold the
 * availability of that service may leave out for them, as they move it (`PUT /bookings/:id`).
 */
export async function findReschedulable(exec: Executor, id: string, ownerId: string, serviceId: string): Promise<{ id: string } | undefined> {
  const [row] = await exec
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.id, id), eq(bookings.ownerId, ownerId), eq(bookings.serviceId, serviceId), eq(bookings.status, 'pending')));
  return row;
}

export type ListFilter = {
  scope: 'owner' | 'business' | 'worker' | 'all';
  statuses?: string[];
  from?: string;
  to?: string;
  businessId?: string;
  ownerId?: string;
  /** A booking number, upper case. */
  number?: string;
  order: 'asc' | 'desc';
  cursor?: { startsAt: string; id: string };
  limit: number;
};

const isDate = (s: string) => s.length === 10;
const localDate = sql`(${bookings.startsAt} at time zone ${businesses.timeZone})::date`;

/**
 * A list's filters on `bookings` joined to `businesses`. A date is a local date of the booking's
 * business: tested exactly, after a test on `starts_at` widened by a day either side (every zone is
 * within 14 hours of UTC) that an index on (…, starts_at) can serve.
 */
function listFilters(f: ListFilter): SQL | undefined {
  const dir = f.order === 'asc' ? sql`>` : sql`<`;
  return and(
    f.statuses?.length ? inArray(bookings.status, f.statuses as (typeof bookings.$inferSelect)['status'][]) : undefined,
    f.from
      ? isDate(f.from)
        ? sql`${bookings.startsAt} >= (${f.from}::date - 1)::timestamp at time zone 'UTC' and ${localDate} >= ${f.from}::date`
        : sql`${bookings.startsAt} >= ${f.from}::timestamptz`
      : undefined,
    f.to
      ? isDate(f.to)
        ? sql`${bookings.startsAt} < (${f.to}::date + 2)::timestamp at time zone 'UTC' and ${localDate} <= ${f.to}::date`
        : sql`${bookings.startsAt} <= ${f.to}::timestamptz`
      : undefined,
    f.businessId ? eq(bookings.businessId, f.businessId) : undefined,
    f.ownerId ? eq(bookings.ownerId, f.ownerId) : undefined,
    f.number ? eq(bookings.number, f.number) : undefined,
    f.cursor ? sql`(${bookings.startsAt}, ${bookings.id}) ${dir} (${f.cursor.startsAt}::timestamptz, ${f.cursor.id}::uuid)` : undefined,
  );
}

/**
 * The ids of a list's page (its `limit` + 1 rows, to tell whether there is a next one), in its order.
 * Each way into the bookings is its own top-N on an index whose last column is `starts_at`, so that
 * the index serves ORDER BY … LIMIT whatever the range: a business's bookings per business of the
 * caller (bookings_business_idx), a worker's per worker record (bookings_worker_idx), an owner's own
 * (bookings_owner_idx) beside those of the pets they own or co-own (a union, not an `or` that scans
 * every booking).
 */
function pageIds(actor: Pick<Actor, 'id'>, f: ListFilter): SQL {
  const dir = f.order === 'asc' ? sql`asc` : sql`desc`;
  const n = f.limit + 1;
  const filters = listFilters(f) ?? sql`true`;
  const top = (scope: SQL) => sql`(select ${bookings.id}, ${bookings.startsAt} from ${bookings}
    join ${businesses} on ${businesses.id} = ${bookings.businessId}
    where ${scope} and ${filters} order by ${bookings.startsAt} ${dir}, ${bookings.id} ${dir} limit ${n})`;
  const page = (from: SQL) => sql`select page.id from ${from} order by page.starts_at ${dir}, page.id ${dir} limit ${n}`;
  switch (f.scope) {
    case 'owner':
      // The pets' bookings as an array computed once: from the caller's pets to their bookings, not the other way.
      return page(
        sql`(${top(sql`${bookings.ownerId} = ${actor.id}`)} union ${top(sql`${bookings.id} = any(array(
        select distinct bp.booking_id from ${bookingPets} bp join ${pets} p on p.id = bp.pet_id
        where p.deleted_at is null and (p.owner_id = ${actor.id} or p.id in (select co.pet_id from pet_co_owners co where co.user_id = ${actor.id}))))`)}) as page`,
      );
    case 'business':
      return page(sql`(select top.* from ${businesses} mine cross join lateral ${top(sql`${bookings.businessId} = mine.id`)} as top
        where mine.owner_id = ${actor.id}) as page`);
    case 'worker':
      return page(sql`(select top.* from ${workers} mine cross join lateral ${top(sql`${bookings.workerId} = mine.id`)} as top
        where mine.user_id = ${actor.id} and mine.status = 'active') as page`);
    case 'all':
      return page(sql`${top(sql`true`)} as page`);
  }
}

export function listBookings(exec: Executor, actor: Pick<Actor, 'id' | 'role'>, f: ListFilter): Promise<BookingRow[]> {
  const dir = f.order === 'asc' ? asc : desc;
  // The page's ids first (an InitPlan: array(…) is computed once), then the details of those rows only.
  return selectDetails(exec, actor.id, sql`${bookings.id} = any(array(${pageIds(actor, f)}))`).orderBy(dir(bookings.startsAt), dir(bookings.id));
}

/** Bookings matching `where` (which must include the viewer's scope), in start order. */
export function listBookingsWhere(exec: Executor, viewer: Pick<Actor, 'id'>, where: SQL | undefined): Promise<BookingRow[]> {
  return selectDetails(exec, viewer.id, where).orderBy(asc(bookings.startsAt), asc(bookings.id));
}

/**
 * The media id of a pet's first photo that is not deleted. The pet's id is named with its table:
 * drizzle leaves columns unqualified in a one-table select, where `id` would be ambiguous here.
 */
export const firstPhotoOf = (petId: AnyPgColumn) =>
  sql<string | null>`(select pp.media_id from pet_photos pp join media m on m.id = pp.media_id and m.deleted_at is null
    where pp.pet_id = ${sql.identifier(getTableName(petId.table))}.${sql.identifier(petId.name)} order by pp.created_at, pp.id limit 1)`;

export type PetOfBooking = { bookingId: string; id: string; name: string; species: 'dog' | 'cat' | 'other'; ownerId: string; photoMediaId: string | null };

/**
 * The pets of each booking, each with its first photo. The first photo is found once per pet (a page
 * of bookings names the same pets again and again), not once per booking's pet.
 */
export async function petsOf(exec: Executor, bookingIds: string[]): Promise<PetOfBooking[]> {
  if (!bookingIds.length) return [];
  const ids = sql`${sql.param(bookingIds)}::uuid[]`;
  const rows = rowsOf<{ booking_id: string; id: string; name: string; species: PetOfBooking['species']; owner_id: string; photo_media_id: string | null }>(
    await exec.execute(sql`
      select bp.booking_id, p.id, p.name, p.species, p.owner_id, first_photo.media_id as photo_media_id
      from ${bookingPets} bp join ${pets} p on p.id = bp.pet_id
      left join (
        select distinct on (pp.pet_id) pp.pet_id, pp.media_id
        from pet_photos pp join ${media} m on m.id = pp.media_id and m.deleted_at is null
        where pp.pet_id in (select pet_id from ${bookingPets} where booking_id = any(${ids}))
        order by pp.pet_id, pp.created_at, pp.id
      ) first_photo on first_photo.pet_id = p.id
      where bp.booking_id = any(${ids})
      order by p.name, p.id`),
  );
  return rows.map((r) => ({ bookingId: r.booking_id, id: r.id, name: r.name, species: r.species, ownerId: r.owner_id, photoMediaId: r.photo_media_id }));
}

export async function completionPhotosOf(exec: Executor, bookingIds: string[]) {
  if (!bookingIds.length) return [];
  return exec
    .select({ bookingId: bookingPhotos.bookingId, media })
    .from(bookingPhotos)
    .innerJoin(media, and(eq(media.id, bookingPhotos.mediaId), sql`${media.deletedAt} is null`))
    .where(inArray(bookingPhotos.bookingId, bookingIds))
    .orderBy(asc(bookingPhotos.createdAt), asc(bookingPhotos.mediaId));
}

/**
 * Every path through the state machine visits statuses in this order, so it breaks ties between
 * events recorded in the same instant.
 */
const lifecycleRank = sql`case ${bookingEvents.toStatus} when 'pending' then 0 when 'confirmed' then 1 when 'in_progress' then 2 when 'completed' then 3 else 4 end`;

export function eventsOf(exec: Executor, bookingId: string) {
  return exec.select().from(bookingEvents).where(eq(bookingEvents.bookingId, bookingId)).orderBy(asc(bookingEvents.at), asc(lifecycleRank));
}

/** The columns a new booking is written with, besides its number, location and address. */
const INSERTED = [
  'ownerId',
  'businessId',
  'serviceId',
  'workerId',
  'seriesId',
  'kind',
  'status',
  'startsAt',
  'endsAt',
  'blockedUntil',
  'startDate',
  'endDate',
  'durationMinutes',
  'petCount',
  'locationKind',
  'notes',
  'specialInstructions',
  'price',
  'totalMinor',
  'currency',
  'cancellationPolicy',
  'expiresAt',
  'createdAt',
  'updatedAt',
] as const satisfies (keyof typeof bookings.$inferInsert)[];

export type NewBooking = { [K in (typeof INSERTED)[number]]-?: Exclude<(typeof bookings.$inferInsert)[K], undefined> } & {
  point: { lat: number; lng: number };
  address: Address | null;
};

const businessOwnerUser = alias(users, 'business_owner_user');

/**
 * The statement of `insertBooking`, for `petCount` pets: the booking, its pets and its first event
 * are inserted by data-modifying CTEs, and the main select joins the new row to the people it involves.
 */
const insertStatement = preparedStatements((exec, petCount: number) => {
  const placeholders = Object.fromEntries(INSERTED.map((column) => [column, sql.placeholder(column)]));
  const returning = {
    ...bookingColumns,
    lat: sql<number | null>`ST_Y(${bookings.location}::geometry)`.as('lat'),
    lng: sql<number | null>`ST_X(${bookings.location}::geometry)`.as('lng'),
  };
  const created = exec.$with('created').as(
    exec
      .insert(bookings)
      .values({
        ...placeholders,
        number: sql.placeholder('number'),
        location: sql`ST_SetSRID(ST_MakePoint(${sql.placeholder('lng')}, ${sql.placeholder('lat')}), 4326)::geography`,
        // A placeholder for the column would encode SQL null as JSON null.
        address: sql`${sql.placeholder('address')}::jsonb`,
      } as unknown as typeof bookings.$inferInsert)
      .onConflictDoNothing({ target: bookings.number })
      .returning(returning),
  );
  const petRows = sql.join(
    Array.from({ length: petCount }, (_, i) => sql`(${sql.placeholder(`pet${i}`)}::uuid)`),
    sql`, `,
  );
  const withPets = exec
    .$with('created_pets', {})
    .as(sql`insert into ${bookingPets} (booking_id, pet_id) select ${created.id}, chosen.pet_id from ${created}, (values ${petRows}) as chosen (pet_id)`);
  const withEvent = exec.$with('created_event', {}).as(
    sql`insert into ${bookingEvents} (booking_id, from_status, to_status, actor_id, actor_role, at)
      select ${created.id}, null, ${sql.placeholder('status')}, ${sql.placeholder('actorId')}::uuid, ${sql.placeholder('actorRole')}, ${sql.placeholder('at')}::timestamptz from ${created}`,
  );
  // The CTE's columns, by name, to select them beside the joined ones.
  const booking = Object.fromEntries(Object.keys(returning).map((k) => [k, created[k as keyof typeof returning]])) as Pick<
    typeof created,
    keyof typeof returning
  >;
  const selection = {
    ...booking,
    ownerFirstName: ownerUser.firstName,
    ownerLastName: ownerUser.lastName,
    ownerAvatarMediaId: ownerUser.avatarMediaId,
    ownerEmail: ownerUser.email,
    businessOwner: { id: businessOwnerUser.id, email: businessOwnerUser.email, status: businessOwnerUser.status },
    workerUserId: workers.userId,
    workerActive: sql<boolean | null>`${workers.status} = 'active'`,
    workerPhotoMediaId: workers.photoMediaId,
    workerAvatarMediaId: workerUser.avatarMediaId,
    workerFirstName: workerUser.firstName,
    workerLastName: workerUser.lastName,
    workerEmail: workerUser.email,
    workerStatus: workerUser.status,
  };
  const query = exec
    .with(created, withPets, withEvent)
    .select(selection)
    .from(created)
    .innerJoin(ownerUser, eq(ownerUser.id, created.ownerId))
    .innerJoin(businessOwnerUser, eq(businessOwnerUser.id, sql.placeholder('businessOwnerId')))
    .leftJoin(workers, eq(workers.id, created.workerId))
    .leftJoin(workerUser, eq(workerUser.id, workers.userId));
  return { query, selection };
});

/**
 * Inserts a booking under `number` with its pets and its first event, in one statement that also
 * reads who the booking involves: the owner's name, the business owner's and the worker's accounts
 * (for the request mails) and the worker's name and photo. Null when the number is taken (the caller
 * draws another; nothing was written). Only the number's unique index is an expected conflict: the
 * worker-overlap exclusion constraint still raises (SQLSTATE 23P01) and becomes a 409 above.
 */
export async function insertBooking(
  exec: Executor,
  number: string,
  values: NewBooking,
  petIds: string[],
  event: { actorId: string; actorRole: string; at: Date },
  businessOwnerId: string,
) {
  const [row] = await insertStatement(exec, petIds.length, {
    ...Object.fromEntries(INSERTED.map((column) => [column, values[column]])),
    number,
    lat: values.point.lat,
    lng: values.point.lng,
    address: values.address === null ? null : JSON.stringify(values.address),
    ...Object.fromEntries(petIds.map((id, i) => [`pet${i}`, id])),
    actorId: event.actorId,
    actorRole: event.actorRole,
    at: event.at.toISOString(),
    businessOwnerId,
  });
  return row ?? null;
}

export async function updateBooking(
  exec: Executor,
  id: string,
  patch: Partial<Omit<typeof bookings.$inferInsert, 'id' | 'number' | 'location'>> & { location?: SQL | null; updatedAt: Date },
) {
  await exec
    .update(bookings)
    .set(patch as Partial<typeof bookings.$inferInsert>)
    .where(eq(bookings.id, id));
}

export async function replaceBookingPets(exec: Executor, bookingId: string, petIds: string[]) {
  await exec.delete(bookingPets).where(eq(bookingPets.bookingId, bookingId));
  await exec.insert(bookingPets).values(petIds.map((petId) => ({ bookingId, petId })));
}

export async function insertEvent(exec: Executor, values: typeof bookingEvents.$inferInsert) {
  await exec.insert(bookingEvents).values(values);
}

export async function insertPhotos(exec: Executor, bookingId: string, mediaIds: string[], at: Date) {
  if (mediaIds.length) await exec.insert(bookingPhotos).values(mediaIds.map((mediaId) => ({ bookingId, mediaId, createdAt: at })));
}

/** Pending bookings whose answer deadline has passed, locked so that two expiry runs never take the same one. */
export async function lockDuePending(exec: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await exec
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.status, 'pending'), sql`${bookings.expiresAt} <= ${now.toISOString()}::timestamptz`))
    .orderBy(asc(bookings.expiresAt), asc(bookings.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  return rows.map((r) => r.id);
}

/** E-mail and first name of users, for mails. */
export async function contactsOf(exec: Executor, userIds: string[]) {
  if (!userIds.length) return new Map<string, { email: string; firstName: string }>();
  const rows = await exec
    .select({ id: users.id, email: users.email, firstName: users.firstName, status: users.status })
    .from(users)
    .where(inArray(users.id, [...new Set(userIds)]));
  return new Map(rows.filter((r) => r.status === 'active').map((r) => [r.id, { email: r.email, firstName: r.firstName }]));
}

/** Whether any active booking of these workers holds time overlapping [startsAt, blockedUntil). */
export async function workersBookedDuring(
  exec: Executor,
  workerIds: string[],
  startsAt: Date,
  blockedUntil: Date,
  excludeBookingId?: string,
): Promise<boolean> {
  if (!workerIds.length) return false;
  const [hit] = await exec
    .select({ id: bookings.id })
    .from(bookings)
    .where(
      and(
        inArray(bookings.workerId, workerIds),
        inArray(bookings.status, ['pending', 'confirmed', 'in_progress']),
        sql`tstzrange(${bookings.startsAt}, ${bookings.blockedUntil}, '[)') && tstzrange(${startsAt.toISOString()}::timestamptz, ${blockedUntil.toISOString()}::timestamptz, '[)')`,
        excludeBookingId ? sql`${bookings.id} <> ${excludeBookingId}` : undefined,
      ),
    )
    .limit(1);
  return Boolean(hit);
}
