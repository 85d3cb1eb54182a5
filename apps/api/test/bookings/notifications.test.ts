import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingsModule } from '../../src/modules/bookings/bookings.routes.js';
import { createBookingPayments } from '../../src/modules/payments/payments.bookings.js';
import type { Tracks } from '../../src/modules/tracking/track.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  berlin,
  booked,
  bookingBody,
  bookingInState,
  call,
  NOW,
  notices,
  ok,
  pay,
  queued,
  slotSequence,
  world,
  type Marketplace,
  type State,
} from './helpers.js';

/*
 * What a booking's changes tell whom: one notification per person (in-app always, e-mail by default),
 * its e-mail being the booking mail of the change, created in the change's own transaction. And the
 * live-tracking hook after each committed status change.
 */

/** The bookings routes again under /spy, with a tracks double that records `bookingChanged`. */
const changes: { bookingId: string; status: string }[] = [];
const spyTracks: Tracks = {
  async recordLive() {
    return { recorded: false };
  },
  bookingChanged: (event) => void changes.push(event),
  async flush() {},
};

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp({
    routes: (app) =>
      void app.register(bookingsModule({ ...app.platform, payments: createBookingPayments(app.platform), tracks: spyTracks }), { prefix: '/spy' }),
  });
  m = await world(t);
});
afterAll(() => t.close());

const nextSlot = slotSequence('2030-06-10');
const bookingIn = (state: State) => bookingInState(t, m, state, nextSlot());
const DEFAULT_CHANNELS = ['email', 'in_app'];
const dataOf = (b: { id: string; number: string }) => ({ bookingId: b.id, number: b.number, link: `/bookings/${b.id}` });

