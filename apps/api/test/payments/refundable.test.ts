import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { payments, refunds } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import type { Marketplace } from '../support/marketplace.js';
import { confirm, intent, marketplace, paidBooking, paymentCounts, setBookingStatus } from './fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await marketplace(t);
});
afterAll(() => t.close());

const refund = (paymentId: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/v1/payments/${paymentId}/refund`, headers: t.bearer(m.admin.accessToken), payload });
const shown = async (paymentId: string, token = m.petOwner.accessToken) => {
  const res = await t.app.inject({ method: 'GET', url: `/v1/payments/${paymentId}`, headers: t.bearer(token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as { refundableMinor: number; refundedMinor: number; status: string };
};

/** What the view says can be refunded is exactly what the refund endpoint accepts: one more is a 400, and nothing is written. */
async function expectLimit(paymentId: string, limit: number) {
  expect((await shown(paymentId)).refundableMinor).toBe(limit);
  const before = await paymentCounts(t);
  const over = await refund(paymentId, { amountMinor: limit + 1, reason: 'One too many.' });
  expect(over.statusCode, over.body).toBe(limit === 0 ? 409 : 400);
  if (limit > 0) expect(over.json().error.details[0]).toMatchObject({ path: 'body.amountMinor', message: `At most ${limit} can still be refunded.` });
  expect(await paymentCounts(t)).toEqual(before);
}

describe('Payment.refundableMinor', () => {
  it('is nothing before the money is taken, then the whole amount', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'pending', { totalMinor: 2500 });
    await expectLimit(paymentId, 0);
    await confirm(t, m.petOwner.accessToken, paymentId);
    // Authorised is not taken: a refund is refused, so nothing is offered.
    await expectLimit(paymentId, 0);
    await setBookingStatus(t, booking.id, 'confirmed');
    await t.db.transaction((tx) => t.app.platform.queue.enqueue(tx, 'payments.capture', { paymentId }));
    await t.drain();
    expect((await shown(paymentId)).status).toBe('succeeded');
    await expectLimit(paymentId, 2500);
  });

  it('counts refunds on their way as given and failed ones as not', async () => {
    const { paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 3000 });
    const first = await refund(paymentId, { amountMinor: 1000, reason: 'Late.' });
    expect(first.statusCode).toBe(200);
    // The answer of the refund carries the new limit at once, with the refund still pending.
    expect(first.json().data).toMatchObject({ refundableMinor: 2000, refundedMinor: 0, refunds: [expect.objectContaining({ status: 'pending' })] });
    await expectLimit(paymentId, 2000);

    // The provider refused it: the money is refundable again.
    await t.db.update(refunds).set({ status: 'failed' }).where(eq(refunds.paymentId, paymentId));
    await expectLimit(paymentId, 3000);

    expect((await refund(paymentId, { amountMinor: 500, reason: 'Short walk.' })).statusCode).toBe(200);
    await t.drain();
    expect(await shown(paymentId)).toMatchObject({ status: 'partially_refunded', refundedMinor: 500, refundableMinor: 2500 });
    await expectLimit(paymentId, 2500);

    expect((await refund(paymentId, { reason: 'All the rest.' })).statusCode).toBe(200);
    await expectLimit(paymentId, 0); // on its way
    await t.drain();
    expect(await shown(paymentId)).toMatchObject({ status: 'refunded', refundedMinor: 3000, refundableMinor: 0 });
  });

  it("follows the provider's refunded total when it is ahead of our refunds (one made in its dashboard)", async () => {
    const { paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 3000 });
    expect((await refund(paymentId, { amountMinor: 500, reason: 'Late.' })).statusCode).toBe(200);
    await t.drain();
    await t.db.update(payments).set({ refundedMinor: 1200 }).where(eq(payments.id, paymentId));
    await expectLimit(paymentId, 1800);
  });

  it('is per payment in lists: a tip and the booking it was given for each carry their own', async () => {
    const { booking, paymentId } = await paidBooking(t, m, 'succeeded', { totalMinor: 2000 });
    expect((await refund(paymentId, { amountMinor: 700, reason: 'Late.' })).statusCode).toBe(200);
    await setBookingStatus(t, booking.id, 'completed');
    const tip = (await intent(t, m.petOwner.accessToken, { bookingId: booking.id, kind: 'tip', amountMinor: 400 })).json().data.payment.id as string;
    await confirm(t, m.petOwner.accessToken, tip);

    for (const token of [m.petOwner.accessToken, m.owner.accessToken, m.admin.accessToken]) {
      const res = await t.app.inject({ method: 'GET', url: `/v1/payments?bookingId=${booking.id}`, headers: t.bearer(token) });
      expect(res.statusCode).toBe(200);
      const byId = Object.fromEntries((res.json().data as { id: string; refundableMinor: number }[]).map((p) => [p.id, p.refundableMinor]));
      expect(byId).toEqual({ [paymentId]: 1300, [tip]: 400 });
    }
  });
});
