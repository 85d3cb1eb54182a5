import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { paymentJobs } from '../../src/modules/payments/payments.jobs.js';
import { createBookingPayments } from '../../src/modules/payments/payments.bookings.js';
import type { BookingMoneyEvent } from '../../src/modules/payments/payments.port.js';
import { markAuthorized, markSucceeded } from '../../src/modules/payments/payments.state.js';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import { intent, marketplace, newBooking, paidBooking, paymentRow, notifiedMails, queued, refundRows, setBookingStatus } from './fixtures.js';

let t: TestApp;
let m: Marketplace;
let port: ReturnType<typeof createBookingPayments>;
beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
  port = createBookingPayments(t.app.platform);
});
afterAll(() => t.close());

const apply = (event: BookingMoneyEvent) => t.db.transaction((tx) => port.apply(tx, event));
const enqueueTwice = async (name: 'payments.capture' | 'payments.release' | 'payments.refund', data: never) => {
  await t.db.transaction(async (tx) => {
    await t.app.platform.queue.enqueue(tx, name, data);
    await t.app.platform.queue.enqueue(tx, name, data);
  });
};
const receipts = async () => (await notifiedMails(t)).filter((j) => (j as { template: string }).template === 'payment-receipt');
const refundMails = async () => (await notifiedMails(t)).filter((j) => (j as { template: string }).template === 'refund-issued');
/** Notifications already written are removed, so each test counts its own mails. */
const clearMail = () => t.db.execute(sql`delete from notifications`);
const jobs = () => paymentJobs(t.app.platform);

describe('forBooking', () => {
  it("gives the booking's live payment, or null once it is cancelled", async () => {
    const booking = await newBooking(t, m);
    expect(await port.forBooking(t.db, booking.id)).toBeNull();
    const { paymentId } = await paidBooking(t, m, 'authorized');
    const paid = (await paymentRow(t, paymentId)).bookingId;
    expect(await port.forBooking(t.db, paid)).toEqual({ id: paymentId, status: 'authorized', amountMinor: 2000, refundedMinor: 0, currency: 'EUR' });
    await apply({ kind: 'released', bookingId: paid, reason: 'Declined.' });
    expect(await port.forBooking(t.db, paid)).toBeNull();
  });
});

describe('payments.capture', () => {
  it('captures an authorised payment once however often it runs, and mails one receipt', async () => {
    await clearMail();
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await setBookingStatus(t, booking.id, 'confirmed');
    await apply({ kind: 'confirmed', bookingId: booking.id });
    expect(await queued(t, 'payments.capture')).toEqual([{ paymentId }]);
    await jobs().capture({ paymentId });
    const row = await paymentRow(t, paymentId);
    expect(row).toMatchObject({ status: 'succeeded', paidAt: expect.any(Date), providerChargeId: expect.stringMatching(/^sim_ch_/) });
    await jobs().capture({ paymentId });
    expect(await paymentRow(t, paymentId)).toEqual(row);
    expect(await receipts()).toEqual([expect.objectContaining({ to: m.petOwner.email, number: booking.number })]);
    // Through the queue, twice more: still one success, still one receipt.
    await enqueueTwice('payments.capture', { paymentId } as never);
    await t.drain();
    expect(await paymentRow(t, paymentId)).toEqual(row);
  });

  it('enqueues exactly one receipt for the success, whoever reports it', async () => {
    await clearMail();
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await setBookingStatus(t, booking.id, 'confirmed');
    await t.db.transaction(async (tx) => {
      expect(await markSucceeded(tx, t.app.platform, paymentId, 'ch_1')).toBe(true);
      expect(await markSucceeded(tx, t.app.platform, paymentId, 'ch_1')).toBe(false);
    });
    expect(await receipts()).toEqual([
      expect.objectContaining({ number: booking.number, total: '€20.00', lines: [{ label: 'Neighbourhood walk: 1 session', amount: '€20.00' }] }),
    ]);
  });

  it('never moves a payment backwards: a late authorisation leaves it succeeded', async () => {
    const { paymentId } = await paidBooking(t, m, 'succeeded');
    const before = await paymentRow(t, paymentId);
    await t.db.transaction(async (tx) => expect(await markAuthorized(tx, t.app.platform, paymentId)).toBe(false));
    expect(await paymentRow(t, paymentId)).toEqual(before);
  });

  it('does nothing for a released payment', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await apply({ kind: 'released', bookingId: booking.id, reason: 'Declined.' });
    await enqueueTwice('payments.capture', { paymentId } as never);
    await t.drain();
    expect((await paymentRow(t, paymentId)).status).toBe('cancelled');
  });
});

