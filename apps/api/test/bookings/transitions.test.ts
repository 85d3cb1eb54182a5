import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { newService } from '../support/marketplace.js';
import { newWorker, type Caller } from '../businesses/fixtures.js';
import { bookingInState, bookingStatus, call, coOwnerOf, ok, slotSequence, startEarly, world, type Marketplace, type State } from './helpers.js';

/* Who may make which move of a booking, and what each caller is offered. */

let t: TestApp;
let m: Marketplace;
let coOwner: Caller;
let otherOwner: Caller;
let teamWorker: Caller;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  coOwner = await coOwnerOf(t, m);
  otherOwner = await t.newUser();
  teamWorker = await newWorker(t, m.businessId, m.owner);
});
afterAll(() => t.close());

const nextSlot = slotSequence('2030-06-05');
const bookingIn = (state: State, body: Record<string, unknown> = {}) => bookingInState(t, m, state, nextSlot(), body);
const statusOf = (id: string) => bookingStatus(t, id);

type Who = 'owner' | 'coOwner' | 'otherOwner' | 'business' | 'otherBusiness' | 'worker' | 'teamWorker' | 'admin' | 'anonymous';
const WHO: Who[] = ['owner', 'coOwner', 'otherOwner', 'business', 'otherBusiness', 'worker', 'teamWorker', 'admin', 'anonymous'];
const caller = (who: Who): Caller | null =>
  ({
    owner: m.petOwner,
    coOwner,
    otherOwner,
    business: m.owner,
    otherBusiness: m.otherOwner,
    worker: m.worker,
    teamWorker,
    admin: m.admin,
    anonymous: null,
  })[who];

describe('who may move a booking', () => {
  const moves: { action: string; from: State; to: string; body?: Record<string, unknown>; expected: Record<Who, number> }[] = [
    {
      action: 'confirm',
      from: 'paid',
      to: 'confirmed',
      expected: { owner: 403, coOwner: 403, otherOwner: 404, business: 200, otherBusiness: 404, worker: 200, teamWorker: 404, admin: 403, anonymous: 401 },
    },
    {
      action: 'decline',
      from: 'pending',
      to: 'declined',
      body: { reason: 'Fully booked' },
      expected: { owner: 403, coOwner: 403, otherOwner: 404, business: 200, otherBusiness: 404, worker: 200, teamWorker: 404, admin: 403, anonymous: 401 },
    },
    {
      action: 'start',
      from: 'confirmed',
      to: 'in_progress',
      // A worker is assigned, so the business owner does not stand in.
      expected: { owner: 403, coOwner: 403, otherOwner: 404, business: 403, otherBusiness: 404, worker: 200, teamWorker: 404, admin: 403, anonymous: 401 },
    },
    {
      action: 'complete',
      from: 'in_progress',
      to: 'completed',
      body: { notes: 'A lovely walk' },
      expected: { owner: 403, coOwner: 403, otherOwner: 404, business: 403, otherBusiness: 404, worker: 200, teamWorker: 404, admin: 403, anonymous: 401 },
    },
    {
      action: 'cancel',
      from: 'pending',
      to: 'cancelled',
      body: { reason: 'Plans changed' },
      expected: { owner: 200, coOwner: 403, otherOwner: 404, business: 200, otherBusiness: 404, worker: 403, teamWorker: 404, admin: 200, anonymous: 401 },
    },
  ];

  for (const move of moves)
    it(`${move.action}: ${Object.entries(move.expected)
      .filter(([, s]) => s === 200)
      .map(([w]) => w)
      .join(', ')} only`, async () => {
      const actual = {} as Record<Who, number>;
      for (const who of WHO) {
        const b = await bookingIn(move.from);
        const before = await statusOf(b.id);
        // Starting is allowed from the start window on (2 hours before the start by default).
        const now = t.clock.now();
        if (move.action === 'start') t.clock.set(new Date(Date.parse(b.startsAt) - 2 * 3_600_000));
        const res = await call(t, caller(who), 'POST', `/v1/bookings/${b.id}/${move.action}`, move.body);
        t.clock.set(now);
        actual[who] = res.statusCode;
        if (res.statusCode === 200) {
          expect(res.json().data.status).toBe(move.to);
          expect(await statusOf(b.id)).toBe(move.to);
        } else {
          expect(res.json().success, `${who}: ${res.body}`).toBe(false);
          expect(await statusOf(b.id), who).toBe(before);
          // Callers who cannot see the booking learn nothing about it.
          if (res.statusCode === 404) expect(res.body).not.toContain(b.number);
        }
      }
      expect(actual).toEqual(move.expected);
    });

  it('reading a booking: its people and admins; others get 404', async () => {
    const b = await bookingIn('pending');
    const expected: Record<Who, number> = {
      owner: 200,
      coOwner: 200,
      otherOwner: 404,
      business: 200,
      otherBusiness: 404,
      worker: 200,
      teamWorker: 404,
      admin: 200,
      anonymous: 401,
    };
    const actual = {} as Record<Who, number>;
    for (const who of WHO) actual[who] = (await call(t, caller(who), 'GET', `/v1/bookings/${b.id}`)).statusCode;
    expect(actual).toEqual(expected);
  });

  it('the actions each caller is offered match what they may do', async () => {
    const b = await bookingIn('paid');
    const actions = async (who: Who) => (await call(t, caller(who), 'GET', `/v1/bookings/${b.id}`)).json().data.actions;
    expect(await actions('owner')).toEqual(['cancel', 'edit']);
    expect(await actions('coOwner')).toEqual([]);
    expect(await actions('business')).toEqual(['confirm', 'decline', 'cancel', 'edit']);
    expect(await actions('worker')).toEqual(['confirm', 'decline']);
    expect(await actions('admin')).toEqual(['cancel']);
    const unpaid = await bookingIn('pending');
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${unpaid.id}`)).json().data.actions).toEqual(['cancel', 'edit', 'pay']);
    expect((await call(t, m.owner, 'GET', `/v1/bookings/${unpaid.id}`)).json().data.actions).toEqual(['decline', 'cancel', 'edit']);
    const done = await bookingIn('completed');
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${done.id}`)).json().data.actions).toEqual(['tip']);
  });

  it('without an assigned worker, the business owner starts and completes', async () => {
    const boarding = await newService(t, m.owner, m.businessId, { name: 'Boarding', type: 'boarding', priceType: 'per_night', durationMinutes: null });
    const b = await bookingIn('confirmed', {
      serviceId: boarding,
      startsAt: undefined,
      startDate: '2030-07-01',
      endDate: '2030-07-03',
      location: { kind: 'business' },
    });
    expect(b.worker).toBeNull();
    expect((await call(t, m.worker, 'POST', `/v1/bookings/${b.id}/start`)).statusCode).toBe(404);
    await startEarly(t, m.owner, b.id, b.startsAt);
    ok(await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/complete`, {}));
    const events = (await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}`)).json().data.events;
    expect(events.map((e: { toStatus: string; actorRole: string }) => `${e.toStatus}:${e.actorRole}`)).toEqual([
      'pending:owner',
      'confirmed:business',
      'in_progress:business',
      'completed:business',
    ]);
  });
});
