import { refunds } from '@walkydoggy/shared/db';
import { refundAmount, splitRefund } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Executor } from '../../platform/db.js';
import { lockPayment, PAID_STATUSES, refundsOf, type PaymentRow, type RefundRow } from './payments.queries.js';

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

type RefundState = Pick<RefundRow, 'amountMinor' | 'feeRefundMinor' | 'status'>;

/** What has been promised back already: every refund but failed ones (pending ones count, so two in flight never exceed the payment). */
export function promisedBack(rows: readonly RefundState[]): { amountMinor: number; feeMinor: number } {
  const kept = rows.filter((r) => r.status !== 'failed');
  return { amountMinor: kept.reduce((sum, r) => sum + r.amountMinor, 0), feeMinor: kept.reduce((sum, r) => sum + r.feeRefundMinor, 0) };
}

/**
 * What is left to give back of a payment, whatever its status. The provider's refunded total can be
 * ahead of the refund rows (a refund made in its dashboard has none), so the larger of the two counts.
 */
export function remainingOf(payment: Pick<PaymentRow, 'amountMinor' | 'refundedMinor'>, promisedMinor: number): number {
  return Math.max(0, payment.amountMinor - Math.max(promisedMinor, payment.refundedMinor));
}

/**
 * What `POST /payments/:id/refund` would accept now: what remains, once the money was taken (before
 * that there is nothing to refund). `rows` are the payment's refunds, of any status.
 */
export function refundableMinorOf(payment: Pick<PaymentRow, 'status' | 'amountMinor' | 'refundedMinor'>, rows: readonly RefundState[]): number {
  if (!(PAID_STATUSES as readonly string[]).includes(payment.status)) return 0;
  return remainingOf(payment, promisedBack(rows).amountMinor);
}

/** What can still be refunded of a payment (pending refunds count as given), and what is promised back already. */
export async function refundableOf(
  exec: Executor,
  payment: PaymentRow,
): Promise<{ remainingMinor: number; reserved: { amountMinor: number; feeMinor: number } }> {
  const reserved = promisedBack(await refundsOf(exec, [payment.id]));
  return { remainingMinor: remainingOf(payment, reserved.amountMinor), reserved };
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
