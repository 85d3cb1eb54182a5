import crypto from 'node:crypto';
import { bookingPets, bookings } from '@walkydoggy/shared/db';
import type { TestApp } from '../support/app.js';

export type BookingStatus = (typeof bookings.$inferInsert)['status'];
const HOUR = 60 * 60 * 1000;

/**
 * A booking row written straight into the table (the bookings API is not what these tests are
 * about): every NOT NULL column filled, the pets linked, the period given relative to the clock.
 */
export async function insertBooking(
  t: TestApp,
  b: {
    ownerId: string;
    businessId: string;
    serviceId: string;
    petIds: string[];
    workerId?: string | null;
    status?: BookingStatus;
    /** Start, in hours from the test clock's now. */
    startsInHours: number;
    durationMinutes?: number;
    notes?: string | null;
    specialInstructions?: string | null;
    locationKind?: 'owner_home' | 'business' | 'custom';
    address?: { street?: string; city?: string; postalCode?: string; country?: string } | null;
    cancelledHoursAgo?: number;
  },
) {
  const now = t.clock.now().getTime();
  const startsAt = new Date(now + b.startsInHours * HOUR);
  const durationMinutes = b.durationMinutes ?? 60;
  const endsAt = new Date(startsAt.getTime() + durationMinutes * 60_000);
  const status = b.status ?? 'confirmed';
  const number = `WD-${crypto.randomBytes(2).toString('hex').toUpperCase()}-${crypto.randomBytes(2).toString('hex').toUpperCase()}`;
  const cancelledAt = status === 'cancelled' ? new Date(now - (b.cancelledHoursAgo ?? 1) * HOUR) : null;
  const [row] = await t.db
    .insert(bookings)
    .values({
      number,
      ownerId: b.ownerId,
      businessId: b.businessId,
      serviceId: b.serviceId,
      workerId: b.workerId ?? null,
      kind: 'slot',
      status,
      startsAt,
      endsAt,
      blockedUntil: new Date(endsAt.getTime() + 15 * 60_000),
      durationMinutes,
      petCount: b.petIds.length,
      locationKind: b.locationKind ?? 'owner_home',
      location: 'SRID=4326;POINT(13.385 52.531)',
      address: b.address === undefined ? { street: 'Invalidenstraße 5', postalCode: '10115', city: 'Berlin', country: 'DE' } : b.address,
      notes: b.notes ?? null,
      specialInstructions: b.specialInstructions ?? null,
      price: { currency: 'EUR', lines: [], subtotalMinor: 2000, discountMinor: 0, totalMinor: 2000 },
      totalMinor: 2000,
      currency: 'EUR',
      cancellationPolicy: 'moderate',
      cancelledAt,
      updatedAt: cancelledAt ?? new Date(now),
      createdAt: new Date(Math.min(now, startsAt.getTime()) - HOUR),
    })
    .returning({ id: bookings.id, number: bookings.number });
  await t.db.insert(bookingPets).values(b.petIds.map((petId) => ({ bookingId: row!.id, petId })));
  return { ...row!, startsAt, endsAt, status };
}
