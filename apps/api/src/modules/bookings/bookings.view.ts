import type { Booking, BookingActorRole, BookingStatus } from '@walkydoggy/shared';
import type { Actor } from '../../platform/auth-guard.js';
import type { Executor } from '../../platform/db.js';
import { toMediaView } from '../media/media.view.js';
import { avatarUrlOf } from '../users/users.view.js';
import type { BookingPaymentState, BookingPayments } from '../payments/payments.port.js';
import { callerActions, relationOf } from './bookings.access.js';
import { completionPhotosOf, eventsOf, petsOf, type BookingDetails, type PetOfBooking } from './bookings.queries.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const fileUrl = (mediaId: string | null) => (mediaId ? `/v1/media/${mediaId}/file` : null);
const addDay = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** What a booking's view shows besides its row. */
export type BookingViewParts = {
  pets: Pick<PetOfBooking, 'id' | 'name' | 'species' | 'photoMediaId'>[];
  photos: Awaited<ReturnType<typeof completionPhotosOf>>;
  payment: BookingPaymentState | null;
  events: { fromStatus: string | null; toStatus: string; actorRole: string; reason: string | null; at: Date }[];
};

/**
 * The contract's `Booking` for each row, as `viewer` sees it: the payment through the payments port,
 * what the viewer may do in `actions`, and the status history when `withEvents`.
 */
export async function bookingViews(
  exec: Executor,
  rows: BookingDetails[],
  viewer: Pick<Actor, 'id' | 'role'>,
  payments: Pick<BookingPayments, 'forBookings'>,
  opts: { withEvents?: boolean } = {},
): Promise<Booking[]> {
  const ids = rows.map((r) => r.id);
  const pets = await petsOf(exec, ids);
  const photos = await completionPhotosOf(exec, ids);
  // One statement per part for the whole page, not one per booking.
  const paymentOf = await payments.forBookings(exec, ids);
  const petsBy = groupBy(pets, (p) => p.bookingId);
  const photosBy = groupBy(photos, (p) => p.bookingId);
  const views: Booking[] = [];
  for (const row of rows) {
    const events = opts.withEvents ? await eventsOf(exec, row.id) : [];
    views.push(
      toBookingView(row, viewer, {
        pets: petsBy.get(row.id) ?? [],
        photos: photosBy.get(row.id) ?? [],
        payment: paymentOf.get(row.id) ?? null,
        events,
      }),
    );
  }
  return views;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** One booking's view from its row and its parts, read or (for a booking just made) known. */
export function toBookingView(row: BookingDetails, viewer: Pick<Actor, 'id' | 'role'>, parts: BookingViewParts): Booking {
  const { payment, events } = parts;
  const rel = relationOf(row, viewer);
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    kind: row.kind,
    service: { id: row.serviceId, name: row.serviceName, type: row.serviceType, priceType: row.servicePriceType },
    business: { id: row.businessId, name: row.businessName, timeZone: row.businessTimeZone, address: row.businessAddress ?? null },
    worker:
      row.workerId && row.workerFirstName !== null
        ? {
            id: row.workerId,
            name: `${row.workerFirstName} ${row.workerLastName ?? ''}`.trim(),
            photoUrl: fileUrl(row.workerPhotoMediaId) ?? avatarUrlOf(row.workerAvatarMediaId),
          }
        : null,
    owner: { id: row.ownerId, name: `${row.ownerFirstName} ${row.ownerLastName}`.trim(), avatarUrl: avatarUrlOf(row.ownerAvatarMediaId) },
    pets: parts.pets.map((p) => ({ id: p.id, name: p.name, species: p.species, photoUrl: fileUrl(p.photoMediaId) })),
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    startDate: row.startDate,
    // Stored as [start, end); a daycare's last day is shown as the day itself, as it was asked for.
    endDate: row.endDate && row.serviceType === 'daycare' ? addDay(row.endDate, -1) : row.endDate,
    durationMinutes: row.durationMinutes,
    petCount: row.petCount,
    location: {
      kind: row.locationKind,
      lat: row.lat === null ? null : Number(row.lat),
      lng: row.lng === null ? null : Number(row.lng),
      address: row.address ?? null,
    },
    notes: row.notes,
    specialInstructions: row.specialInstructions,
    price: row.price,
    cancellationPolicy: row.cancellationPolicy,
    payment: payment
      ? { id: payment.id, status: payment.status, amountMinor: payment.amountMinor, refundedMinor: payment.refundedMinor, currency: payment.currency }
      : null,
    seriesId: row.seriesId,
    expiresAt: iso(row.expiresAt),
    confirmedAt: iso(row.confirmedAt),
    declinedAt: iso(row.declinedAt),
    declineReason: row.declineReason,
    startedAt: iso(row.startedAt),
    completedAt: iso(row.completedAt),
    completionNotes: row.completionNotes,
    completionPhotos: parts.photos.map((p) => toMediaView(p.media)),
    cancelledAt: iso(row.cancelledAt),
    cancelledBy: row.cancelledBy,
    cancellationReason: row.cancellationReason,
    events: events.map((e) => ({
      fromStatus: e.fromStatus as BookingStatus | null,
      toStatus: e.toStatus as BookingStatus,
      actorRole: e.actorRole as BookingActorRole,
      reason: e.reason,
      at: e.at.toISOString(),
    })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    actions: callerActions(row, rel, payment),
  };
}
