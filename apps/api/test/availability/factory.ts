import crypto from 'node:crypto';
import { bookings } from '@walkydoggy/shared/db';
import type { TestApp } from '../support/app.js';

type BookingRow = typeof bookings.$inferInsert;

/**
 * A booking row written directly: availability only reads bookings, and the booking module that
 * creates them through the API is tested on its own. Every NOT NULL column is filled.
 */
export async function insertBooking(
  t: TestApp,
  v: Pick<BookingRow, 'ownerId' | 'businessId' | 'serviceId' | 'startsAt' | 'endsAt'> & Partial<BookingRow>,
): Promise<string> {
  const [row] = await t.db
    .insert(bookings)
    .values({
      number: `WD-${crypto.randomBytes(4).toString('hex').toUpperCase()}`,
      kind: 'slot',
      status: 'pending',
      blockedUntil: v.endsAt,
      durationMinutes: Math.round((v.endsAt.getTime() - v.startsAt.getTime()) / 60_000),
      petCount: 1,
      locationKind: 'owner_home',
      price: { currency: 'EUR', lines: [], subtotalMinor: 2000, discountMinor: 0, totalMinor: 2000 },
      totalMinor: 2000,
      currency: 'EUR',
      cancellationPolicy: 'moderate',
      ...v,
    })
    .returning({ id: bookings.id });
  return row!.id;
}
