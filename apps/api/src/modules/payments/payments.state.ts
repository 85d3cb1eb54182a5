import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { bookings, payments, refunds } from '@walkydoggy/shared/db';
import { formatMoney, splitRefund, type PaymentStatus } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Executor } from '../../platform/db.js';
import type { ProviderIntent } from '../../platform/payments/provider.js';
import {
  findBookingForPayment,
  findPayer,
  findPayment,
  findRefund,
  lockPayment,
  pendingRefundIds,
  succeededRefundsTotal,
  PAID_STATUSES,
} from './payments.queries.js';

/*
 * The payment state machine. Every change is a conditional update from the statuses that may lead
 * to it, so that it happens once whoever reports it first (the confirm endpoint, a job, a webhook,
 * in any order) and a late report never moves a payment backwards: pending → authorized → succeeded
 * → partially_refunded → refunded, and pending/authorized → cancelled, pending → failed. Refunded
 * amounts only grow. The side effects of a change (jobs, notifications) are enqueued in the same transaction.
 */

export type StateDeps = Pick<Platform, 'queue' | 'clock' | 'config' | 'notifier'>;

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const keep = (column: typeof payments.authorizedAt, d: Date) => sql`coalesce(${column}, ${at(d)})`;

async function transition(exec: Executor, id: string, from: readonly PaymentStatus[], set: PgUpdateSetSource<typeof payments>) {
  const rows = await exec
    .update(payments)
    .set(set)
    .where(and(eq(payments.id, id), inArray(payments.status, [...from])))
    .returning({ id: payments.id });
  return rows.length > 0;
}

/**
 * The card was authorised. What happens next follows the booking: confirmed already (the capture job
 * found nothing to capture then) → capture now; over without being served → release at once.
 */
export async function markAuthorized(tx: Executor, d: StateDeps, id: string): Promise<boolean> {
  const now = d.clock.now();
  if (!(await transition(tx, id, ['pending'], { status: 'authorized', authorizedAt: keep(payments.authorizedAt, now), updatedAt: now }))) return false;
  const payment = (await findPayment(tx, id))!;
  if (payment.kind !== 'booking') return true;
  const [booking] = await tx.select({ status: bookings.status }).from(bookings).where(eq(bookings.id, payment.bookingId));
  if (booking && ['confirmed', 'in_progress', 'completed'].includes(booking.status)) await d.queue.enqueue(tx, 'payments.capture', { paymentId: id });
  if (booking && ['declined', 'expired', 'cancelled'].includes(booking.status)) {
    await markCancelled(tx, d, id);
    await d.queue.enqueue(tx, 'payments.release', { paymentId: id });
  }
  return true;
}

/** The money was taken: the receipt goes out (the payer's `payment.succeeded`), and refunds promised while it was only authorised are sent. */
export async function markSucceeded(tx: Executor, d: StateDeps, id: string, chargeId: string | null): Promise<boolean> {
  const now = d.clock.now();
  const moved = await transition(tx, id, ['pending', 'authorized'], {
    status: 'succeeded',
    authorizedAt: keep(payments.authorizedAt, now),
    paidAt: keep(payments.paidAt, now),
    ...(chargeId ? { providerChargeId: sql`coalesce(${payments.providerChargeId}, ${chargeId})` } : {}),
    updatedAt: now,
  });
  if (!moved) {
    // Reported again, or after a refund: only fill in what is still unknown.
    if (chargeId) await transition(tx, id, PAID_STATUSES, { providerChargeId: sql`coalesce(${payments.providerChargeId}, ${chargeId})` });
    return false;
  }
  await enqueueReceipt(tx, d, id);
  for (const refundId of await pendingRefundIds(tx, id)) await d.queue.enqueue(tx, 'payments.refund', { refundId });
  return true;
}

export async function markFailed(tx: Executor, d: StateDeps, id: string, reason: string | null): Promise<boolean> {
  const now = d.clock.now();
  return transition(tx, id, ['pending'], { status: 'failed', failureReason: reason?.slice(0, 500) ?? 'The payment failed.', updatedAt: now });
}

export async function markCancelled(tx: Executor, d: StateDeps, id: string): Promise<boolean> {
  const now = d.clock.now();
  return transition(tx, id, ['pending', 'authorized'], { status: 'cancelled', cancelledAt: keep(payments.cancelledAt, now), updatedAt: now });
}

/** Applies what the provider says about an intent (after the card step, a capture or a release). */
export async function applyIntent(tx: Executor, d: StateDeps, id: string, intent: ProviderIntent): Promise<void> {
  if (intent.status === 'authorized') await markAuthorized(tx, d, id);
  else if (intent.status === 'succeeded') await markSucceeded(tx, d, id, intent.chargeId);
  else if (intent.status === 'cancelled') await markCancelled(tx, d, id);
}

/**
 * The provider says `totalMinor` of the payment has been refunded. Totals only grow; the fee given
 * back follows the cumulative rule of `splitRefund`. Returns whether anything changed.
 */
