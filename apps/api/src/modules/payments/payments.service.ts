import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { payments } from '@walkydoggy/shared/db';
import { splitFee, type CreateIntentInput, type IntentResponse, type ListPaymentsQuery, type Payment, type RefundBody } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { audit, type RequestMeta } from '../../platform/audit.js';
import { AppError, Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import { idempotent, type Idempotent } from '../../platform/idempotency.js';
import type { IntentRef } from '../../platform/payments/provider.js';
import { toPage } from '../businesses/pagination.js';
import * as q from './payments.queries.js';
import { createRefund, refundableOf } from './payments.refunds.js';
import { applyIntent } from './payments.state.js';
import { paymentView, paymentViews } from './payments.view.js';

export type PaymentsDeps = Pick<Platform, 'db' | 'queue' | 'clock' | 'config' | 'notifier' | 'settings' | 'payments'>;

/** The provider's intent of a payment row: bookings are captured later, tips at once. */
export const refOf = (row: Pick<q.PaymentRow, 'providerIntentId' | 'kind'>): IntentRef => ({
  intentId: row.providerIntentId!,
  captureMethod: row.kind === 'booking' ? 'manual' : 'automatic',
});

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === '23505' || e.cause?.code === '23505';
}

/** A provider that fails or cannot be reached is a 503 for the caller; the details go to the log. */
export async function viaProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw Object.assign(new AppError(503, 'SERVICE_UNAVAILABLE', 'The payment provider did not accept the request. Try again shortly.'), { cause: err });
  }
}

