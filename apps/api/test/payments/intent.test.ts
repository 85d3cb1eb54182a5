import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markAuthorized } from '../../src/modules/payments/payments.state.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import { confirm, intent, marketplace, newBooking, paymentCounts, paymentRow, notifiedMails, queued, setBookingStatus, setPremium } from './fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
});
afterAll(() => t.close());

describe('POST /v1/payments/intent (booking)', () => {
  it("creates a pending payment of the booking's total with the standard 15 % fee, in test mode", async () => {
    const booking = await newBooking(t, m, { totalMinor: 3333 });
    const res = await intent(t, m.petOwner.accessToken, { bookingId: booking.id });
    expect(res.statusCode).toBe(201);
    expect(res.json().data).toEqual({
      payment: {
        id: expect.any(String),
        bookingId: booking.id,
        bookingNumber: booking.number,
        kind: 'booking',
        provider: 'simulated',
        status: 'pending',
        amountMinor: 3333,
        currency: 'EUR',
        platformFeeMinor: 499, // floor(3333 × 0.15)
        businessPayoutMinor: 2834,
        refundedMinor: 0,
        refundableMinor: 0, // nothing taken yet
        authorizedAt: null,
        paidAt: null,
        refundedAt: null,
        createdAt: expect.any(String),
        refunds: [],
      },
      clientSecret: null,
      testMode: true,
    });
    const row = await paymentRow(t, res.json().data.payment.id);
    expect(row).toMatchObject({ payerId: m.petOwner.id, businessId: m.businessId, providerIntentId: expect.stringMatching(/^sim_pi_/) });
  });

  it('takes 10 % from a premium business, and follows the platform settings', async () => {
    await setPremium(t, m.businessId, true);
    const premium = await newBooking(t, m, { totalMinor: 2000 });
    const res = await intent(t, m.petOwner.accessToken, { bookingId: premium.id });
    expect(res.json().data.payment).toMatchObject({ amountMinor: 2000, platformFeeMinor: 200, businessPayoutMinor: 1800 });
    await setPremium(t, m.businessId, false);

    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/admin/settings',
      headers: t.bearer(m.admin.accessToken),
      payload: { platformFeeBpsStandard: 2000 },
    });
    expect(changed.statusCode).toBe(200);
    t.clock.advance(10_000); // past the settings cache
    const standard = await newBooking(t, m, { totalMinor: 2000 });
    const res2 = await intent(t, m.petOwner.accessToken, { bookingId: standard.id });
    expect(res2.json().data.payment).toMatchObject({ platformFeeMinor: 400, businessPayoutMinor: 1600 });
    await t.app.inject({ method: 'PUT', url: '/v1/admin/settings', headers: t.bearer(m.admin.accessToken), payload: { platformFeeBpsStandard: 1500 } });
    t.clock.advance(10_000);
  });

  it('never takes the amount of a booking from the client', async () => {
    const booking = await newBooking(t, m);
    const before = await paymentCounts(t);
    const res = await intent(t, m.petOwner.accessToken, { bookingId: booking.id, amountMinor: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([expect.objectContaining({ path: 'body.amountMinor' })]);
    expect(await paymentCounts(t)).toEqual(before);
  });

  it("is the booking owner's only: others get 404, anonymous 401, and nothing is written", async () => {
    const booking = await newBooking(t, m);
    const before = await paymentCounts(t);
    for (const caller of [m.owner, m.otherOwner, m.worker, m.admin]) {
      const res = await intent(t, caller.accessToken, { bookingId: booking.id });
      expect(res.statusCode, res.body).toBe(404);
    }
    const anonymous = await t.app.inject({ method: 'POST', url: '/v1/payments/intent', payload: { bookingId: booking.id } });
    expect(anonymous.statusCode).toBe(401);
    expect(await paymentCounts(t)).toEqual(before);
  });

  it('refuses a booking that is not pending, is free, or already has a live payment (409)', async () => {
    const confirmed = await newBooking(t, m, { status: 'confirmed' });
    expect((await intent(t, m.petOwner.accessToken, { bookingId: confirmed.id })).statusCode).toBe(409);
    const free = await newBooking(t, m, { totalMinor: 0 });
    expect((await intent(t, m.petOwner.accessToken, { bookingId: free.id })).statusCode).toBe(409);

    const booking = await newBooking(t, m);
    expect((await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).statusCode).toBe(201);
    const before = await paymentCounts(t);
    const again = await intent(t, m.petOwner.accessToken, { bookingId: booking.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');
    expect(await paymentCounts(t)).toEqual(before);
  });

  it('gives one live payment when two requests race (the unique index decides)', async () => {
    const booking = await newBooking(t, m);
    const results = await Promise.all([
      intent(t, m.petOwner.accessToken, { bookingId: booking.id }, { 'idempotency-key': 'race-a' }),
      intent(t, m.petOwner.accessToken, { bookingId: booking.id }, { 'idempotency-key': 'race-b' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });

  it('replays the first answer for the same Idempotency-Key and refuses another body under it', async () => {
    const booking = await newBooking(t, m);
    const other = await newBooking(t, m);
    const headers = { 'idempotency-key': 'pay-once-1' };
    const first = await intent(t, m.petOwner.accessToken, { bookingId: booking.id }, headers);
    const second = await intent(t, m.petOwner.accessToken, { bookingId: booking.id }, headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const different = await intent(t, m.petOwner.accessToken, { bookingId: other.id }, headers);
    expect(different.statusCode).toBe(422);
  });
});

describe('POST /v1/payments/confirm', () => {
  it('authorises a booking payment once; confirming again changes nothing', async () => {
    const booking = await newBooking(t, m);
    const id = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).json().data.payment.id;
    const res = await confirm(t, m.petOwner.accessToken, id);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ id, status: 'authorized', authorizedAt: expect.any(String), paidAt: null });
    const again = await confirm(t, m.petOwner.accessToken, id);
    expect(again.json().data).toEqual(res.json().data);
    // Nothing captured and nothing mailed before the business confirms.
    expect(await queued(t, 'payments.capture')).toEqual([]);
    expect((await notifiedMails(t)).filter((j) => j.template === 'payment-receipt' && j.number === booking.number)).toEqual([]);
  });

  it("is the payer's only (404), and refuses once the booking is no longer pending (409)", async () => {
    const booking = await newBooking(t, m);
    const id = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).json().data.payment.id;
    for (const caller of [m.owner, m.admin, m.otherOwner]) expect((await confirm(t, caller.accessToken, id)).statusCode).toBe(404);
    await setBookingStatus(t, booking.id, 'declined');
    expect((await confirm(t, m.petOwner.accessToken, id)).statusCode).toBe(409);
    expect((await paymentRow(t, id)).status).toBe('pending');
  });

  it('does not lose a capture that came before the authorisation', async () => {
    const booking = await newBooking(t, m);
    const id = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id })).json().data.payment.id;
    // A capture job that runs while the payment is only pending finds nothing to capture...
    await t.db.transaction((tx) => t.app.platform.queue.enqueue(tx, 'payments.capture', { paymentId: id }));
    await t.drain();
    expect((await paymentRow(t, id)).status).toBe('pending');
    // ...so an authorisation reported after the confirmation (a webhook) enqueues the capture itself.
    await setBookingStatus(t, booking.id, 'confirmed');
    await t.db.transaction((tx) => markAuthorized(tx, t.app.platform, id));
    expect(await queued(t, 'payments.capture')).toEqual([{ paymentId: id }]);
    await t.drain();
    expect((await paymentRow(t, id)).status).toBe('succeeded');
  });
});

