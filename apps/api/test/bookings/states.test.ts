import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payments } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { newService } from '../support/marketplace.js';
import { newMedia, type Caller } from '../businesses/fixtures.js';
import { createBookings } from '../../src/modules/bookings/bookings.js';
import { createBookingPayments } from '../../src/modules/payments/payments.bookings.js';
import { WAITING_FOR_PAYMENT } from '../../src/modules/bookings/bookings.transitions.js';
import {
  berlin,
  booked,
  bookingBody,
  bookingCounts,
  bookingInState,
  bookingStatus,
  call,
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

/* The state machine's moves: what each one writes, what it tells payments and whom it mails. */

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

const nextSlot = slotSequence('2030-06-05');
const bookingIn = (state: State, body: Record<string, unknown> = {}) => bookingInState(t, m, state, nextSlot(), body);
const statusOf = (id: string) => bookingStatus(t, id);

describe('the state machine', () => {
  it('a move the table does not have is a 409 that changes nothing', async () => {
    const cases: [State, string, Caller, string][] = [
      ['confirmed', 'decline', m.owner, 'A confirmed booking cannot be declined.'],
      ['confirmed', 'confirm', m.owner, 'A confirmed booking cannot be confirmed.'],
      ['pending', 'start', m.worker, 'A pending booking cannot be started.'],
      ['confirmed', 'complete', m.worker, 'A confirmed booking cannot be completed.'],
      ['in_progress', 'cancel', m.petOwner, 'An in-progress booking cannot be cancelled.'],
      ['completed', 'cancel', m.owner, 'A completed booking cannot be cancelled.'],
      ['declined', 'confirm', m.owner, 'A declined booking cannot be confirmed.'],
      ['expired', 'decline', m.worker, 'An expired booking cannot be declined.'],
      ['cancelled', 'cancel', m.admin, 'A cancelled booking cannot be cancelled.'],
    ];
    for (const [state, action, who, message] of cases) {
      const b = await bookingIn(state);
      const status = await statusOf(b.id);
      const before = await bookingCounts(t);
      const res = await call(t, who, 'POST', `/v1/bookings/${b.id}/${action}`, action === 'cancel' ? { reason: 'Too late' } : undefined);
      expect(res.statusCode, `${state} ${action}: ${res.body}`).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'CONFLICT', message });
      expect(await statusOf(b.id)).toBe(status);
      // No event, no mail, no payment job: the refused move left no trace.
      expect(await bookingCounts(t)).toEqual(before);
    }
  });

  it('confirming waits for the payment; a free booking confirms at once', async () => {
    const b = await bookingIn('pending');
    const before = await bookingCounts(t);
    const early = await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toBe(WAITING_FOR_PAYMENT);
    expect(await bookingCounts(t)).toEqual(before);
    const paymentId = await pay(t, m.petOwner, b.id);
    const confirmed = await call(t, m.worker, 'POST', `/v1/bookings/${b.id}/confirm`);
    ok(confirmed);
    expect(confirmed.json().data).toMatchObject({ status: 'confirmed', payment: { id: paymentId, status: 'authorized' }, confirmedAt: NOW.toISOString() });
    expect(confirmed.json().data.events.at(-1)).toMatchObject({ fromStatus: 'pending', toStatus: 'confirmed', actorRole: 'worker' });
    expect(await queued(t, 'payments.capture')).toContainEqual({ paymentId });
    await t.drain();
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}`)).json().data.payment.status).toBe('succeeded');

    const free = await newService(t, m.owner, m.businessId, {
      name: 'Free trial walk',
      priceMinor: 0,
      additionalPetPriceMinor: 0,
      workerIds: [m.worker.workerId],
    });
    const gratis = await booked(t, m.petOwner, bookingBody(m, { serviceId: free, startsAt: nextSlot() }));
    expect(gratis.actions).not.toContain('pay');
    expect((await call(t, m.owner, 'GET', `/v1/bookings/${gratis.id}`)).json().data.actions).toContain('confirm');
    const ok2 = await call(t, m.owner, 'POST', `/v1/bookings/${gratis.id}/confirm`);
    ok(ok2);
    expect(ok2.json().data).toMatchObject({ status: 'confirmed', payment: null });
  });

  it('declining records the reason, releases the authorisation and tells the owner', async () => {
    const b = await bookingIn('paid');
    const paymentId = (await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}`)).json().data.payment.id;
    const res = await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/decline`, { reason: 'No walker free' });
    ok(res);
    expect(res.json().data).toMatchObject({ status: 'declined', declineReason: 'No walker free', declinedAt: NOW.toISOString(), payment: null });
    expect(res.json().data.events.at(-1)).toMatchObject({ fromStatus: 'pending', toStatus: 'declined', actorRole: 'business', reason: 'No walker free' });
    expect((await t.db.select().from(payments).where(eq(payments.id, paymentId)))[0]!.status).toBe('cancelled');
    expect(await queued(t, 'payments.release')).toContainEqual({ paymentId });
    const mail = (await notifiedMails(t)).find((j) => j.template === 'booking-declined' && j.number === b.number);
    expect(mail).toMatchObject({ to: m.petOwner.email, firstName: 'Robin', businessName: 'Happy Paws Berlin', reason: 'No walker free' });
    // A decline without a reason is fine too.
    const quiet = await bookingIn('pending');
    ok(await call(t, m.worker, 'POST', `/v1/bookings/${quiet.id}/decline`));
  });

  it('the whole way through: each event records who and when', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-03', '16:00') }));
    await pay(t, m.petOwner, b.id);
    t.clock.set(new Date('2030-06-03T07:00:00Z'));
    ok(await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`));
    t.clock.set(new Date('2030-06-03T14:00:00Z'));
    ok(await call(t, m.worker, 'POST', `/v1/bookings/${b.id}/start`));
    t.clock.set(new Date('2030-06-03T15:05:00Z'));
    const done = await call(t, m.worker, 'POST', `/v1/bookings/${b.id}/complete`, { notes: 'Chased a squirrel' });
    t.clock.set(NOW);
    ok(done);
    expect(done.json().data).toMatchObject({
      status: 'completed',
      confirmedAt: '2030-06-03T07:00:00.000Z',
      startedAt: '2030-06-03T14:00:00.000Z',
      completedAt: '2030-06-03T15:05:00.000Z',
      completionNotes: 'Chased a squirrel',
      actions: [],
    });
    expect(done.json().data.events).toEqual([
      { fromStatus: null, toStatus: 'pending', actorRole: 'owner', reason: null, at: NOW.toISOString() },
      { fromStatus: 'pending', toStatus: 'confirmed', actorRole: 'business', reason: null, at: '2030-06-03T07:00:00.000Z' },
      { fromStatus: 'confirmed', toStatus: 'in_progress', actorRole: 'worker', reason: null, at: '2030-06-03T14:00:00.000Z' },
      { fromStatus: 'in_progress', toStatus: 'completed', actorRole: 'worker', reason: null, at: '2030-06-03T15:05:00.000Z' },
    ]);
    const mail = (await notifiedMails(t)).find((j) => j.template === 'booking-completed' && j.number === b.number);
    expect(mail).toMatchObject({ to: m.petOwner.email, notes: 'Chased a squirrel' });
  });

  it('completion photos must be the worker’s own booking_photo uploads, used once', async () => {
    const b = await bookingIn('in_progress');
    const mine = await newMedia(t, m.worker.id, 'booking_photo');
    const second = await newMedia(t, m.worker.id, 'booking_photo');
    const notMine = await newMedia(t, m.owner.id, 'booking_photo');
    const wrongPurpose = await newMedia(t, m.worker.id, 'pet_photo');
    const before = await bookingCounts(t);
    const bad = await call(t, m.worker, 'POST', `/v1/bookings/${b.id}/complete`, { photoIds: [mine, notMine, wrongPurpose] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body.photoIds.1', 'body.photoIds.2']);
    expect(await bookingCounts(t)).toEqual(before);
    const res = await call(t, m.worker, 'POST', `/v1/bookings/${b.id}/complete`, { photoIds: [mine, second] });
    ok(res);
    expect(
      res
        .json()
        .data.completionPhotos.map((p: { id: string }) => p.id)
        .sort(),
    ).toEqual([mine, second].sort());
    const again = await bookingIn('in_progress');
    const reused = await call(t, m.worker, 'POST', `/v1/bookings/${again.id}/complete`, { photoIds: [mine] });
    expect(reused.statusCode).toBe(400);
  });
});