export function createPaymentsService(p: PaymentsDeps) {
  /**
   * A payment intent for a booking's total (authorised now, captured when the business confirms)
   * or a tip after completion. The amount of a booking comes from the booking, never the client.
   */
  async function createIntent(actor: Actor, body: CreateIntentInput, key: string | undefined): Promise<Idempotent<IntentResponse>> {
    return idempotent(p.db, { userId: actor.id, scope: 'payments.intent', key, body, statusCode: 201 }, async (tx) => {
      const booking = await q.findBookingForPayment(tx, body.bookingId);
      if (!booking || booking.ownerId !== actor.id) throw new NotFound('Booking');
      const tip = body.kind === 'tip';
      if (tip && booking.status !== 'completed') throw new Conflict('A tip can be given once the booking is completed.');
      if (!tip && booking.status !== 'pending') throw new Conflict(`This booking is ${booking.status.replace('_', ' ')}: it cannot be paid now.`);
      if (!tip && booking.totalMinor <= 0) throw new Conflict('This booking is free: there is nothing to pay.');
      if (!tip && (await q.livePaymentOf(tx, booking.id))) throw new Conflict('This booking already has a payment.');

      const settings = await p.settings.get(tx);
      const bps = tip ? 0 : booking.businessPremium ? settings.platformFeeBpsPremium : settings.platformFeeBpsStandard;
      const amountMinor = tip ? body.amountMinor! : booking.totalMinor;
      const { feeMinor, payoutMinor } = splitFee(amountMinor, bps);
      // An account opened with another provider (the configuration changed) cannot receive this one's transfers.
      const stored = await q.findPayoutAccount(tx, booking.businessId);
      const account = stored?.provider === p.payments.name ? stored : undefined;
      if (p.payments.requiresPayoutAccount && !account?.chargesEnabled) throw new Conflict(`${booking.businessName} cannot take card payments yet.`);

      const id = crypto.randomUUID();
      const now = p.clock.now();
      try {
        await tx.insert(payments).values({
          id,
          bookingId: booking.id,
          payerId: actor.id,
          businessId: booking.businessId,
          kind: body.kind,
          provider: p.payments.name,
          amountMinor,
          currency: booking.currency,
          platformFeeMinor: feeMinor,
          businessPayoutMinor: payoutMinor,
          destinationAccount: account?.accountId ?? null,
          createdAt: now,
          updatedAt: now,
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict('This booking already has a payment.');
        throw err;
      }
      const intent = await viaProvider(() =>
        p.payments.createIntent({
          amountMinor,
          currency: booking.currency,
          captureMethod: tip ? 'automatic' : 'manual',
          applicationFeeMinor: feeMinor,
          destinationAccount: account?.accountId ?? null,
          description: `${tip ? 'Tip' : 'Booking'} ${booking.number}: ${booking.serviceName} with ${booking.businessName}`,
          metadata: { paymentId: id, bookingId: booking.id, bookingNumber: booking.number, kind: body.kind },
          idempotencyKey: `intent:${id}`,
        }),
      );
      await tx.update(payments).set({ providerIntentId: intent.id }).where(eq(payments.id, id));
      const row = (await q.findPayment(tx, id))!;
      return { payment: await paymentView(tx, row), clientSecret: intent.clientSecret, testMode: p.payments.testMode };
    });
  }

  /**
   * The card step. Simulated: the test confirmation. Stripe: the browser confirmed the card with
   * Stripe.js, so the intent is read back (its webhook may not have arrived yet).
   */
  async function confirm(actor: Actor, paymentId: string): Promise<Payment> {
    const row = await q.findPayment(p.db, paymentId);
    if (!row || row.payerId !== actor.id) throw new NotFound('Payment');
    if (row.status === 'failed' || row.status === 'cancelled') throw new Conflict(`This payment was ${row.status}: start a new one.`);
    if (row.status === 'pending') {
      const booking = (await q.findBookingForPayment(p.db, row.bookingId))!;
      if (row.kind === 'booking' && booking.status !== 'pending')
        throw new Conflict(`This booking is ${booking.status.replace('_', ' ')}: it cannot be paid now.`);
      if (!row.providerIntentId) throw new Conflict('This payment is still being set up; try again shortly.');
      const intent = await viaProvider(() => p.payments.confirmIntent(refOf(row)));
      await p.db.transaction((tx) => applyIntent(tx, p, row.id, intent));
    }
    return paymentView(p.db, (await q.findPayment(p.db, paymentId))!);
  }

  async function list(actor: Actor, query: ListPaymentsQuery) {
    const rows = await q.listPayments(p.db, actor, query);
    const { items, nextCursor } = toPage(rows, query.limit);
    return { data: await paymentViews(p.db, items), meta: { limit: query.limit, nextCursor } };
  }

  async function get(actor: Actor, id: string): Promise<Payment> {
    const row = await q.findPayment(p.db, id, actor);
    if (!row) throw new NotFound('Payment');
    return paymentView(p.db, row);
  }

  /**
   * A refund outside the cancellation policy: an admin's override, or the business's goodwill. Up to
   * what remains; without an amount, everything that remains.
   */
  async function refund(actor: Actor, id: string, body: RefundBody, meta: RequestMeta): Promise<Payment> {
    return p.db.transaction(async (tx) => {
      const visible = await q.findPayment(tx, id, actor);
      if (!visible) throw new NotFound('Payment');
      const ownsBusiness = await q.ownsBusiness(tx, visible.businessId, actor.id);
      if (actor.role !== 'admin' && !ownsBusiness) throw new Forbidden('Only the business or an administrator can refund a payment.');
      const payment = (await q.lockPayment(tx, id))!;
      if (!(q.PAID_STATUSES as readonly string[]).includes(payment.status)) throw new Conflict('Only a paid payment can be refunded.');
      const { remainingMinor } = await refundableOf(tx, payment);
      if (remainingMinor === 0) throw new Conflict('This payment has been refunded in full already.');
      if (body.amountMinor !== undefined && body.amountMinor > remainingMinor)
        throw ValidationFailed.field('body.amountMinor', `At most ${remainingMinor} can still be refunded.`, 'too_big');
      const amountMinor = body.amountMinor ?? remainingMinor;
      const created = await createRefund(tx, p, id, { amountMinor, reason: body.reason, requestedBy: actor.id });
      await audit(tx, {
        actorId: actor.id,
        action: 'payment.refund',
        targetType: 'payment',
        targetId: id,
        ...meta,
        details: { refundId: created?.id, amountMinor, reason: body.reason, as: ownsBusiness ? 'business' : 'admin' },
      });
      return paymentView(tx, (await q.findPayment(tx, id))!);
    });
  }

  return { createIntent, confirm, list, get, refund };
}
export type PaymentsService = ReturnType<typeof createPaymentsService>;