describe('payments.release', () => {
  it('cancels the authorisation at once in our books, then at the provider; twice is once', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await apply({ kind: 'released', bookingId: booking.id, reason: 'Declined by the business.' });
    const cancelled = await paymentRow(t, paymentId);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(Date) });
    expect(await queued(t, 'payments.release')).toEqual([{ paymentId }]);
    await enqueueTwice('payments.release', { paymentId } as never);
    await t.drain();
    expect(await paymentRow(t, paymentId)).toMatchObject({ status: 'cancelled', cancelledAt: cancelled.cancelledAt, refundedMinor: 0 });
  });

  it('lets the owner pay again after a repricing', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await apply({ kind: 'repriced', bookingId: booking.id });
    expect((await paymentRow(t, paymentId)).status).toBe('cancelled');
    const again = await intent(t, m.petOwner.accessToken, { bookingId: booking.id });
    expect(again.statusCode).toBe(201);
    expect(again.json().data.payment.id).not.toBe(paymentId);
  });

  it('turns a release of a payment captured meanwhile into a full refund', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'succeeded');
    await apply({ kind: 'released', bookingId: booking.id, reason: 'Expired.' });
    expect(await refundRows(t, paymentId)).toEqual([expect.objectContaining({ amountMinor: 2000, feeRefundMinor: 300, status: 'pending' })]);
    await t.drain();
    expect(await paymentRow(t, paymentId)).toMatchObject({ status: 'refunded', refundedMinor: 2000, feeRefundedMinor: 300 });
  });
});

describe('payments.refund', () => {
  it('refunds the policy percentage with the fee in proportion; twice is once, one mail', async () => {
    await clearMail();
    const { booking, paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 3333 });
    await setBookingStatus(t, booking.id, 'cancelled');
    await apply({ kind: 'refund', bookingId: booking.id, percent: 50, reason: 'Moderate policy: 50 %.', actorId: m.petOwner.id });
    const [refund] = await refundRows(t, paymentId);
    // fee 499 of 3333; refunded 1666 → floor(499 × 1666 / 3333) = 249
    expect(refund).toMatchObject({ amountMinor: 1666, feeRefundMinor: 249, policyPercent: 50, status: 'pending', requestedBy: m.petOwner.id });
    await clearMail();
    // Run by hand (twice) so the queued mail can be read before a drain sends it.
    await jobs().refund({ refundId: refund!.id });
    await jobs().refund({ refundId: refund!.id });
    expect(await refundRows(t, paymentId)).toEqual([
      expect.objectContaining({ status: 'succeeded', providerRefundId: expect.stringMatching(/^sim_re_/), completedAt: expect.any(Date) }),
    ]);
    expect(await paymentRow(t, paymentId)).toMatchObject({
      status: 'partially_refunded',
      refundedMinor: 1666,
      feeRefundedMinor: 249,
      refundedAt: expect.any(Date),
    });
    expect(await refundMails()).toEqual([
      {
        to: m.petOwner.email,
        template: 'refund-issued',
        firstName: m.petOwner.firstName,
        number: booking.number,
        amount: '€16.66',
        link: `http://walkydoggy.test/bookings/${booking.id}`,
      },
    ]);
    await t.drain();
    await enqueueTwice('payments.refund', { refundId: refund!.id } as never);
    await t.drain();
    expect((await paymentRow(t, paymentId)).refundedMinor).toBe(1666);
  });

  it("takes an admin's amount, capped at what remains, and a second refund completes the fee", async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 3333 });
    await apply({ kind: 'refund', bookingId: booking.id, percent: 0, amountMinor: 1000, reason: 'Override.', actorId: m.admin.id });
    await apply({ kind: 'refund', bookingId: booking.id, percent: 0, amountMinor: 9999, reason: 'Override, the rest.', actorId: m.admin.id });
    const rows = await refundRows(t, paymentId);
    expect(rows.map((r) => [r.amountMinor, r.feeRefundMinor, r.policyPercent])).toEqual([
      [1000, 149, null],
      [2333, 350, null],
    ]);
    await t.drain();
    expect(await paymentRow(t, paymentId)).toMatchObject({ status: 'refunded', refundedMinor: 3333, feeRefundedMinor: 499 });
    // Nothing remains: a third refund writes nothing.
    await apply({ kind: 'refund', bookingId: booking.id, percent: 100, reason: 'Again.', actorId: null });
    expect(await refundRows(t, paymentId)).toHaveLength(2);
  });

  it('releases instead when everything goes back before the capture', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await apply({ kind: 'refund', bookingId: booking.id, percent: 100, reason: 'Cancelled by the business.', actorId: m.owner.id });
    expect(await refundRows(t, paymentId)).toEqual([]);
    expect((await paymentRow(t, paymentId)).status).toBe('cancelled');
  });

  it('holds a partial refund of a payment not yet captured until the capture, then sends it', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'authorized');
    await setBookingStatus(t, booking.id, 'confirmed');
    await apply({ kind: 'confirmed', bookingId: booking.id });
    await apply({ kind: 'refund', bookingId: booking.id, percent: 50, reason: 'Cancelled 20 h before.', actorId: m.petOwner.id });
    // Run the refund job first: nothing to refund yet, it waits.
    const [refund] = await refundRows(t, paymentId);
    await jobs().refund({ refundId: refund!.id });
    expect((await refundRows(t, paymentId))[0]!.status).toBe('pending');
    await t.drain();
    expect(await paymentRow(t, paymentId)).toMatchObject({ status: 'partially_refunded', refundedMinor: 1000, feeRefundedMinor: 150 });
  });
});