describe('mails', () => {
  it('the confirmation carries the booking as an .ics', async () => {
    const b = await bookingIn('confirmed');
    const mail = (await notifiedMails(t)).find((j) => j.template === 'booking-confirmed' && j.number === b.number)!;
    expect(mail).toMatchObject({
      to: m.petOwner.email,
      firstName: 'Robin',
      businessName: 'Happy Paws Berlin',
      link: `http://walkydoggy.test/bookings/${b.id}`,
    });
    const [ics] = mail.attachments as { filename: string; contentType: string; content: string }[];
    expect(ics!.filename).toBe(`booking-${b.number}.ics`);
    expect(ics!.contentType).toContain('text/calendar');
    expect(ics!.content).toContain('METHOD:PUBLISH');
    expect(ics!.content).toContain(`UID:${b.id}@walkydoggy`);
    expect(ics!.content).toContain('STATUS:CONFIRMED');
    await t.drain();
    // What left through the mail transport still carries the calendar file.
    const sent = t.outbox.find((o) => o.to === m.petOwner.email && o.subject === `Booking ${b.number} confirmed: Neighbourhood walk`);
    expect(sent?.attachments).toEqual([{ filename: `booking-${b.number}.ics`, content: ics!.content }]);
    expect(sent!.attachments![0]!.content).toContain(`UID:${b.id}@walkydoggy`);
  });

  it('are enqueued in the transition’s transaction: a transition that fails sends nothing', async () => {
    const b = await bookingIn('paid');
    // The same module, with a payments port that fails after everything else was written.
    const failing = createBookings({
      ...t.app.platform,
      payments: {
        forBooking: createBookingPayments(t.app.platform).forBooking,
        forBookings: createBookingPayments(t.app.platform).forBookings,
        apply: async () => {
          throw new Error('payments are down');
        },
      },
    });
    const before = await bookingCounts(t);
    await expect(t.db.transaction((tx) => failing.transitions.transition(tx, { id: m.owner.id, role: 'business' }, b.id, 'confirm'))).rejects.toThrow(
      'payments are down',
    );
    expect(await bookingCounts(t)).toEqual(before);
    expect(await statusOf(b.id)).toBe('pending');
  });
});
