import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businesses } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet, newService } from '../support/marketplace.js';
import { berlin, book, booked, bookingCounts, world, type Marketplace } from './helpers.js';

/* Boarding (nights) and daycare (days): dates, prices and the business's daily capacity. */

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

describe('day services', () => {
  let boarding: string;
  let daycare: string;
  beforeAll(async () => {
    boarding = await newService(t, m.owner, m.businessId, {
      name: 'Boarding',
      type: 'boarding',
      priceType: 'per_night',
      priceMinor: 4000,
      additionalPetPriceMinor: 2500,
      durationMinutes: null,
    });
    daycare = await newService(t, m.owner, m.businessId, {
      name: 'Daycare',
      type: 'daycare',
      priceType: 'per_day',
      priceMinor: 3000,
      additionalPetPriceMinor: 0,
      durationMinutes: null,
    });
  });
  const dayBody = (serviceId: string, startDate: string, endDate: string, extra: Record<string, unknown> = {}) => ({
    serviceId,
    petIds: [m.petId],
    startDate,
    endDate,
    location: { kind: 'business' },
    ...extra,
  });

  it('boards by nights and cares by days, inclusive', async () => {
    const b = await booked(t, m.petOwner, dayBody(boarding, '2030-07-01', '2030-07-04'));
    expect(b).toMatchObject({
      kind: 'day',
      worker: null,
      startDate: '2030-07-01',
      endDate: '2030-07-04',
      startsAt: berlin('2030-07-01', '00:00').replace('Z', '.000Z'),
      endsAt: berlin('2030-07-04', '00:00').replace('Z', '.000Z'),
      location: { kind: 'business', lat: 52.53, lng: 13.38 },
      price: { totalMinor: 12000, lines: [{ code: 'base', quantity: 3 }] },
    });
    const d = await booked(t, m.petOwner, dayBody(daycare, '2030-07-01', '2030-07-03'));
    expect(d).toMatchObject({ startDate: '2030-07-01', endDate: '2030-07-03', price: { totalMinor: 9000, lines: [{ code: 'base', quantity: 3 }] } });
    // The same day is one day of daycare.
    expect((await booked(t, m.petOwner, dayBody(daycare, '2030-07-02', '2030-07-02'))).price.totalMinor).toBe(3000);
  });

  it('refuses bad dates with a 400', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [dayBody(boarding, '2030-07-01', '2030-07-01'), 'body.endDate'],
      [dayBody(boarding, '2030-07-05', '2030-07-01'), 'body.endDate'],
      [dayBody(boarding, '2030-06-03', '2030-06-05'), 'body.startDate'],
      [dayBody(boarding, '2030-06-01', '2030-06-05'), 'body.startDate'],
      [dayBody(boarding, '2030-07-01', '2030-08-15'), 'body.endDate'],
      [{ ...dayBody(boarding, '2030-07-01', '2030-07-03'), startsAt: berlin('2030-07-01', '10:00') }, 'body.startDate'],
      [{ ...dayBody(boarding, '2030-07-01', '2030-07-03'), workerId: m.worker.workerId }, 'body.workerId'],
      [{ serviceId: boarding, petIds: [m.petId], startsAt: berlin('2030-07-01', '10:00'), location: { kind: 'business' } }, 'body.startsAt'],
    ];
    const before = await bookingCounts(t);
    for (const [body, path] of cases) {
      const res = await book(t, m.petOwner, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await bookingCounts(t)).toEqual(before);
  });

  it('counts pets against the daily capacity: a full date is a 409, a closed one a 400', async () => {
    await t.db
      .update(businesses)
      .set({ dailyCapacity: 3, closedDates: ['2030-08-10'] })
      .where(eq(businesses.id, m.businessId));
    const second = await newPet(t, m.petOwner, { name: 'Bella' });
    await booked(t, m.petOwner, dayBody(boarding, '2030-08-01', '2030-08-03', { petIds: [m.petId, second] }));
    // Boarding and daycare share the capacity; the check-out date is free again.
    await booked(t, m.petOwner, dayBody(daycare, '2030-08-02', '2030-08-02'));
    const before = await bookingCounts(t);
    const full = await book(t, m.petOwner, dayBody(daycare, '2030-08-01', '2030-08-02'));
    expect(full.statusCode, full.body).toBe(409);
    expect(full.json().error.message).toContain('2030-08-02');
    const closed = await book(t, m.petOwner, dayBody(boarding, '2030-08-09', '2030-08-11'));
    expect(closed.statusCode).toBe(400);
    expect(closed.json().error.details[0]).toMatchObject({ path: 'body.startDate', code: 'closed' });
    expect(await bookingCounts(t)).toEqual(before);
    await booked(t, m.petOwner, dayBody(daycare, '2030-08-03', '2030-08-03'));
    await booked(t, m.petOwner, dayBody(daycare, '2030-08-01', '2030-08-01'));
  });
});
