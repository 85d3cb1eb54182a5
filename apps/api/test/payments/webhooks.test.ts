import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { paymentEvents, payoutAccounts } from '@walkydoggy/shared/db';
import { rowsOf } from '../../src/platform/db.js';
import { createBookingPayments } from '../../src/modules/payments/payments.bookings.js';
import { paymentJobs } from '../../src/modules/payments/payments.jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import type { Marketplace } from '../support/marketplace.js';
import {
  confirm,
  intent,
  marketplace,
  newBooking,
  paymentCounts,
  paymentRow,
  notifiedMails,
  refundRows,
  setBookingStatus,
  stripeEnv,
  WEBHOOK_SECRET,
} from './fixtures.js';

let t: TestApp;
let m: Marketplace;
let fake: FakeStripe;
let accountId: string;
beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({ env: stripeEnv(fake.url) });
  m = await marketplace(t);
  accountId = (await t.app.inject({ method: 'POST', url: `/v1/businesses/${m.businessId}/payouts/onboarding`, headers: t.bearer(m.owner.accessToken) })).json()
    .data.accountId;
  fake.completeOnboarding(accountId);
  await t.app.inject({ method: 'GET', url: `/v1/businesses/${m.businessId}/payouts`, headers: t.bearer(m.owner.accessToken) });
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

const deliver = (event: unknown, opts: { secret?: string; timestamp?: number; signature?: string | null; payload?: string } = {}) => {
  const signed = fake.sign(event, opts.secret ?? WEBHOOK_SECRET, opts.timestamp ?? Math.floor(t.clock.now().getTime() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.signature !== null) headers['stripe-signature'] = opts.signature ?? signed.signature;
  return t.app.inject({ method: 'POST', url: '/v1/webhooks/stripe', headers, payload: opts.payload ?? signed.payload });
};

/** A pending booking payment at Stripe, and its intent. */
async function stripePayment(totalMinor = 2000) {
  const booking = await newBooking(t, m, { totalMinor });
  const { payment } = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).json().data;
  const pi = [...fake.intents.values()].find((i) => i.metadata.paymentId === payment.id)!;
  return { booking, paymentId: payment.id as string, pi };
}

const storedEvents = async () => (await t.db.select().from(paymentEvents)).length;
const receiptsFor = async (number: string) =>
  (await notifiedMails(t)).filter(
    (j) => (j as { template: string; number: string }).template === 'payment-receipt' && (j as { number: string }).number === number,
  );

