import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { businesses } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet, newService } from '../support/marketplace.js';
import type { Caller } from '../businesses/fixtures.js';
import { slotsOf } from './view.js';
import { berlin, booked, bookingBody, call, coOwnerOf, pay, TOMORROW, world, ZONE, type Marketplace } from '../bookings/helpers.js';

/*
 * `excludeBookingId`: the owner moving a pending booking sees its own time (and the times next to it
 * that its travel buffer held) as free again; nobody else can name a booking there.
 */

let t: TestApp;
let m: Marketplace;
let coOwner: Caller;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  coOwner = await coOwnerOf(t, m);
});
afterAll(() => t.close());

const availability = (who: Caller | null, serviceId: string, query: string) => call(t, who, 'GET', `/v1/services/${serviceId}/availability?${query}`);

/** The local start times offered on `date` by the marketplace's worker. */
async function localStarts(who: Caller | null, date: string, extra = '') {
  const res = await availability(who, m.serviceId, `from=${date}&to=${date}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return slotsOf(res.json().data, m.worker.workerId).map((s) => DateTime.fromISO(s.startsAt, { zone: ZONE }).toFormat('HH:mm'));
}

/** 07:00 to 19:00 every 15 minutes: a free day of the marketplace's worker (open 07:00–20:00, 60-minute walks). */
const wholeDay = Array.from({ length: 49 }, (_, i) =>
  DateTime.fromObject({ hour: 7 }, { zone: 'UTC' })
    .plus({ minutes: 15 * i })
    .toFormat('HH:mm'),
);

function expectNotFound(res: { statusCode: number; json(): { error: { code: string; message: string } } }) {
  expect(res.statusCode).toBe(404);
  expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', message: 'Booking not found.' });
}

describe('GET /services/:id/availability?excludeBookingId', () => {
  it("offers the owner their pending booking's own time and the times its travel buffer held, only when asked", async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin(TOMORROW, '10:00') }));
    // 10:00–11:00 plus 15 minutes of travel: a walk from 09:00 to 11:00 would run into it.
    const held = ['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00'];
    expect(await localStarts(m.petOwner, TOMORROW)).toEqual(wholeDay.filter((time) => !held.includes(time)));
    expect(await localStarts(m.petOwner, TOMORROW, `&excludeBookingId=${b.id}`)).toEqual(wholeDay);
  });

  it('still counts every other booking of the worker', async () => {
    const date = '2030-06-05';
    const mine = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:00') }));
    const stranger = await t.newUser();
    const fido = await newPet(t, stranger, { name: 'Fido' });
    await booked(t, stranger, bookingBody(m, { petIds: [fido], startsAt: berlin(date, '14:00') }));
    const starts = await localStarts(m.petOwner, date, `&excludeBookingId=${mine.id}`);
    expect(starts).toContain('10:00');
    expect(starts).not.toContain('14:00');
    expect(starts).not.toContain('13:00');
  });

  it('is "not found" for anyone but the person who booked, and for a booking that is no longer pending', async () => {
    const date = '2030-06-06';
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:00') }));
    const query = `from=${date}&to=${date}&excludeBookingId=${b.id}`;
    expect((await availability(m.petOwner, m.serviceId, query)).statusCode).toBe(200);
    // Those who can see the booking but not move it, those who cannot see it, and nobody signed in.
    for (const who of [coOwner, m.owner, m.worker, m.admin, m.otherOwner, null]) expectNotFound(await availability(who, m.serviceId, query));
    // A booking that does not exist answers the same.
    expectNotFound(await availability(m.petOwner, m.serviceId, `from=${date}&to=${date}&excludeBookingId=${crypto.randomUUID()}`));
    // Another service of the same business: the booking is not one of its bookings.
    const other = await newService(t, m.owner, m.businessId, { name: 'Long walk', workerIds: [m.worker.workerId] });
    expectNotFound(await availability(m.petOwner, other, query));

    await pay(t, m.petOwner, b.id);
    expect((await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`)).statusCode).toBe(200);
    expectNotFound(await availability(m.petOwner, m.serviceId, query));
    // Without the parameter the confirmed booking's time is simply taken.
    expect(await localStarts(m.petOwner, date)).not.toContain('10:00');
  });

  it('refuses what is not an id', async () => {
    const res = await availability(m.petOwner, m.serviceId, `from=${TOMORROW}&to=${TOMORROW}&excludeBookingId=WD-7K3M-9Q2P`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('querystring.excludeBookingId');
  });

  it('day services: the places the booking takes are left again for its owner', async () => {
    const boarding = await newService(t, m.owner, m.businessId, {
      name: 'Boarding',
      type: 'boarding',
      priceType: 'per_night',
      priceMinor: 4000,
      durationMinutes: null,
    });
    await t.db.update(businesses).set({ dailyCapacity: 3 }).where(eq(businesses.id, m.businessId));
    const rex = await newPet(t, m.petOwner, { name: 'Rex' });
    const stay = await booked(t, m.petOwner, {
      serviceId: boarding,
      petIds: [m.petId, rex],
      location: { kind: 'business' },
      startDate: '2030-07-01',
      endDate: '2030-07-03',
    });
    const remaining = async (extra = '') => {
      const res = await availability(m.petOwner, boarding, `from=2030-07-01&to=2030-07-03${extra}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().data.days.map((d: { remaining: number }) => d.remaining);
    };
    expect(await remaining()).toEqual([1, 1, 3]);
    expect(await remaining(`&excludeBookingId=${stay.id}`)).toEqual([3, 3, 3]);
    expectNotFound(await availability(coOwner, boarding, `from=2030-07-01&to=2030-07-03&excludeBookingId=${stay.id}`));
  });
});
