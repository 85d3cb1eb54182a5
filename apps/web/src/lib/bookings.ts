/** People-facing words for bookings and payments, and small rules the pages share. */
import type { Booking, BookingActorRole, BookingStatus, PaymentStatus } from '@walkydoggy/shared';
import { formatDateTime, formatDay, formatTime, localDate } from './time';

export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  pending: 'Waiting for confirmation',
  confirmed: 'Confirmed',
  declined: 'Declined',
  expired: 'Expired',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** A CSS modifier per status; the label text is always shown too, so colour is never the only sign. */
export const BOOKING_STATUS_TONES: Record<BookingStatus, 'ok' | 'wait' | 'off' | 'live'> = {
  pending: 'wait',
  confirmed: 'ok',
  declined: 'off',
  expired: 'off',
  in_progress: 'live',
  completed: 'ok',
  cancelled: 'off',
};

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  pending: 'Not paid yet',
  authorized: 'Authorised (charged when confirmed)',
  succeeded: 'Paid',
  failed: 'Payment failed',
  cancelled: 'Payment released',
  refunded: 'Refunded',
  partially_refunded: 'Partly refunded',
};

export const ACTOR_LABELS: Record<BookingActorRole, string> = {
  owner: 'Pet owner',
  business: 'Business',
  worker: 'Worker',
  admin: 'Admin',
  system: 'WalkyDoggy',
};

/** Statuses still ahead of the owner: the "Upcoming" list; everything else is history. */
export const UPCOMING_STATUSES = ['pending', 'confirmed', 'in_progress'] as const satisfies readonly BookingStatus[];
export const PAST_STATUSES = ['completed', 'cancelled', 'declined', 'expired'] as const satisfies readonly BookingStatus[];

/** When a booking happens, in its business's time zone: a time slot, or a date range for boarding and daycare. */
export function bookingWhen(booking: Pick<Booking, 'kind' | 'startsAt' | 'endsAt' | 'startDate' | 'endDate' | 'business'>): string {
  const tz = booking.business.timeZone;
  if (booking.kind === 'day' && booking.startDate && booking.endDate) {
    return booking.startDate === booking.endDate ? formatDay(booking.startDate) : `${formatDay(booking.startDate)} – ${formatDay(booking.endDate)}`;
  }
  const sameDay = localDate(booking.startsAt, tz) === localDate(booking.endsAt, tz);
  return sameDay
    ? `${formatDateTime(booking.startsAt, tz)} – ${formatTime(booking.endsAt, tz)}`
    : `${formatDateTime(booking.startsAt, tz)} – ${formatDateTime(booking.endsAt, tz)}`;
}

export function petNames(booking: Pick<Booking, 'pets'>): string {
  return booking.pets.map((p) => p.name).join(', ');
}

/** One line for an address; see lib/places.ts for naming a booking's place. */
export { formatAddress as addressLine } from './places';
