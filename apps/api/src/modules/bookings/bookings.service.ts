import type { BookingLocationInput, UpdateBookingInput } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { sqlStateOf, type Tx } from '../../platform/db.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import type { BookingPayments } from '../payments/payments.port.js';
import { newBookingNumber } from './booking-number.js';
import { relationOf } from './bookings.access.js';
import {
  checkCapacity,
  checkLocation,
  checkPets,
  checkVaccinations,
  chooseWorker,
  isActiveWorkerOf,
  geographyOf,
  planTimes,
  priceOf,
  SLOT_TAKEN,
  type AvailabilityPort,
  type BookingInput,
} from './bookings.checks.js';
import { findBookable, pointOf, type Bookable } from './bookings.bookable.js';
import { lockWorkerTime } from './bookings.locks.js';
import type { BookingMails } from './bookings.mails.js';
import * as q from './bookings.queries.js';

/*
 * Making and changing a booking. Every check and write runs on one transaction, after the locks of
 * bookings.locks.ts: requests for the same worker's time take turns, so each one's availability read
 * sees the bookings committed before it, and the worker-overlap exclusion constraint stays the final
 * word without two uncommitted rivals waiting on each other.
 */

export type BookingServiceDeps = Pick<Platform, 'clock'> & { payments: BookingPayments; availability: AvailabilityPort; mails: BookingMails };

const HOUR = 3_600_000;

/** The exclusion constraint refused an overlapping worker period: someone else was faster. */
export async function slotConflictsAs409<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (sqlStateOf(err) === '23P01') throw new Conflict(SLOT_TAKEN);
    throw err;
  }
}

/** A booking just made, with everything its view shows: its first event, its pets, no payment and no photos yet. */
export type CreatedBooking = {
  id: string;
  details: q.BookingDetails;
  pets: Pick<q.PetOfBooking, 'id' | 'name' | 'species' | 'photoMediaId'>[];
  event: { fromStatus: null; toStatus: string; actorRole: string; reason: null; at: Date };
};

/**
 * A booking just inserted as its view and mails read it: the row and its people from the insert, the
 * service and business from the checks' read. And who is told of the request: the business owner and
 * the worker, once each (a business owner may be the worker too).
 */
function createdDetails(inserted: NonNullable<Awaited<ReturnType<typeof q.insertBooking>>>, bookable: Bookable) {
  const { businessOwner, workerEmail, workerStatus, ...row } = inserted;
  const details: q.BookingDetails = {
    ...row,
    serviceName: bookable.service.name,
    serviceType: bookable.service.type,
    servicePriceType: bookable.service.priceType,
    businessName: bookable.businessName,
    businessTimeZone: bookable.timeZone,
    businessStartWindowMinutes: bookable.startWindowMinutes,
    businessOwnerId: bookable.businessOwnerId,
    businessAddress: bookable.businessAddress,
    // Every pet passed `checkPets`: the caller owns or co-owns each one.
    callerOwnsPet: true,
  };
  const recipients = new Map([[businessOwner.id, businessOwner]]);
  if (row.workerUserId && workerEmail !== null && workerStatus !== null)
    recipients.set(row.workerUserId, { id: row.workerUserId, email: workerEmail, status: workerStatus });
  return { details, recipients: [...recipients.values()] };
}

