import { refunds } from '@walkydoggy/shared/db';
import { refundAmount, splitRefund } from '@walkydoggy/shared';
import type { Platform } from '../../app.js';
import type { Executor } from '../../platform/db.js';
import { lockPayment, reservedRefunds, type PaymentRow } from './payments.queries.js';

/**
 * Refund rows. A refund is written `pending` in the transaction that decides it (a booking's
 * cancellation, an admin's or business's refund) with its share of the platform fee, and the
 * `payments.refund` job sends it to the provider after commit.
 */

export type RefundRequest =
  /** The refund policy's percentage of what was paid, minus what was already refunded. */
  | { percent: number; reason: string; requestedBy: string | null }
  /** An exact amount (an admin's override, a business's goodwill refund), capped at what remains. */
  | { amountMinor: number; reason: string; requestedBy: string | null };

export type CreatedRefund = { id: string; amountMinor: number } | null;

/** What can still be refunded of a payment (pending refunds count as given). */
export async function refundableOf(
  exec: Executor,
  payment: PaymentRow,
): Promise<{ remainingMinor: number; reserved: { amountMinor: number; feeMinor: number } }> {
  const reserved = await reservedRefunds(exec, payment.id);
  return { remainingMinor: Math.max(0, payment.amountMinor - Math.max(reserved.amountMinor, payment.refundedMinor)), reserved };
}

/**
 * Writes a pending refund of the locked payment and enqueues the job that sends it; null when
 * nothing is left to refund or the policy gives nothing back.
 */
export async function createRefund(tx: Executor, d: Pick<Platform, 'queue' | 'clock'>, paymentId: string, request: RefundRequest): Promise<CreatedRefund> {
  const payment = await lockPayment(tx, paymentId);
  if (!payment) return null;
  const { remainingMinor, reserved } = await refundableOf(tx, payment);
  const already = payment.amountMinor - remainingMinor;
  const amountMinor = 'percent' in request ? refundAmount(payment.amountMinor, already, request.percent) : Math.min(request.amountMinor, remainingMinor);
  if (amountMinor <= 0) return null;
  // The cumulative basis includes refunds still pending, so two refunds in flight never give back more of the fee.
  const { feeRefundMinor } = splitRefund(
    {
      amountMinor: payment.amountMinor,
      platformFeeMinor: payment.platformFeeMinor,
      refundedMinor: already,
      feeRefundedMinor: Math.min(payment.platformFeeMinor, Math.max(reserved.feeMinor, payment.feeRefundedMinor)),
    },
    amountMinor,
  );
  const [row] = await tx
    .insert(refunds)
    .values({
      paymentId,
      amountMinor,
      feeRefundMinor,
      reason: request.reason,
      policyPercent: 'percent' in request ? Math.round(request.percent) : null,
      requestedBy: request.requestedBy,
      createdAt: d.clock.now(),
    })
    .returning({ id: refunds.id });
  await d.queue.enqueue(tx, 'payments.refund', { refundId: row!.id });
  return { id: row!.id, amountMinor };
}
