import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBookingPayments } from '../../src/modules/payments/payments.bookings.js';
import { paymentJobs } from '../../src/modules/payments/payments.jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import type { Marketplace } from '../support/marketplace.js';
import { confirm, intent, marketplace, newBooking, paymentCounts, paymentRow, refundRows, setBookingStatus, stripeEnv } from './fixtures.js';

/** The Stripe adapter through the API, with the real SDK talking to the local fake Stripe. */
let t: TestApp;
let m: Marketplace;
let fake: FakeStripe;
let accountId: string;
beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({ env: stripeEnv(fake.url) });
  m = await marketplace(t);
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

const jobs = () => paymentJobs(t.app.platform);
const apply = (event: Parameters<ReturnType<typeof createBookingPayments>['apply']>[1]) =>
  t.db.transaction((tx) => createBookingPayments(t.app.platform).apply(tx, event));

describe('Stripe provider', () => {
  it('tells the web app to use Stripe with the publishable key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/config' });
    expect(res.json().data.payments).toEqual({ provider: 'stripe', publishableKey: 'pk_test_fake' });
  });

  it('refuses to charge for a business without a payouts account (409), asking Stripe nothing', async () => {
    const booking = await newBooking(t, m);
    const before = await paymentCounts(t);
    const res = await intent(t, m.petOwner.accessToken, { bookingId: booking.id });
    expect(res.statusCode).toBe(409);
    expect(fake.sent('POST', '/v1/payment_intents')).toEqual([]);
    expect(await paymentCounts(t)).toEqual(before);
  });

  it('onboards the business: one Express account, then an account link each time', async () => {
    const url = `/v1/businesses/${m.businessId}/payouts/onboarding`;
    const first = await t.app.inject({ method: 'POST', url, headers: t.bearer(m.owner.accessToken) });
    expect(first.statusCode).toBe(200);
    accountId = first.json().data.accountId;
    expect(first.json().data).toEqual({
      url: expect.stringMatching(/^https:\/\/connect\.stripe\.test\/setup\//),
      accountId: expect.stringMatching(/^acct_/),
      provider: 'stripe',
    });
    const second = await t.app.inject({ method: 'POST', url, headers: t.bearer(m.owner.accessToken) });
    expect(second.json().data.accountId).toBe(accountId);

    const created = fake.sent('POST', '/v1/accounts');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      idempotencyKey: `account:stripe:${m.businessId}`,
      body: {
        type: 'express',
        country: 'DE',
        email: 'hello@happypaws.example',
        capabilities: { card_payments: { requested: 'true' }, transfers: { requested: 'true' } },
        metadata: { businessId: m.businessId },
      },
    });
    const links = fake.sent('POST', '/v1/account_links');
    expect(links).toHaveLength(2);
    expect(links[0]!.body).toEqual({
      account: accountId,
      type: 'account_onboarding',
      return_url: `http://walkydoggy.test/business/payouts?businessId=${m.businessId}&onboarding=done`,
      refresh_url: `http://walkydoggy.test/business/payouts?businessId=${m.businessId}&onboarding=refresh`,
    });

    // The simulated form is not there with Stripe.
    const simulated = await t.app.inject({
      method: 'POST',
      url: `/v1/businesses/${m.businessId}/payouts/simulated-complete`,
      headers: t.bearer(m.owner.accessToken),
    });
    expect(simulated.statusCode).toBe(404);

    // Until it is finished, reading the account asks Stripe (webhooks may not reach a dev machine).
    const status = () => t.app.inject({ method: 'GET', url: `/v1/businesses/${m.businessId}/payouts`, headers: t.bearer(m.owner.accessToken) });
    expect((await status()).json().data).toEqual({ accountId, chargesEnabled: false, payoutsEnabled: false, detailsSubmitted: false });
    fake.completeOnboarding(accountId);
    expect((await status()).json().data).toEqual({ accountId, chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true });
    const reads = fake.sent('GET', `/v1/accounts/${accountId}`).length;
    await status();
    expect(fake.sent('GET', `/v1/accounts/${accountId}`)).toHaveLength(reads); // finished: our row is enough
  });

  it('creates a destination charge with manual capture and the platform fee, under an idempotency key', async () => {
    const booking = await newBooking(t, m, { totalMinor: 2000 });
    const res = await intent(t, m.petOwner.accessToken, { bookingId: booking.id });
    expect(res.statusCode).toBe(201);
    const { payment, clientSecret, testMode } = res.json().data;
    const [sent] = fake.sent('POST', '/v1/payment_intents').slice(-1);
    expect(sent).toMatchObject({
      idempotencyKey: `intent:${payment.id}`,
      body: {
        amount: '2000',
        currency: 'eur',
        capture_method: 'manual',
        application_fee_amount: '300',
        transfer_data: { destination: accountId },
        metadata: { paymentId: payment.id, bookingId: booking.id, bookingNumber: booking.number, kind: 'booking' },
      },
    });
    const pi = [...fake.intents.values()].find((i) => i.metadata.paymentId === payment.id)!;
    expect(clientSecret).toBe(pi.client_secret);
    expect(testMode).toBe(true);
    expect(payment).toMatchObject({ provider: 'stripe', status: 'pending', platformFeeMinor: 300, businessPayoutMinor: 1700 });
    expect((await paymentRow(t, payment.id)).destinationAccount).toBe(accountId);
  });

  it('reads the card step back from Stripe, captures with a key per operation, and a repeated call gets the first answer', async () => {
    const booking = await newBooking(t, m, { totalMinor: 2000 });
    const { payment } = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).json().data;
    const pi = [...fake.intents.values()].find((i) => i.metadata.paymentId === payment.id)!;
    // Not confirmed in the browser yet: still pending.
    expect((await confirm(t, m.petOwner.accessToken, payment.id)).json().data.status).toBe('pending');
    fake.confirmCard(pi.id);
    expect((await confirm(t, m.petOwner.accessToken, payment.id)).json().data.status).toBe('authorized');

    await setBookingStatus(t, booking.id, 'confirmed');
    await apply({ kind: 'confirmed', bookingId: booking.id });
    await t.drain();
    const captures = fake.sent('POST', `/v1/payment_intents/${pi.id}/capture`);
    expect(captures).toEqual([expect.objectContaining({ idempotencyKey: `capture:${payment.id}`, replayed: false })]);
    const row = await paymentRow(t, payment.id);
    expect(row).toMatchObject({ status: 'succeeded', providerChargeId: pi.latest_charge });

    // The provider call of a job that ran twice: same key, Stripe's first answer, nothing captured twice.
    const again = await t.app.platform.payments.capture({ intentId: pi.id, captureMethod: 'manual' }, `capture:${payment.id}`);
    expect(again).toMatchObject({ id: pi.id, status: 'succeeded', chargeId: pi.latest_charge });
    expect(fake.sent('POST', `/v1/payment_intents/${pi.id}/capture`).map((r) => r.replayed)).toEqual([false, true]);
    await jobs().capture({ paymentId: payment.id });
    expect(await paymentRow(t, payment.id)).toEqual(row);

    // A refund: the fee back in proportion and the transfer reversed, keyed by our refund's id.
    await apply({ kind: 'refund', bookingId: booking.id, percent: 50, reason: 'Cancelled 20 h before.', actorId: m.petOwner.id });
    const [refund] = await refundRows(t, payment.id);
    await t.drain();
    expect(fake.sent('POST', '/v1/refunds')).toEqual([
      expect.objectContaining({
        idempotencyKey: `refund:${refund!.id}`,
        body: {
          payment_intent: pi.id,
          amount: '1000',
          refund_application_fee: 'true',
          reverse_transfer: 'true',
          metadata: { refundId: refund!.id, paymentId: payment.id, bookingNumber: booking.number },
        },
      }),
    ]);
    expect(await refundRows(t, payment.id)).toEqual([expect.objectContaining({ status: 'succeeded', providerRefundId: expect.stringMatching(/^re_/) })]);
    expect(await paymentRow(t, payment.id)).toMatchObject({ status: 'partially_refunded', refundedMinor: 1000, feeRefundedMinor: 150 });
    await jobs().refund({ refundId: refund!.id });
    expect(fake.sent('POST', '/v1/refunds')).toHaveLength(1);
  });

  it('releases an authorisation with a cancel under its own key', async () => {
    const booking = await newBooking(t, m);
    const { payment } = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).json().data;
    const pi = [...fake.intents.values()].find((i) => i.metadata.paymentId === payment.id)!;
    fake.confirmCard(pi.id);
    await confirm(t, m.petOwner.accessToken, payment.id);
    await apply({ kind: 'released', bookingId: booking.id, reason: 'Declined.' });
    await t.drain();
    await jobs().release({ paymentId: payment.id });
    expect(fake.sent('POST', `/v1/payment_intents/${pi.id}/cancel`)).toEqual([
      expect.objectContaining({ idempotencyKey: `release:${payment.id}`, replayed: false }),
      expect.objectContaining({ idempotencyKey: `release:${payment.id}`, replayed: true }),
    ]);
    expect(pi.status).toBe('canceled');
    expect((await paymentRow(t, payment.id)).status).toBe('cancelled');
  });

  it('refunds in full when a release finds the money captured meanwhile', async () => {
    const booking = await newBooking(t, m);
    const { payment } = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).json().data;
    const pi = [...fake.intents.values()].find((i) => i.metadata.paymentId === payment.id)!;
    fake.confirmCard(pi.id);
    await confirm(t, m.petOwner.accessToken, payment.id);
    fake.captureNow(pi.id); // a capture whose answer never reached us
    await apply({ kind: 'released', bookingId: booking.id, reason: 'Expired.' });
    await t.drain();
    expect(await paymentRow(t, payment.id)).toMatchObject({
      status: 'refunded',
      refundedMinor: 2000,
      feeRefundedMinor: 300,
      providerChargeId: pi.latest_charge,
    });
    expect(fake.chargeOf(pi.id).amount_refunded).toBe(2000);
  });

  it('charges a tip at once, all to the business', async () => {
    const booking = await newBooking(t, m, { status: 'completed' });
    const { payment } = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id, kind: 'tip', amountMinor: 700 })).json().data;
    const [sent] = fake.sent('POST', '/v1/payment_intents').slice(-1);
    expect(sent!.body).toMatchObject({ amount: '700', capture_method: 'automatic', transfer_data: { destination: accountId } });
    expect(sent!.body).not.toHaveProperty('application_fee_amount');
    const pi = [...fake.intents.values()].find((i) => i.metadata.paymentId === payment.id)!;
    fake.confirmCard(pi.id);
    expect((await confirm(t, m.petOwner.accessToken, payment.id)).json().data.status).toBe('succeeded');
  });

  it('answers 503 when Stripe refuses, and writes nothing', async () => {
    const booking = await newBooking(t, m);
    const before = await paymentCounts(t);
    fake.failNext(/^POST \/v1\/payment_intents$/, 400, { type: 'invalid_request_error', message: 'Your account cannot currently make live charges.' });
    const res = await intent(t, m.petOwner.accessToken, { bookingId: booking.id });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toEqual({ code: 'SERVICE_UNAVAILABLE', message: 'The payment provider did not accept the request. Try again shortly.' });
    expect(await paymentCounts(t)).toEqual(before);
    // The next attempt works: nothing was left behind to conflict with.
    expect((await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).statusCode).toBe(201);
  });
});