export function createBookingService(d: BookingServiceDeps) {
  /**
   * Creates one booking for `actor` on `tx` after every check of the contract, and enqueues the
   * request mails. Returns the booking as stored with what its view needs, all of it known from the
   * checks and the insert, so that nothing is read back.
   */
  async function createOn(
    tx: Tx,
    actor: Pick<Actor, 'id'>,
    input: BookingInput,
    opts: { seriesId?: string; workersLocked?: boolean } = {},
  ): Promise<CreatedBooking> {
    const now = d.clock.now();
    // A time (not dates) is asked for: the worker locks come before every read (bookings.locks.ts).
    if (input.startsAt !== undefined && !opts.workersLocked) await lockWorkerTime(tx, input);
    const bookable = await findBookable(tx, input.serviceId, {
      at: pointOf(input.location),
      pets: { userId: actor.id, ids: input.petIds },
      slot: input.startsAt !== undefined ? { startsAt: input.startsAt, durationMinutes: input.durationMinutes, workerId: input.workerId } : undefined,
    });
    if (!bookable) throw new NotFound('Service');
    const petList = await checkPets(tx, actor.id, input.petIds, bookable);
    const times = planTimes(bookable, input, now);
    if (times.kind === 'day' && input.workerId !== undefined)
      throw ValidationFailed.field('body.workerId', 'Boarding and daycare are booked with the business, not with a worker.');
    await checkVaccinations(tx, petList.inRequestOrder, bookable.service.requiredVaccinations, times.lastDate);
    const place = await checkLocation(tx, bookable, input.location);
    let workerId: string | null = null;
    if (times.kind === 'slot') workerId = await chooseWorker(tx, d.availability, bookable, times, input.workerId);
    else await checkCapacity(tx, d.availability, bookable, times, input.petIds.length);
    const price = priceOf(bookable, times, input.petIds.length);

    const values: q.NewBooking = {
      ownerId: actor.id,
      businessId: bookable.service.businessId,
      serviceId: bookable.service.id,
      workerId,
      seriesId: opts.seriesId ?? null,
      kind: times.kind,
      status: 'pending',
      startsAt: times.startsAt,
      endsAt: times.endsAt,
      blockedUntil: times.blockedUntil,
      startDate: times.startDate,
      endDate: times.endDate,
      durationMinutes: times.durationMinutes,
      petCount: input.petIds.length,
      ...place,
      notes: input.notes ?? null,
      specialInstructions: input.specialInstructions ?? null,
      price,
      totalMinor: price.totalMinor,
      currency: price.currency,
      cancellationPolicy: bookable.service.cancellationPolicy,
      expiresAt: new Date(Math.min(now.getTime() + bookable.bookingExpiryHours * HOUR, times.startsAt.getTime())),
      createdAt: now,
      updatedAt: now,
    };
    const event = { actorId: actor.id, actorRole: 'owner' as const, at: now };
    let inserted: Awaited<ReturnType<typeof q.insertBooking>> = null;
    // 40 random bits make a repeat rare; the unique index makes it harmless.
    for (let attempt = 0; !inserted; attempt++) {
      if (attempt === 5) throw new Error('Could not draw a free booking number');
      inserted = await q.insertBooking(tx, newBookingNumber(), values, input.petIds, event, bookable.businessOwnerId);
    }
    const { details, recipients } = createdDetails(inserted, bookable);
    await d.mails.requested(tx, details, recipients);
    return { id: details.id, details, pets: petList.byName, event: { ...event, fromStatus: null, toStatus: details.status, reason: null } };
  }

  /** The booking as a complete request again, with the changes of an update applied. */
  async function merged(tx: Tx, row: q.BookingRow, body: UpdateBookingInput): Promise<BookingInput> {
    const currentLocation: BookingLocationInput =
      row.locationKind === 'business'
        ? { kind: 'business' }
        : { kind: row.locationKind, lat: Number(row.lat), lng: Number(row.lng), address: row.address ?? null };
    const dayBooking = row.kind === 'day';
    const shownEnd =
      row.endDate && row.serviceType === 'daycare' ? new Date(Date.parse(`${row.endDate}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) : row.endDate;
    // Fields of the other kind are passed on as sent, so that the rules refuse them as on create.
    return {
      serviceId: row.serviceId,
      petIds: body.petIds ?? (await q.petsOf(tx, [row.id])).map((p) => p.id),
      startsAt: body.startsAt ?? (dayBooking ? undefined : row.startsAt.toISOString()),
      startDate: body.startDate ?? (dayBooking ? (row.startDate ?? undefined) : undefined),
      endDate: body.endDate ?? (dayBooking ? (shownEnd ?? undefined) : undefined),
      // An hourly booking keeps its length unless a new one is sent.
      durationMinutes: body.durationMinutes ?? (!dayBooking && row.servicePriceType === 'per_hour' ? row.durationMinutes : undefined),
      ...(body.workerId !== undefined ? { workerId: body.workerId } : {}),
      location: body.location ?? currentLocation,
      notes: body.notes !== undefined ? body.notes : row.notes,
      specialInstructions: body.specialInstructions !== undefined ? body.specialInstructions : row.specialInstructions,
    };
  }

  /** The owner changes a pending booking: every rule is checked again, ignoring the booking itself, and it is priced again. */
  async function reschedule(tx: Tx, actor: Pick<Actor, 'id'>, row: q.BookingRow, body: UpdateBookingInput) {
    const now = d.clock.now();
    const input = await merged(tx, row, body);
    // The booking's row is locked already (`updateOn`); the worker locks come next, before the reads.
    if (input.startsAt !== undefined) await lockWorkerTime(tx, input);
    const bookable = await findBookable(tx, row.serviceId, { at: pointOf(input.location), pets: { userId: actor.id, ids: input.petIds } });
    if (!bookable) throw new Conflict('This service is no longer offered, so the booking cannot be changed: cancel it instead.');
    const petList = await checkPets(tx, actor.id, input.petIds, bookable);
    const times = planTimes(bookable, input, now);
    await checkVaccinations(tx, petList.inRequestOrder, bookable.service.requiredVaccinations, times.lastDate);
    const place = await checkLocation(tx, bookable, input.location);
    let workerId: string | null = row.workerId;
    if (times.kind === 'slot') {
      // Keep the worker the owner already has when they are still free; otherwise the first free one.
      const named = input.workerId;
      workerId = named
        ? await chooseWorker(tx, d.availability, bookable, times, named, row.id)
        : await chooseWorker(tx, d.availability, bookable, times, undefined, row.id, row.workerId ?? undefined);
    } else {
      if (body.workerId !== undefined) throw ValidationFailed.field('body.workerId', 'Boarding and daycare are booked with the business, not with a worker.');
      await checkCapacity(tx, d.availability, bookable, times, input.petIds.length, row.id);
    }
    const price = priceOf(bookable, times, input.petIds.length);
    await q.updateBooking(tx, row.id, {
      workerId,
      startsAt: times.startsAt,
      endsAt: times.endsAt,
      blockedUntil: times.blockedUntil,
      startDate: times.startDate,
      endDate: times.endDate,
      durationMinutes: times.durationMinutes,
      petCount: input.petIds.length,
      locationKind: place.locationKind,
      location: geographyOf(place.point),
      address: place.address,
      notes: input.notes ?? null,
      specialInstructions: input.specialInstructions ?? null,
      price,
      totalMinor: price.totalMinor,
      currency: price.currency,
      expiresAt: row.expiresAt && row.expiresAt < times.startsAt ? row.expiresAt : times.startsAt,
      updatedAt: now,
    });
    if (body.petIds) await q.replaceBookingPets(tx, row.id, input.petIds);
    // A different total needs a different authorisation: the old one goes, the owner pays again.
    if (price.totalMinor !== row.totalMinor && (await d.payments.forBooking(tx, row.id))) await d.payments.apply(tx, { kind: 'repriced', bookingId: row.id });
  }

  /** The business owner assigns (or reassigns) the worker; the exclusion constraint refuses a worker who is busy then. */
  async function assignWorker(tx: Tx, row: q.BookingRow, workerId: string) {
    if (!(await isActiveWorkerOf(tx, row.businessId, workerId))) throw ValidationFailed.field('body.workerId', 'Choose an active worker of your business.');
    await lockWorkerTime(tx, { serviceId: row.serviceId, workerId });
    if (await q.workersBookedDuring(tx, [workerId], row.startsAt, row.blockedUntil, row.id))
      throw new Conflict('This worker has another booking at that time.');
    await q.updateBooking(tx, row.id, { workerId, updatedAt: d.clock.now() });
  }

  async function updateOn(tx: Tx, actor: Pick<Actor, 'id' | 'role'>, id: string, body: UpdateBookingInput): Promise<void> {
    const row = await q.findBooking(tx, id, actor, true);
    if (!row) throw new NotFound('Booking');
    const rel = relationOf(row, actor);
    const fields = Object.entries(body)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    if (rel.owner) {
      if (row.status !== 'pending') throw new Conflict('Only a pending booking can be changed: cancel it and book again.');
      return reschedule(tx, actor, row, body);
    }
    if (rel.business) {
      if (fields.some((f) => f !== 'workerId')) throw new Forbidden('A business can only assign the worker of a booking; the other details are the owner’s.');
      if (row.status !== 'pending' && row.status !== 'confirmed') throw new Conflict('A worker can only be assigned to a pending or confirmed booking.');
      return assignWorker(tx, row, body.workerId!);
    }
    throw new Forbidden('Only the person who made this booking can change it.');
  }

  return { createOn, updateOn };
}
export type BookingService = ReturnType<typeof createBookingService>;
