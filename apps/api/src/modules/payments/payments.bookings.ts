import type { Platform } from '../../platform/platform.js';
import type { Executor } from '../../platform/db.js';
import type { BookingMoneyEvent, BookingPayments, BookingPaymentState } from './payments.port.js';
import { livePaymentOf, livePaymentsOf, PAID_STATUSES } from './payments.queries.js';
import { createRefund } from './payments.refunds.js';
import { markCancelled } from './payments.state.js';

const paid = (status: string) => (PAID_STATUSES as readonly string[]).includes(status);

/**
 * The payments side of booking transitions (the port bookings codes against). Only rows and jobs are
 * written here, in the transition's transaction; the provider is called by the jobs after commit.
 */
export function createBookingPayments(p: Pick<Platform, 'queue' | 'clock' | 'config' | 'notifier'>): BookingPayments {
  /** Nothing was taken: the authorisation (or the unpaid intent) goes, at once in our books. */
  async function release(tx: Executor, paymentId: string) {
    await markCancelled(tx, p, paymentId);
    await p.queue.enqueue(tx, 'payments.release', { paymentId });
  }

  async function forBooking(exec: Executor, bookingId: string): Promise<BookingPaymentState | null> {
    const row = await livePaymentOf(exec, bookingId);
    if (!row) return null;
    return { id: row.id, status: row.status, amountMinor: row.amountMinor, refundedMinor: row.refundedMinor, currency: row.currency };
  }

  async function forBookings(exec: Executor, bookingIds: string[]): Promise<Map<string, BookingPaymentState>> {
    const rows = await livePaymentsOf(exec, bookingIds);
    return new Map(
      rows.map((row) => [
        row.bookingId,
        { id: row.id, status: row.status, amountMinor: row.amountMinor, refundedMinor: row.refundedMinor, currency: row.currency },
      ]),
    );
  }

  async function apply(tx: Executor, event: BookingMoneyEvent): Promise<void> {
    const payment = await livePaymentOf(tx, event.bookingId);
    if (!payment) return;
    switch (event.kind) {
      case 'confirmed':
        // A payment still pending is captured when its authorisation arrives (markAuthorized sees the confirmed booking).
        if (payment.status === 'authorized') await p.queue.enqueue(tx, 'payments.capture', { paymentId: payment.id });
        return;
      case 'released':
      case 'repriced':
        if (!paid(payment.status)) return release(tx, payment.id);
        // Captured already (a capture that ran first): giving the money back is a full refund.
        await createRefund(tx, p, payment.id, {
          percent: 100,
          reason: event.kind === 'released' ? event.reason : 'The booking was changed.',
          requestedBy: null,
        });
        return;
      case 'refund': {
        const request =
          event.amountMinor !== undefined
            ? { amountMinor: event.amountMinor, reason: event.reason, requestedBy: event.actorId }
            : { percent: event.percent, reason: event.reason, requestedBy: event.actorId };
        // Not captured yet and everything goes back: releasing the authorisation moves no money at all.
        const everything = event.amountMinor !== undefined ? event.amountMinor >= payment.amountMinor : event.percent >= 100;
        if (!paid(payment.status) && everything) return release(tx, payment.id);
        // Otherwise the refund waits (pending) until the capture has happened; markSucceeded sends it then.
        await createRefund(tx, p, payment.id, request);
        return;
      }
    }
  }

  return { forBooking, forBookings, apply };
}
