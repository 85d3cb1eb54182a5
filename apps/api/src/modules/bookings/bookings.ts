import type { Platform } from '../../platform/platform.js';
import { createAvailability } from '../availability/availability.service.js';
import type { BookingPayments } from '../payments/payments.port.js';
import type { Tracks } from '../tracking/track.service.js';
import type { AvailabilityPort } from './bookings.checks.js';
import { expireDue } from './bookings.expiry.js';
import { createBookingMails } from './bookings.mails.js';
import { createBookingReads } from './bookings.reads.js';
import { createSeriesService } from './bookings.series.js';
import { createBookingService } from './bookings.service.js';
import { createTransitions } from './bookings.transitions.js';

export type BookingsDeps = Pick<Platform, 'db' | 'clock' | 'queue' | 'config' | 'notifier'> & {
  payments: BookingPayments;
  availability?: AvailabilityPort;
  /** Live tracking's hooks (after a status change commits); absent in tests that do not need them. */
  tracks?: Tracks;
};

/** The bookings module's services, wired once from the platform and the payments port. */
export function createBookings(p: BookingsDeps) {
  const availability = p.availability ?? createAvailability(p);
  const mails = createBookingMails(p);
  const transitions = createTransitions({ clock: p.clock, queue: p.queue, payments: p.payments, mails });
  const bookings = createBookingService({ clock: p.clock, payments: p.payments, availability, mails });
  const reads = createBookingReads({ clock: p.clock, payments: p.payments });
  const series = createSeriesService({ clock: p.clock, bookings, transitions });
  return {
    mails,
    bookings,
    transitions,
    reads,
    series,
    /** Expires every pending booking whose deadline is at or before `now` (the `bookings.expire-due` job). */
    expireDue: (now: Date) => expireDue({ db: p.db, transitions }, now),
  };
}
export type Bookings = ReturnType<typeof createBookings>;