describe('POST /v1/webhooks/stripe: verification', () => {
  it('refuses unsigned, wrongly signed, tampered and stale deliveries (400) and changes nothing', async () => {
    const { paymentId, pi } = await stripePayment();
    fake.confirmCard(pi.id);
    const event = fake.event('payment_intent.amount_capturable_updated', pi);
    const before = { counts: await paymentCounts(t), row: await paymentRow(t, paymentId) };
    const tries = [
      await deliver(event, { signature: null }),
      await deliver(event, { secret: 'whsec_someone_else' }),
      await deliver(event, { signature: 't=1,v1=deadbeef' }),
      await deliver(event, { payload: JSON.stringify({ ...event, id: 'evt_forged' }), signature: fake.sign(event, WEBHOOK_SECRET).signature }),
      await deliver(event, { timestamp: Math.floor(t.clock.now().getTime() / 1000) - 301 }),
    ];
    for (const res of tries) {
      expect(res.statusCode, `${tries.indexOf(res)} ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ success: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await paymentCounts(t)).toEqual(before.counts);
    expect(await paymentRow(t, paymentId)).toEqual(before.row);
    // Within the 300 s tolerance it is accepted.
    const fresh = await deliver(event, { timestamp: Math.floor(t.clock.now().getTime() / 1000) - 299 });
    expect(fresh.statusCode).toBe(200);
    expect((await paymentRow(t, paymentId)).status).toBe('authorized');
  });

  it('stores a signed event it cannot use, unprocessed, and acknowledges it (200) so it is not sent again', async () => {
    const { paymentId } = await stripePayment();
    const row = await paymentRow(t, paymentId);
    const pi = { id: 'pi_x', object: 'payment_intent', latest_charge: null };
    const unusable: [string, string, string][] = [
      // [why, exact body, the id it is kept under ('' = the hash of its bytes)]
      ['a type we do not handle', JSON.stringify(fake.event('customer.created', { id: 'cus_1', object: 'customer' }, 'evt_type')), 'evt_type'],
      ['data.object null', JSON.stringify(fake.event('payment_intent.succeeded', null, 'evt_null')), 'evt_null'],
      ['data missing', JSON.stringify({ ...fake.event('payment_intent.succeeded', pi, 'evt_nodata'), data: undefined }), 'evt_nodata'],
      [
        'an amount as a string',
        JSON.stringify(fake.event('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: 'pi_x', amount_refunded: '500' }, 'evt_amount')),
        'evt_amount',
      ],
      ['an object without its id', JSON.stringify(fake.event('refund.updated', { object: 'refund', amount: 5 }, 'evt_noid')), 'evt_noid'],
      ['no event id', JSON.stringify({ ...fake.event('payment_intent.succeeded', pi), id: undefined }), ''],
      ['not JSON', '{"id": "evt_broken", "type": ', ''],
      ['a NUL in a string', JSON.stringify(fake.event('payment_intent.succeeded', { ...pi, description: 'x' }, 'evt_nul')).replace('"x"', '"\\u0000"'), ''],
    ];
    for (const [why, payload, id] of unusable) {
      const signed = fake.signPayload(payload, WEBHOOK_SECRET, Math.floor(t.clock.now().getTime() / 1000));
      const send = () =>
        t.app.inject({
          method: 'POST',
          url: '/v1/webhooks/stripe',
          headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
          payload,
        });
      const res = await send();
      expect(res.statusCode, `${why}: ${res.body}`).toBe(200);
      expect(res.json().data, why).toEqual({ received: true, duplicate: false, ignored: true });
      const [stored] = await t.db
        .select()
        .from(paymentEvents)
        .where(eq(paymentEvents.id, id || `unusable_${crypto.createHash('sha256').update(payload).digest('hex').slice(0, 32)}`));
      expect(stored, why).toBeDefined();
      expect(stored!.processedAt, why).toBeNull();
      // The same delivery again is a duplicate, not a second row.
      const again = await send();
      expect(again.json().data, why).toMatchObject({ duplicate: true });
    }
    expect(await paymentRow(t, paymentId)).toEqual(row);
  });
});

describe('POST /v1/webhooks/stripe: processing', () => {
  it('stores each event by id and processes it once: a redelivery changes nothing', async () => {
    const { booking, paymentId, pi } = await stripePayment();
    fake.confirmCard(pi.id);
    fake.captureNow(pi.id);
    const event = fake.event('payment_intent.succeeded', pi);
    const first = await deliver(event);
    expect(first.json()).toEqual({ success: true, data: { received: true, duplicate: false } });
    const row = await paymentRow(t, paymentId);
    expect(row).toMatchObject({ status: 'succeeded', providerChargeId: pi.latest_charge, paidAt: expect.any(Date) });
    t.clock.advance(1000);
    const second = await deliver(event);
    expect(second.json()).toEqual({ success: true, data: { received: true, duplicate: true } });
    expect(await paymentRow(t, paymentId)).toEqual(row);
    expect(await receiptsFor(booking.number)).toHaveLength(1);
    const [stored] = await t.db.select().from(paymentEvents).where(eq(paymentEvents.id, event.id));
    expect(stored).toMatchObject({ provider: 'stripe', type: 'payment_intent.succeeded', processedAt: expect.any(Date), payload: event });
  });

  it('ends in the same state when charge.refunded arrives before payment_intent.succeeded', async () => {
    const scenario = async (order: 'succeeded-first' | 'refunded-first') => {
      const p = await stripePayment(3333);
      fake.confirmCard(p.pi.id);
      fake.captureNow(p.pi.id);
      fake.refundNow(p.pi.id, 1000); // in the Stripe dashboard
      const succeeded = fake.event('payment_intent.succeeded', p.pi);
      const refunded = fake.event('charge.refunded', fake.chargeOf(p.pi.id));
      for (const e of order === 'succeeded-first' ? [succeeded, refunded] : [refunded, succeeded]) expect((await deliver(e)).statusCode).toBe(200);
      // A late authorisation report changes nothing either.
      expect((await deliver(fake.event('payment_intent.amount_capturable_updated', { ...p.pi, status: 'requires_capture' }))).statusCode).toBe(200);
      const row = await paymentRow(t, p.paymentId);
      const refunds = await refundRows(t, p.paymentId);
      return {
        row: {
          status: row.status,
          refundedMinor: row.refundedMinor,
          feeRefundedMinor: row.feeRefundedMinor,
          chargeIsLatest: row.providerChargeId === p.pi.latest_charge,
          paid: row.paidAt !== null,
          authorized: row.authorizedAt !== null,
          refunded: row.refundedAt !== null,
        },
        refunds: refunds.map((r) => ({
          amountMinor: r.amountMinor,
          feeRefundMinor: r.feeRefundMinor,
          status: r.status,
          external: r.providerRefundId?.startsWith('re_'),
        })),
        receipts: (await receiptsFor(p.booking.number)).length,
      };
    };
    const right = await scenario('succeeded-first');
    const reversed = await scenario('refunded-first');
    expect(right).toEqual({
      row: { status: 'partially_refunded', refundedMinor: 1000, feeRefundedMinor: 149, chargeIsLatest: true, paid: true, authorized: true, refunded: true },
      refunds: [{ amountMinor: 1000, feeRefundMinor: 149, status: 'succeeded', external: true }],
      receipts: 1,
    });
    expect(reversed).toEqual(right);
  });

  it('moves a payment through authorised, failed and cancelled, never backwards', async () => {
    const a = await stripePayment();
    fake.confirmCard(a.pi.id);
    await deliver(fake.event('payment_intent.amount_capturable_updated', a.pi));
    expect((await paymentRow(t, a.paymentId)).status).toBe('authorized');
    await deliver(fake.event('payment_intent.payment_failed', { ...a.pi, status: 'requires_payment_method', last_payment_error: { message: 'Late.' } }));
    expect((await paymentRow(t, a.paymentId)).status).toBe('authorized'); // a failure cannot undo an authorisation

    const b = await stripePayment();
    fake.declineCard(b.pi.id, 'Your card has insufficient funds.');
    await deliver(fake.event('payment_intent.payment_failed', b.pi));
    expect(await paymentRow(t, b.paymentId)).toMatchObject({ status: 'failed', failureReason: 'Your card has insufficient funds.' });
    // Failed frees the booking for another attempt.
    expect((await intent(t, m.petOwner.accessToken, { bookingId: b.booking.id })).statusCode).toBe(201);

    const c = await stripePayment();
    await deliver(fake.event('payment_intent.canceled', { ...c.pi, status: 'canceled' }));
    expect(await paymentRow(t, c.paymentId)).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(Date) });
    await deliver(fake.event('payment_intent.amount_capturable_updated', { ...c.pi, status: 'requires_capture' }));
    expect((await paymentRow(t, c.paymentId)).status).toBe('cancelled');
  });

  it('captures when the authorisation arrives by webhook after the booking was confirmed', async () => {
    const p = await stripePayment();
    await setBookingStatus(t, p.booking.id, 'confirmed');
    fake.confirmCard(p.pi.id);
    await deliver(fake.event('payment_intent.amount_capturable_updated', p.pi));
    await t.drain();
    expect(await paymentRow(t, p.paymentId)).toMatchObject({ status: 'succeeded', providerChargeId: p.pi.latest_charge });
    expect(fake.sent('POST', `/v1/payment_intents/${p.pi.id}/capture`)).toHaveLength(1);
  });

  it('settles our own refund from refund.updated; the job that follows refunds nothing twice', async () => {
    const p = await stripePayment(2000);
    fake.confirmCard(p.pi.id);
    await confirm(t, m.petOwner.accessToken, p.paymentId);
    await setBookingStatus(t, p.booking.id, 'confirmed');
    await t.db.transaction((tx) => createBookingPayments(t.app.platform).apply(tx, { kind: 'confirmed', bookingId: p.booking.id }));
    await t.drain();
    await t.db.transaction((tx) =>
      createBookingPayments(t.app.platform).apply(tx, { kind: 'refund', bookingId: p.booking.id, percent: 50, reason: 'Policy.', actorId: null }),
    );
    const [ours] = await refundRows(t, p.paymentId);
    // The job's call reached Stripe, and Stripe's webhook overtakes the job's own bookkeeping.
    const stripeRefund = await t.app.platform.payments.refund({
      intentId: p.pi.id,
      amountMinor: 1000,
      metadata: { refundId: ours!.id, paymentId: p.paymentId, bookingNumber: p.booking.number },
      idempotencyKey: `refund:${ours!.id}`,
    });
    await deliver(fake.event('refund.updated', fake.refunds.get(stripeRefund.id)));
    expect(await refundRows(t, p.paymentId)).toEqual([expect.objectContaining({ id: ours!.id, status: 'succeeded', providerRefundId: stripeRefund.id })]);
    expect(await paymentRow(t, p.paymentId)).toMatchObject({ status: 'partially_refunded', refundedMinor: 1000, feeRefundedMinor: 150 });
    await paymentJobs(t.app.platform).refund({ refundId: ours!.id });
    await t.drain();
    expect(fake.chargeOf(p.pi.id).amount_refunded).toBe(1000);
    expect((await paymentRow(t, p.paymentId)).refundedMinor).toBe(1000);
    // The payer hears of the refund once, however many reported it.
    expect((await notifiedMails(t)).filter((j) => j.template === 'refund-issued' && j.number === p.booking.number)).toHaveLength(1);
  });

  it('keeps the payouts account flags from account.updated', async () => {
    const account = { ...fake.accounts.get(accountId)!, charges_enabled: false, payouts_enabled: false };
    await deliver(fake.event('account.updated', account));
    const [row] = await t.db.select().from(payoutAccounts).where(eq(payoutAccounts.accountId, accountId));
    expect(row).toMatchObject({ chargesEnabled: false, payoutsEnabled: false, detailsSubmitted: true });
    // Charges are refused while the account cannot take them.
    expect((await intent(t, m.petOwner.accessToken, { bookingId: (await newBooking(t, m)).id })).statusCode).toBe(409);
    await deliver(fake.event('account.updated', fake.accounts.get(accountId)));
    expect((await intent(t, m.petOwner.accessToken, { bookingId: (await newBooking(t, m)).id })).statusCode).toBe(201);
  });

  it('stores events about payments that are not ours and changes nothing', async () => {
    const before = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from payments where status = 'succeeded'`))[0]!.n;
    const events = await storedEvents();
    const res = await deliver(
      fake.event('payment_intent.succeeded', { id: 'pi_not_ours', object: 'payment_intent', status: 'succeeded', latest_charge: null }),
    );
    expect(res.statusCode).toBe(200);
    expect(await storedEvents()).toBe(events + 1);
    expect(rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from payments where status = 'succeeded'`))[0]!.n).toBe(before);
  });
});
