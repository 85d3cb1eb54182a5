import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, payments, refunds } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { newService } from '../support/marketplace.js';
import type { Caller } from '../businesses/fixtures.js';
import {
  berlin,
  booked,
  bookingBody,
  bookingCounts,
  bookingInState,
  call,
  coOwnerOf,
  NOW,
  ok,
  pay,
  notifiedMails,
  queued,
  slotSequence,
  world,
  type Marketplace,
  type State,
} from './helpers.js';

/* Cancelling: the refund policy, the business's and the admin's cancellations, the preview. */

let t: TestApp;
let m: Marketplace;
let coOwner: Caller;
let otherOwner: Caller;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  coOwner = await coOwnerOf(t, m);
  otherOwner = await t.newUser();
});
afterAll(() => t.close());

const nextSlot = slotSequence('2030-06-05');
const bookingIn = (state: State, body: Record<string, unknown> = {}) => bookingInState(t, m, state, nextSlot(), body);

describe('cancelling', () => {
  /** Tomorrow 10:00 Berlin is 08:00 UTC: the clock is set to `hours` before it. */
  const START = new Date(berlin('2030-06-04', '10:00'));
  const hoursBefore = (hours: number) => new Date(START.getTime() - hours * 3_600_000);

  async function capturedBooking(policy: 'flexible' | 'moderate' | 'strict' = 'moderate') {
    t.clock.set(new Date('2030-05-20T06:00:00Z'));
    const serviceId = await newService(t, m.owner, m.businessId, { name: `Walk ${policy}`, cancellationPolicy: policy, workerIds: [m.worker.workerId] });
    const startsAt = START.toISOString();
    await t.db.update(bookings).set({ status: 'cancelled' }).where(eq(bookings.startsAt, START));
    const b = await booked(t, m.petOwner, bookingBody(m, { serviceId, startsAt }));
    await pay(t, m.petOwner, b.id);
    ok(await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`));
    await t.drain();
    return b;
  }
  const refundsOf = async (bookingId: string) =>
    t.db
      .select({ amountMinor: refunds.amountMinor, policyPercent: refunds.policyPercent, requestedBy: refunds.requestedBy })
      .from(refunds)
      .innerJoin(payments, eq(payments.id, refunds.paymentId))
      .where(eq(payments.bookingId, bookingId));

  it('by the owner after capture: the policy decides by the hours left (boundaries inclusive)', async () => {
    const cases: [number, 'flexible' | 'moderate' | 'strict', number][] = [
      [24, 'moderate', 2000],
      [23.9, 'moderate', 1000],
      [12, 'moderate', 1000],
      [11, 'moderate', 0],
      [30, 'flexible', 2000],
      [1, 'flexible', 1000],
      [7 * 24, 'strict', 1000],
      [100, 'strict', 0],
    ];
    for (const [hours, policy, refund] of cases) {
      const b = await capturedBooking(policy);
      t.clock.set(hoursBefore(hours));
      const preview = await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}/cancellation-preview`);
      ok(preview);
      expect(preview.json().data).toMatchObject({ policy, hoursBeforeStart: hours, refundMinor: refund, paidMinor: 2000, currency: 'EUR' });
      const res = await call(t, m.petOwner, 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'Plans changed' });
      ok(res);
      expect(res.json().data).toMatchObject({ status: 'cancelled', cancelledBy: m.petOwner.id, cancellationReason: 'Plans changed' });
      expect((await refundsOf(b.id)).map((r) => r.amountMinor)).toEqual(refund ? [refund] : []);
      const mails = (await notifiedMails(t)).filter((j) => j.template === 'booking-cancelled' && j.number === b.number);
      // The business and the worker hear of it; the owner, who cancelled, does not.
      expect(mails.map((j) => j.to).sort()).toEqual([m.owner.email, m.worker.email].sort());
      expect(mails[0]).toMatchObject({ cancelledBy: 'Robin Walker', reason: 'Plans changed', refund: `€${(refund / 100).toFixed(2)}` });
      t.clock.set(NOW);
    }
  });

  it('by the business or before capture: everything goes back or nothing was taken', async () => {
    const b = await capturedBooking();
    t.clock.set(hoursBefore(1));
    ok(await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'Walker is ill' }));
    expect(await refundsOf(b.id)).toEqual([{ amountMinor: 2000, policyPercent: 100, requestedBy: m.owner.id }]);
    const mail = (await notifiedMails(t)).find((j) => j.template === 'booking-cancelled' && j.number === b.number && j.to === m.petOwner.email);
    expect(mail).toMatchObject({ cancelledBy: 'Happy Paws Berlin', refund: '€20.00' });
    // The owner's calendar gets the event as cancelled.
    expect((mail!.attachments as { content: string }[])[0]!.content).toContain('STATUS:CANCELLED');
    t.clock.set(NOW);

    const authorised = await bookingIn('paid');
    const paymentId = (await call(t, m.petOwner, 'GET', `/v1/bookings/${authorised.id}`)).json().data.payment.id;
    const preview = (await call(t, m.petOwner, 'GET', `/v1/bookings/${authorised.id}/cancellation-preview`)).json().data;
    expect(preview).toMatchObject({ paidMinor: 0, refundMinor: 0 });
    expect(preview.description).toContain('Nothing has been charged');
    ok(await call(t, m.petOwner, 'POST', `/v1/bookings/${authorised.id}/cancel`, { reason: 'Changed my mind' }));
    expect((await t.db.select().from(payments).where(eq(payments.id, paymentId)))[0]!.status).toBe('cancelled');
    expect(await queued(t, 'payments.release')).toContainEqual({ paymentId });
    expect(await refundsOf(authorised.id)).toEqual([]);
    const ownerMail = (await notifiedMails(t)).find((j) => j.template === 'booking-cancelled' && j.number === authorised.number);
    expect(ownerMail).toMatchObject({ refund: null });
  });

  it('confirmed but not captured yet: the business keeps what the policy gives it', async () => {
    t.clock.set(new Date('2030-05-20T06:00:00Z'));
    const serviceId = await newService(t, m.owner, m.businessId, { name: 'Walk, capture pending', workerIds: [m.worker.workerId] });
    await t.db.update(bookings).set({ status: 'cancelled' }).where(eq(bookings.startsAt, START));
    const b = await booked(t, m.petOwner, bookingBody(m, { serviceId, startsAt: START.toISOString() }));
    await pay(t, m.petOwner, b.id);
    ok(await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`));
    // The capture job has not run: the payment is still only authorised.
    const paymentId = (await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}`)).json().data.payment.id as string;
    expect((await t.db.select().from(payments).where(eq(payments.id, paymentId)))[0]!.status).toBe('authorized');
    t.clock.set(hoursBefore(20));
    const preview = (await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}/cancellation-preview`)).json().data;
    expect(preview).toMatchObject({ refundPercent: 50, paidMinor: 2000, refundMinor: 1000 });
    ok(await call(t, m.petOwner, 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'Plans changed' }));
    expect(await queued(t, 'payments.release')).not.toContainEqual({ paymentId });
    await t.drain();
    const [payment] = await t.db.select().from(payments).where(eq(payments.id, paymentId));
    expect(payment).toMatchObject({ status: 'partially_refunded', refundedMinor: 1000 });
    expect(await refundsOf(b.id)).toEqual([{ amountMinor: 1000, policyPercent: 50, requestedBy: m.petOwner.id }]);
    t.clock.set(NOW);
  });

  it('an admin may override the refund; nobody else may send a percentage', async () => {
    const b = await capturedBooking();
    t.clock.set(hoursBefore(2));
    const before = await bookingCounts(t);
    for (const who of [m.petOwner, m.owner]) {
      const res = await call(t, who, 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'Please', refundPercent: 100 });
      expect(res.statusCode).toBe(403);
    }
    expect(await bookingCounts(t)).toEqual(before);
    ok(await call(t, m.admin, 'POST', `/v1/bookings/${b.id}/cancel`, { reason: 'Goodwill after a complaint', refundPercent: 80 }));
    expect(await refundsOf(b.id)).toEqual([{ amountMinor: 1600, policyPercent: 80, requestedBy: m.admin.id }]);
    const events = (await call(t, m.admin, 'GET', `/v1/bookings/${b.id}`)).json().data.events;
    expect(events.at(-1)).toMatchObject({ toStatus: 'cancelled', actorRole: 'admin', reason: 'Goodwill after a complaint' });
    t.clock.set(NOW);
  });

  it('the preview is for those who may cancel', async () => {
    const b = await bookingIn('pending');
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}/cancellation-preview`)).json().data).toMatchObject({
      policy: 'moderate',
      refundPercent: 100,
      paidMinor: 0,
      refundMinor: 0,
      description: 'Nothing has been paid, so there is nothing to refund.',
    });
    expect((await call(t, m.owner, 'GET', `/v1/bookings/${b.id}/cancellation-preview`)).statusCode).toBe(200);
    expect((await call(t, m.worker, 'GET', `/v1/bookings/${b.id}/cancellation-preview`)).statusCode).toBe(403);
    expect((await call(t, coOwner, 'GET', `/v1/bookings/${b.id}/cancellation-preview`)).statusCode).toBe(403);
    expect((await call(t, otherOwner, 'GET', `/v1/bookings/${b.id}/cancellation-preview`)).statusCode).toBe(404);
    const done = await bookingIn('completed');
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${done.id}/cancellation-preview`)).statusCode).toBe(409);
  });
});
