import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { paymentEvents, refunds } from '@walkydoggy/shared/db';
import { splitRefund } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Executor } from '../../platform/db.js';
import { BadRequest } from '../../platform/errors.js';
import { WebhookRejected, type ProviderEvent } from '../../platform/payments/provider.js';
import { saveAccountFlags } from './payments.payouts.js';
import { findPaymentByIntent, lockPayment, succeededRefundsTotal } from './payments.queries.js';
import { refundableOf } from './payments.refunds.js';
import { markAuthorized, markCancelled, markFailed, markSucceeded, recordRefundedTotal, settleRefund, type StateDeps } from './payments.state.js';

type Deps = StateDeps & Pick<Platform, 'db' | 'payments'>;

const refundStatus = (s: string): 'pending' | 'succeeded' | 'failed' =>
  s === 'succeeded' ? 'succeeded' : s === 'failed' || s === 'canceled' ? 'failed' : 'pending';

/**
 * A refund the provider reports: ours (named in its metadata, or by its id once we stored it) is
 * settled; one made elsewhere (the provider's dashboard) is recorded, so the refunds add up.
 */
async function reportedRefund(tx: Executor, d: Deps, paymentId: string, r: { id: string; amountMinor: number; status: string; refundId: string | null }) {
  const status = refundStatus(r.status);
  const [ours] = await tx
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), r.refundId ? eq(refunds.id, r.refundId) : eq(refunds.providerRefundId, r.id)));
  if (ours) return settleRefund(tx, d, ours.id, { providerRefundId: r.id, status });
  const payment = (await lockPayment(tx, paymentId))!;
  const { remainingMinor, reserved } = await refundableOf(tx, payment);
  const already = Math.max(reserved.amountMinor, payment.refundedMinor);
  const amountMinor = Math.min(r.amountMinor, remainingMinor);
  if (amountMinor <= 0) return false;
  const { feeRefundMinor } = splitRefund(
    { ...payment, refundedMinor: already, feeRefundedMinor: Math.min(payment.platformFeeMinor, Math.max(reserved.feeMinor, payment.feeRefundedMinor)) },
    amountMinor,
  );
  const now = d.clock.now();
  await tx.insert(refunds).values({
    paymentId,
    amountMinor,
    feeRefundMinor,
    reason: 'Refunded at the payment provider.',
    status,
    providerRefundId: r.id,
    createdAt: now,
    completedAt: status === 'pending' ? null : now,
  });
  if (status === 'succeeded') await recordRefundedTotal(tx, d, paymentId, await succeededRefundsTotal(tx, paymentId));
  return true;
}

/** What one verified event means for our rows; every step is a monotonic state change, so order does not matter. */
export async function applyEvent(tx: Executor, d: Deps, event: ProviderEvent): Promise<void> {
  switch (event.type) {
    case 'payment_intent.amount_capturable_updated':
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const payment = await findPaymentByIntent(tx, event.intent.id);
      if (!payment) return;
      if (event.type === 'payment_intent.amount_capturable_updated') await markAuthorized(tx, d, payment.id);
      else if (event.type === 'payment_intent.succeeded') await markSucceeded(tx, d, payment.id, event.intent.chargeId);
      else if (event.type === 'payment_intent.payment_failed') await markFailed(tx, d, payment.id, event.intent.failureReason);
      else await markCancelled(tx, d, payment.id);
      return;
    }
    case 'charge.refunded': {
      const payment = event.charge.intentId ? await findPaymentByIntent(tx, event.charge.intentId) : undefined;
      if (!payment) return;
      // A refunded charge was captured: this may arrive before payment_intent.succeeded.
      await markSucceeded(tx, d, payment.id, event.charge.id);
      for (const r of event.charge.refunds) await reportedRefund(tx, d, payment.id, r);
      await recordRefundedTotal(tx, d, payment.id, event.charge.amountRefundedMinor);
      return;
    }
    case 'refund.updated': {
      const payment = event.refund.intentId ? await findPaymentByIntent(tx, event.refund.intentId) : undefined;
      if (!payment) return;
      if (refundStatus(event.refund.status) === 'succeeded') await markSucceeded(tx, d, payment.id, null);
      await reportedRefund(tx, d, payment.id, event.refund);
      return;
    }
    case 'account.updated':
      await saveAccountFlags(tx, event.account, d.clock.now());
      return;
  }
}

/**
 * `POST /webhooks/stripe`. The signature covers the exact bytes Stripe sent, so this plugin (and
 * only it) keeps JSON bodies raw. An event is stored by its id and processed in the same
 * transaction: a redelivery finds it stored and changes nothing. A signed event we cannot use is
 * stored unprocessed and acknowledged (2xx), so the provider stops retrying; only an unsigned or
 * stale one is refused (400).
 */
export function webhooksPlugin(p: Deps): FastifyPluginAsync {
  return async (app) => {
    const parse = p.payments.parseWebhook;
    if (!parse) return; // the simulated provider sends no webhooks
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    app.post(
      '/webhooks/stripe',
      {
        config: { rateLimit: false },
        schema: { tags: ['payments'], operationId: 'stripeWebhook', summary: 'Stripe events, verified by their Stripe-Signature header' },
      },
      async (request) => {
        const raw = request.body;
        if (!Buffer.isBuffer(raw)) throw new BadRequest('Send the event as application/json.');
        const header = request.headers['stripe-signature'];
        let verified: ReturnType<typeof parse>;
        try {
          verified = parse(raw, Array.isArray(header) ? header[0] : header, p.clock.now());
        } catch (err) {
          if (err instanceof WebhookRejected) throw new BadRequest(err.message);
          throw err;
        }
        const { id, type, event, payload, problem } = verified;
        const duplicate = await p.db.transaction(async (tx) => {
          const stored = await tx
            .insert(paymentEvents)
            .values({ id, provider: p.payments.name, type, payload, receivedAt: p.clock.now() })
            .onConflictDoNothing()
            .returning({ id: paymentEvents.id });
          if (!stored.length) return true;
          // Kept unprocessed (processed_at null) for someone to look at; acknowledged so it is not sent again.
          if (!event) return false;
          await applyEvent(tx, p, event);
          await tx.update(paymentEvents).set({ processedAt: p.clock.now() }).where(eq(paymentEvents.id, id));
          return false;
        });
        if (problem && !duplicate) request.log.warn({ eventId: id, type, problem }, 'unusable webhook event stored, not processed');
        return { success: true as const, data: { received: true, duplicate, ...(problem ? { ignored: true } : {}) } };
      },
    );
  };
}
