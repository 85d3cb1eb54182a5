import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOKING_NUMBER_PATTERN, bookingNumberSchema } from '@walkydoggy/shared';
import { newBookingNumber } from '../../src/modules/bookings/booking-number.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet } from '../support/marketplace.js';
import type { Caller } from '../businesses/fixtures.js';
import { berlin, booked, bookingBody, call, coOwnerOf, world, type BookingView, type Marketplace } from './helpers.js';

let t: TestApp;
let m: Marketplace;
let coOwner: Caller;
let stranger: Caller;
let mine: BookingView;
let declined: BookingView;
let strangers: BookingView;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  coOwner = await coOwnerOf(t, m);
  stranger = await t.newUser();
  const fido = await newPet(t, stranger, { name: 'Fido' });
  mine = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-05', '10:00') }));
  declined = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-06', '10:00') }));
  expect((await call(t, m.owner, 'POST', `/v1/bookings/${declined.id}/decline`)).statusCode).toBe(200);
  strangers = await booked(t, stranger, bookingBody(m, { petIds: [fido], startsAt: berlin('2030-06-05', '14:00') }));
});
afterAll(() => t.close());

async function found(who: Caller, query: string) {
  const res = await call(t, who, 'GET', `/v1/bookings?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().data as BookingView[]).map((b) => b.number);
}

describe('GET /v1/bookings?number=', () => {
  it('finds exactly that booking, however the number is typed', async () => {
    expect(await found(m.petOwner, `number=${mine.number}`)).toEqual([mine.number]);
    expect(await found(m.petOwner, `number=${encodeURIComponent(` ${mine.number.toLowerCase()} `)}`)).toEqual([mine.number]);
    // Whatever its status: a declined booking is found too.
    expect(await found(m.petOwner, `number=${declined.number}`)).toEqual([declined.number]);
  });

  it('only among the bookings the caller may see', async () => {
    for (const who of [m.petOwner, coOwner, m.owner, m.worker, m.admin]) expect(await found(who, `number=${mine.number}`)).toEqual([mine.number]);
    // Someone else's booking is simply not in the caller's list.
    expect(await found(m.petOwner, `number=${strangers.number}`)).toEqual([]);
    expect(await found(stranger, `number=${mine.number}`)).toEqual([]);
    expect(await found(m.otherOwner, `number=${mine.number}`)).toEqual([]);
    expect(await found(m.otherWorker, `number=${mine.number}`)).toEqual([]);
    expect(await found(m.owner, `number=${strangers.number}`)).toEqual([strangers.number]);
    expect(await found(m.admin, `number=${strangers.number}`)).toEqual([strangers.number]);
    expect((await t.app.inject({ method: 'GET', url: `/v1/bookings?number=${mine.number}` })).statusCode).toBe(401);
  });

  it('goes with the other filters', async () => {
    expect(await found(m.petOwner, `number=${mine.number}&status=pending`)).toEqual([mine.number]);
    expect(await found(m.petOwner, `number=${mine.number}&status=cancelled`)).toEqual([]);
    expect(await found(m.owner, `number=${mine.number}&businessId=${m.businessId}&role=business`)).toEqual([mine.number]);
    expect(await found(m.owner, `number=${mine.number}&businessId=${m.otherBusinessId}`)).toEqual([]);
    expect(await found(m.admin, `number=${strangers.number}&ownerId=${m.petOwner.id}`)).toEqual([]);
  });

  it('refuses what cannot be a booking number, with the field named', async () => {
    for (const number of ['WD-7K3M', 'WD-7K3M-9Q2O', '7K3M9Q2P', "WD-7K3M-9Q2P' or '1'='1", '%25'])
      for (const who of [m.petOwner, m.admin]) {
        const res = await call(t, who, 'GET', `/v1/bookings?number=${encodeURIComponent(number)}`);
        expect(res.statusCode, number).toBe(400);
        expect(res.json().error.details).toEqual([
          expect.objectContaining({ path: 'querystring.number', message: 'A booking number looks like WD-7K3M-9Q2P.' }),
        ]);
      }
  });

  it('the shared pattern takes every number the API draws', () => {
    for (let i = 0; i < 2000; i++) {
      const number = newBookingNumber();
      expect(BOOKING_NUMBER_PATTERN.test(number), number).toBe(true);
      expect(bookingNumberSchema.parse(number.toLowerCase())).toBe(number);
    }
  });
});
