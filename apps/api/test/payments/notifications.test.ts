import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payments, users } from '@walkydoggy/shared/db';
import { paymentJobs } from '../../src/modules/payments/payments.jobs.js';
import { createBookingPayments } from '../../src/modules/payments/payments.bookings.js';
import { markSucceeded, settleRefund } from '../../src/modules/payments/payments.state.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import { notices } from '../bookings/helpers.js';
import { marketplace, paidBooking, refundRows, setBookingStatus } from './fixtures.js';

/*
 * What payments tell the payer: `payment.succeeded` (its e-mail the receipt) when the money is taken
 * and `payment.refunded` (its e-mail the refund mail) when a refund went through, each once per
 * payment or refund however often the job or webhook that reports it runs.
 */

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
});
afterAll(() => t.close());

const jobs = () => paymentJobs(t.app.platform);

describe('payment notifications', () => {
  it('a capture tells the payer once, with the receipt, which then goes out by e-mail', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await setBookingStatus(t, booking.id, 'confirmed');
    await jobs().capture({ paymentId });
    await jobs().capture({ paymentId });
    const sent = await notices(t, { bookingId: booking.id });
    expect(sent).toEqual([
      expect.objectContaining({
        userId: m.petOwner.id,
        type: 'payment.succeeded',
        title: `Receipt for booking ${booking.number}`,
        message: 'You paid €20.00 for Neighbourhood walk with Happy Paws Berlin.',
        data: { bookingId: booking.id, paymentId, number: booking.number, link: `/bookings/${booking.id}` },
        dedupeKey: `payment-succeeded:${paymentId}`,
        channels: ['email', 'in_app'],
      }),
    ]);
    expect(sent[0]!.mail).toEqual({
      template: 'payment-receipt',
      firstName: m.petOwner.firstName,
      businessName: 'Happy Paws Berlin',
      number: booking.number,
      total: '€20.00',
      lines: [{ label: 'Neighbourhood walk: 1 session', amount: '€20.00' }],
      invoiceLink: `http://walkydoggy.test/payments/${paymentId}/invoice`,
    });
    await t.drain();
    expect(t.outbox.filter((o) => o.to === m.petOwner.email && o.subject === `Receipt for booking ${booking.number}`)).toHaveLength(1);
  });

  it('a success reported again after the state was reset still makes one notification (the key)', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'succeeded');
    // As if a replayed webhook found the payment still authorised (a restored backup, a race).
    await t.db.update(payments).set({ status: 'authorized' }).where(eq(payments.id, paymentId));
    await t.db.transaction(async (tx) => expect(await markSucceeded(tx, t.app.platform, paymentId, null)).toBe(true));
    expect(await notices(t, { bookingId: booking.id, type: 'payment.succeeded' })).toHaveLength(1);
  });

  it('a refund tells the payer once, with the refund mail', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'succeeded');
    await setBookingStatus(t, booking.id, 'cancelled');
    await t.db.transaction((tx) =>
      createBookingPayments(t.app.platform).apply(tx, { kind: 'refund', bookingId: booking.id, percent: 50, reason: 'Policy.', actorId: m.petOwner.id }),
    );
    const [refund] = await refundRows(t, paymentId);
    await jobs().refund({ refundId: refund!.id });
    await jobs().refund({ refundId: refund!.id });
    const sent = await notices(t, { bookingId: booking.id, type: 'payment.refunded' });
    expect(sent).toEqual([
      expect.objectContaining({
        userId: m.petOwner.id,
        title: `Refund for booking ${booking.number}`,
        message: expect.stringContaining('We refunded €10.00'),
        data: { bookingId: booking.id, paymentId, refundId: refund!.id, number: booking.number, link: `/bookings/${booking.id}` },
        dedupeKey: `refund:${refund!.id}`,
        channels: ['email', 'in_app'],
        mail: {
          template: 'refund-issued',
          firstName: m.petOwner.firstName,
          number: booking.number,
          amount: '€10.00',
          link: `http://walkydoggy.test/bookings/${booking.id}`,
        },
      }),
    ]);
    // The provider reporting the same refund again changes nothing.
    await t.db.transaction((tx) => settleRefund(tx, t.app.platform, refund!.id, { providerRefundId: null, status: 'succeeded' }));
    expect(await notices(t, { bookingId: booking.id, type: 'payment.refunded' })).toHaveLength(1);
    await t.drain();
    expect(t.outbox.filter((o) => o.to === m.petOwner.email && o.subject === `Refund for booking ${booking.number}`)).toHaveLength(1);
  });

  it('tells nobody whose account is no longer active', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await setBookingStatus(t, booking.id, 'confirmed');
    await t.db.update(users).set({ status: 'suspended' }).where(eq(users.id, m.petOwner.id));
    try {
      await jobs().capture({ paymentId });
      expect(await notices(t, { bookingId: booking.id })).toEqual([]);
    } finally {
      await t.db.update(users).set({ status: 'active' }).where(eq(users.id, m.petOwner.id));
    }
  });
});
