import type { JobMap } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Tx } from '../../platform/db.js';
import * as q from './payments.queries.js';
import { createRefund } from './payments.refunds.js';
import { refOf } from './payments.service.js';
import { applyIntent, markSucceeded, settleRefund } from './payments.state.js';

/**
 * The jobs that move money after a booking transition committed. Each asks the provider with a key
 * per operation (a second run gets the provider's first answer) and records the answer through the
 * state machine (a second run changes nothing). A provider error throws: the queue retries.
 */
export function paymentJobs(p: Pick<Platform, 'db' | 'queue' | 'clock' | 'config' | 'notifier' | 'payments'>) {
  /** The booking was confirmed: take the authorised money. Not authorised yet → markAuthorized captures later. */
  async function capture({ paymentId }: JobMap['payments.capture']) {
    const row = await q.findPayment(p.db, paymentId);
    if (!row || row.status !== 'authorized' || !row.providerIntentId) return;
    const intent = await p.payments.capture(refOf(row), `capture:${paymentId}`);
    await p.db.transaction((tx) => applyIntent(tx, p, paymentId, intent));
  }

  /** Declined, expired, cancelled before capture, or repriced: our row is cancelled already; the provider lets go now. */
  async function release({ paymentId }: JobMap['payments.release']) {
    const row = await q.findPayment(p.db, paymentId);
    if (!row?.providerIntentId || (q.PAID_STATUSES as readonly string[]).includes(row.status)) return;
    const intent = await p.payments.cancel(refOf(row), `release:${paymentId}`);
    await p.db.transaction(async (tx) => {
      if (intent.status !== 'succeeded') return applyIntent(tx, p, paymentId, intent);
      // A capture that was in flight won the race: the money was taken after all, so it all goes back.
      await forceSucceeded(tx, paymentId, intent.chargeId);
      await createRefund(tx, p, paymentId, { percent: 100, reason: 'The booking ended before the payment was captured.', requestedBy: null });
    });
  }

  /** The one move against the order of states: the provider's record of a capture outranks our cancellation. */
  async function forceSucceeded(tx: Tx, paymentId: string, chargeId: string | null) {
    const locked = await q.lockPayment(tx, paymentId);
    if (locked?.status === 'cancelled') await q.reopenCancelled(tx, paymentId);
    await markSucceeded(tx, p, paymentId, chargeId);
  }

  /** Sends a pending refund; one of a payment that is only authorised waits for its capture (which re-enqueues it). */
  async function refund({ refundId }: JobMap['payments.refund']) {
    const row = await q.findRefund(p.db, refundId);
    if (!row || row.status !== 'pending') return;
    const payment = (await q.findPayment(p.db, row.paymentId))!;
    if (payment.status === 'failed' || payment.status === 'cancelled') {
      await p.db.transaction((tx) => settleRefund(tx, p, refundId, { providerRefundId: null, status: 'failed' }));
      return;
    }
    if (!(q.PAID_STATUSES as readonly string[]).includes(payment.status) || !payment.providerIntentId) return;
    const outcome = await p.payments.refund({
      intentId: payment.providerIntentId,
      amountMinor: row.amountMinor,
      metadata: { refundId, paymentId: payment.id, bookingNumber: payment.bookingNumber },
      idempotencyKey: `refund:${refundId}`,
    });
    await p.db.transaction((tx) => settleRefund(tx, p, refundId, { providerRefundId: outcome.id, status: outcome.status }));
  }

  return { capture, release, refund };
}

/** Gives the queue the payment jobs' handlers (app.ts). */
export function registerPaymentJobs(p: Pick<Platform, 'db' | 'queue' | 'clock' | 'config' | 'notifier' | 'payments'>) {
  const jobs = paymentJobs(p);
  p.queue.handle('payments.capture', jobs.capture);
  p.queue.handle('payments.release', jobs.release);
  p.queue.handle('payments.refund', jobs.refund);
}