describe('tips', () => {
  it('charges a completed booking at once with no fee, and mails a receipt', async () => {
    const booking = await newBooking(t, m, { status: 'completed' });
    const res = await intent(t, m.petOwner.accessToken, { bookingId: booking.id, kind: 'tip', amountMinor: 500 });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.payment).toMatchObject({ kind: 'tip', amountMinor: 500, platformFeeMinor: 0, businessPayoutMinor: 500, status: 'pending' });
    const paid = await confirm(t, m.petOwner.accessToken, res.json().data.payment.id);
    expect(paid.json().data).toMatchObject({ status: 'succeeded', paidAt: expect.any(String) });
    // The text of the mail is the mail module's; what payments owes it is the typed payload.
    expect((await notifiedMails(t)).filter((j) => j.template === 'payment-receipt' && j.number === booking.number)).toEqual([
      {
        to: m.petOwner.email,
        template: 'payment-receipt',
        firstName: m.petOwner.firstName,
        businessName: 'Happy Paws Berlin',
        number: booking.number,
        total: '€5.00',
        lines: [{ label: 'Tip for Happy Paws Berlin', amount: '€5.00' }],
        invoiceLink: `http://walkydoggy.test/payments/${res.json().data.payment.id}/invoice`,
      },
    ]);
    // A second tip is another payment: tips are not limited to one.
    expect((await intent(t, m.petOwner.accessToken, { bookingId: booking.id, kind: 'tip', amountMinor: 100 })).statusCode).toBe(201);
  });

  it('refuses a tip before completion, without an amount or outside 1.00–10,000.00', async () => {
    const pending = await newBooking(t, m);
    const completed = await newBooking(t, m, { status: 'completed' });
    const before = await paymentCounts(t);
    expect((await intent(t, m.petOwner.accessToken, { bookingId: pending.id, kind: 'tip', amountMinor: 500 })).statusCode).toBe(409);
    for (const amountMinor of [undefined, 99, 1_000_001, 12.5]) {
      const res = await intent(t, m.petOwner.accessToken, { bookingId: completed.id, kind: 'tip', ...(amountMinor !== undefined ? { amountMinor } : {}) });
      expect(res.statusCode, String(amountMinor)).toBe(400);
    }
    expect(await paymentCounts(t)).toEqual(before);
  });
});

describe('simulated provider', () => {
  it('has no webhook endpoint: nothing outside can change a payment', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/webhooks/stripe', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(res.statusCode).toBe(404);
  });
});