export async function recordRefundedTotal(tx: Executor, d: StateDeps, id: string, totalMinor: number): Promise<boolean> {
  const row = await lockPayment(tx, id);
  if (!row || !(PAID_STATUSES as readonly string[]).includes(row.status)) return false;
  const total = Math.min(row.amountMinor, Math.max(row.refundedMinor, totalMinor));
  if (total === row.refundedMinor) return false;
  const { feeRefundMinor } = splitRefund(row, total - row.refundedMinor);
  const now = d.clock.now();
  await tx
    .update(payments)
    .set({
      refundedMinor: total,
      feeRefundedMinor: row.feeRefundedMinor + feeRefundMinor,
      status: total === row.amountMinor ? 'refunded' : 'partially_refunded',
      refundedAt: now,
      updatedAt: now,
    })
    .where(eq(payments.id, id));
  return true;
}

/** A refund row reached its end at the provider; a success adds to the payment's refunded total and tells the payer (`payment.refunded`). */
export async function settleRefund(
  tx: Executor,
  d: StateDeps,
  refundId: string,
  outcome: { providerRefundId: string | null; status: 'pending' | 'succeeded' | 'failed' },
): Promise<boolean> {
  const now = d.clock.now();
  // The provider's id is recorded as soon as it is known, even while the refund is still pending.
  if (outcome.providerRefundId)
    await tx
      .update(refunds)
      .set({ providerRefundId: outcome.providerRefundId })
      .where(and(eq(refunds.id, refundId), sql`${refunds.providerRefundId} is null`));
  if (outcome.status === 'pending') return false;
  const moved = await tx
    .update(refunds)
    .set({ status: outcome.status, completedAt: now })
    .where(and(eq(refunds.id, refundId), eq(refunds.status, 'pending')))
    .returning({ paymentId: refunds.paymentId });
  const paymentId = moved[0]?.paymentId;
  if (!paymentId || outcome.status !== 'succeeded') return false;
  await recordRefundedTotal(tx, d, paymentId, await succeededRefundsTotal(tx, paymentId));
  await enqueueRefundMail(tx, d, refundId);
  return true;
}

/**
 * The payer's receipt: a `payment.succeeded` notification whose e-mail is the receipt. Payments are
 * reported by jobs and webhooks that may run twice; the key makes one notification of them.
 */
async function enqueueReceipt(tx: Executor, d: StateDeps, paymentId: string) {
  const payment = (await findPayment(tx, paymentId))!;
  const booking = (await findBookingForPayment(tx, payment.bookingId))!;
  const payer = await findPayer(tx, payment.payerId);
  if (!payer || payer.status !== 'active') return;
  const money = (minor: number) => formatMoney(minor, payment.currency);
  const lines =
    payment.kind === 'tip'
      ? [{ label: `Tip for ${booking.businessName}`, amount: money(payment.amountMinor) }]
      : [
          ...booking.price.lines.map((l) => ({ label: `${booking.serviceName}: ${l.label}`, amount: money(l.amountMinor) })),
          ...(booking.price.discountMinor ? [{ label: 'Discount', amount: money(-booking.price.discountMinor) }] : []),
        ];
  const total = money(payment.amountMinor);
  await d.notifier.notify(tx, {
    userId: payment.payerId,
    type: 'payment.succeeded',
    title: `Receipt for booking ${booking.number}`,
    message:
      payment.kind === 'tip'
        ? `Your tip of ${total} for ${booking.businessName} was paid. Thank you!`
        : `You paid ${total} for ${booking.serviceName} with ${booking.businessName}.`,
    data: { bookingId: payment.bookingId, paymentId: payment.id, number: booking.number, link: `/bookings/${payment.bookingId}` },
    dedupeKey: `payment-succeeded:${payment.id}`,
    mail: {
      template: 'payment-receipt',
      firstName: payer.firstName,
      businessName: booking.businessName,
      number: booking.number,
      total,
      lines,
      invoiceLink: `${d.config.publicUrl}/payments/${payment.id}/invoice`,
    },
  });
}

/** The payer hears of a refund the provider carried out (`payment.refunded`, its e-mail the refund mail), once per refund. */
async function enqueueRefundMail(tx: Executor, d: StateDeps, refundId: string) {
  const refund = (await findRefund(tx, refundId))!;
  const payment = (await findPayment(tx, refund.paymentId))!;
  const payer = await findPayer(tx, payment.payerId);
  if (!payer || payer.status !== 'active') return;
  const amount = formatMoney(refund.amountMinor, payment.currency);
  await d.notifier.notify(tx, {
    userId: payment.payerId,
    type: 'payment.refunded',
    title: `Refund for booking ${payment.bookingNumber}`,
    message: `We refunded ${amount} for booking ${payment.bookingNumber}. It reaches your account within a few days.`,
    data: { bookingId: payment.bookingId, paymentId: payment.id, refundId, number: payment.bookingNumber, link: `/bookings/${payment.bookingId}` },
    dedupeKey: `refund:${refundId}`,
    mail: {
      template: 'refund-issued',
      firstName: payer.firstName,
      number: payment.bookingNumber,
      amount,
      link: `${d.config.publicUrl}/bookings/${payment.bookingId}`,
    },
  });
}
