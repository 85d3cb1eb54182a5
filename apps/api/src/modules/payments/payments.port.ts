import type { Executor } from '../../platform/db.js';

/**
 * What the bookings module needs from payments, and nothing more. The payments module implements it
 * (`createBookingPayments` in payments.bookings.ts); bookings receives it as a dependency.
 *
 * Every method that changes money runs inside the booking transition's own transaction (`tx`) and
 * only writes rows and enqueues jobs (`payments.capture`, `payments.release`, `payments.refund`):
 * the provider is called by those jobs, after commit, so a rolled-back transition moves no money.
 */
export type BookingPaymentState = {
  id: string;
  status: 'pending' | 'authorized' | 'succeeded' | 'failed' | 'cancelled' | 'refunded' | 'partially_refunded';
  amountMinor: number;
  refundedMinor: number;
  currency: string;
};

export type BookingMoneyEvent =
  /** The business accepted: capture the authorised payment. */
  | { kind: 'confirmed'; bookingId: string }
  /** Declined, expired, or cancelled before capture: release the authorisation (nothing was charged). */
  | { kind: 'released'; bookingId: string; reason: string }
  /**
   * Cancelled after capture: refund `percent` of what was paid (the refund policy's answer, or an
   * admin's override with `amountMinor`), the platform fee in proportion.
   */
  | { kind: 'refund'; bookingId: string; percent: number; amountMinor?: number; reason: string; actorId: string | null }
  /** Time or pets changed while pending, so the price changed: the old authorisation is released. */
  | { kind: 'repriced'; bookingId: string };

export type BookingPayments = {
  /** The booking's live payment of its price (kind `booking`, not failed or cancelled), or null. */
  forBooking(exec: Executor, bookingId: string): Promise<BookingPaymentState | null>;
  /** `forBooking` of many bookings at once (a page of a list): those without a live payment are absent. */
  forBookings(exec: Executor, bookingIds: string[]): Promise<Map<string, BookingPaymentState>>;
  /** Records what a booking transition means for the money, in the transition's transaction. */
  apply(tx: Executor, event: BookingMoneyEvent): Promise<void>;
};