describe('booking notifications', () => {
  it('a request tells the business owner and the assigned worker, with the request mail', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: nextSlot() }));
    const sent = await notices(t, { bookingId: b.id });
    expect(sent.map((n) => n.userId).sort()).toEqual([m.owner.id, m.worker.id].sort());
    for (const n of sent) {
      expect(n).toMatchObject({ type: 'booking.requested', title: `New booking request ${b.number}`, data: dataOf(b), channels: DEFAULT_CHANNELS });
      expect(n.message).toContain('Robin Walker asked for Neighbourhood walk');
      expect(n.mail).toMatchObject({
        template: 'booking-requested',
        number: b.number,
        ownerName: 'Robin Walker',
        link: `http://walkydoggy.test/bookings/${b.id}`,
      });
    }
  });

  it('confirm, decline and completion tell the owner only, with their mails (the confirmation with its calendar file)', async () => {
    const confirmed = await bookingIn('confirmed');
    const [c, ...others] = await notices(t, { bookingId: confirmed.id, type: 'booking.confirmed' });
    expect(others).toEqual([]);
    expect(c).toMatchObject({ userId: m.petOwner.id, title: `Booking ${confirmed.number} confirmed`, data: dataOf(confirmed), channels: DEFAULT_CHANNELS });
    expect(c!.mail).toMatchObject({ template: 'booking-confirmed', firstName: 'Robin', number: confirmed.number });
    expect(c!.attachments).toEqual([
      expect.objectContaining({ filename: `booking-${confirmed.number}.ics`, content: expect.stringContaining('STATUS:CONFIRMED') }),
    ]);

    const declined = await booked(t, m.petOwner, bookingBody(m, { startsAt: nextSlot() }));
    ok(await call(t, m.owner, 'POST', `/v1/bookings/${declined.id}/decline`, { reason: 'Fully booked' }));
    expect(await notices(t, { bookingId: declined.id, type: 'booking.declined' })).toEqual([
      expect.objectContaining({
        userId: m.petOwner.id,
        message: expect.stringContaining('Their reason: Fully booked'),
        mail: expect.objectContaining({ template: 'booking-declined', reason: 'Fully booked' }),
      }),
    ]);

    const completed = await bookingIn('in_progress');
    ok(await call(t, m.worker, 'POST', `/v1/bookings/${completed.id}/complete`, { notes: 'Chased a squirrel' }));
    expect(await notices(t, { bookingId: completed.id, type: 'booking.completed' })).toEqual([
      expect.objectContaining({
        userId: m.petOwner.id,
        channels: DEFAULT_CHANNELS,
        mail: expect.objectContaining({ template: 'booking-completed', notes: 'Chased a squirrel', number: completed.number }),
      }),
    ]);
    // The walk report follows from its own job, enqueued with the completion.
    expect(await queued(t, 'tracking.report')).toContainEqual({ bookingId: completed.id });
  });

  it('a start tells the owner, with the generic mail', async () => {
    const b = await bookingIn('in_progress');
    const sent = await notices(t, { bookingId: b.id, type: 'booking.started' });
    expect(sent).toEqual([
      expect.objectContaining({ userId: m.petOwner.id, title: 'Neighbourhood walk started', data: dataOf(b), channels: DEFAULT_CHANNELS }),
    ]);
    expect(sent[0]!.mail).toMatchObject({ template: 'notification' });
    // Only the owner heard of anything since the request: confirmed, then started.
    expect((await notices(t, { bookingId: b.id })).filter((n) => n.userId !== m.petOwner.id).map((n) => n.type)).toEqual([
      'booking.requested',
      'booking.requested',
    ]);
  });

  it('an expired request tells the owner', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-20', '10:00') }));
    t.clock.set(new Date(Date.parse(b.expiresAt as string)));
    await t.app.platform.queue.enqueue(t.db, 'bookings.expire-due', {});
    await t.drain();
    t.clock.set(NOW);
    expect(await notices(t, { bookingId: b.id, type: 'booking.expired' })).toEqual([
      expect.objectContaining({ userId: m.petOwner.id, mail: expect.objectContaining({ template: 'booking-expired', number: b.number }) }),
    ]);
  });

  it('a cancellation tells the other parties, not the one who cancelled; the owner gets the cancelled calendar event', async () => {
    const byOwner = await bookingIn('pending');
    ok(await call(t, m.petOwner, 'POST', `/v1/bookings/${byOwner.id}/cancel`, { reason: 'Plans changed' }));
    const toBusiness = await notices(t, { bookingId: byOwner.id, type: 'booking.cancelled' });
    expect(toBusiness.map((n) => n.userId).sort()).toEqual([m.owner.id, m.worker.id].sort());
    expect(toBusiness[0]).toMatchObject({
      title: `Booking ${byOwner.number} cancelled`,
      message: expect.stringContaining('Robin Walker cancelled Neighbourhood walk'),
      mail: expect.objectContaining({ template: 'booking-cancelled', cancelledBy: 'Robin Walker', reason: 'Plans changed', refund: null }),
    });
    expect(toBusiness.every((n) => n.attachments === null)).toBe(true);

    const byBusiness = await bookingIn('confirmed');
    ok(await call(t, m.owner, 'POST', `/v1/bookings/${byBusiness.id}/cancel`, { reason: 'Walker is ill' }));
    const toOwner = await notices(t, { bookingId: byBusiness.id, type: 'booking.cancelled' });
    expect(toOwner.map((n) => n.userId).sort()).toEqual([m.petOwner.id, m.worker.id].sort());
    const ownerCopy = toOwner.find((n) => n.userId === m.petOwner.id)!;
    expect(ownerCopy.mail).toMatchObject({ template: 'booking-cancelled', firstName: 'Robin', reason: 'Walker is ill' });
    expect(ownerCopy.attachments![0]!.content).toContain('STATUS:CANCELLED');
  });

  it('a refused move tells nobody: the notifications roll back with it', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: nextSlot() }));
    // Not paid yet: the confirmation is refused.
    expect((await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`)).statusCode).toBe(409);
    expect((await notices(t, { bookingId: b.id })).map((n) => n.type)).toEqual(['booking.requested', 'booking.requested']);
  });
});

describe('live tracking hook', () => {
  it('hears of each status change after it committed, and of nothing refused', async () => {
    changes.length = 0;
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: nextSlot() }));
    expect((await call(t, m.owner, 'POST', `/spy/bookings/${b.id}/confirm`)).statusCode).toBe(409);
    expect(changes).toEqual([]);
    await pay(t, m.petOwner, b.id);
    ok(await call(t, m.owner, 'POST', `/spy/bookings/${b.id}/confirm`));
    const now = t.clock.now();
    // From the start window on (2 hours before the start).
    t.clock.set(new Date(Date.parse(b.startsAt) - 2 * 3_600_000));
    ok(await call(t, m.worker, 'POST', `/spy/bookings/${b.id}/start`));
    ok(await call(t, m.worker, 'POST', `/spy/bookings/${b.id}/complete`, {}));
    t.clock.set(now);
    expect(changes).toEqual([
      { bookingId: b.id, status: 'confirmed' },
      { bookingId: b.id, status: 'in_progress' },
      { bookingId: b.id, status: 'completed' },
    ]);
  });

  it('hears of every booking a series cancellation cancelled', async () => {
    changes.length = 0;
    const res = await t.app.inject({
      method: 'POST',
      url: '/spy/booking-series',
      headers: t.bearer(m.petOwner.accessToken),
      payload: { ...bookingBody(m), startsAt: berlin('2030-07-01', '10:00'), rule: { byDay: [1], count: 2 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { series, bookings } = res.json().data as { series: { id: string }; bookings: { id: string }[] };
    const cancel = await call(t, m.petOwner, 'POST', `/spy/booking-series/${series.id}/cancel`, { reason: 'Moving away' });
    ok(cancel);
    expect(cancel.json().data).toEqual({ cancelled: 2 });
    expect(changes).toEqual(bookings.map((b) => ({ bookingId: b.id, status: 'cancelled' })));
  });
});
