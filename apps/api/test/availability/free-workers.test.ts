import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestApp, type TestApp } from '../support/app.js';
import { allWeek, EVERY_DAY, marketplace, newService, setAvailability, type Marketplace } from '../support/marketplace.js';
import { newWorker } from '../businesses/fixtures.js';
import { createAvailability } from '../../src/modules/availability/availability.service.js';
import { insertBooking } from './factory.js';
import { slotsOf } from './view.js';

/** What booking creation calls inside its transaction: `freeWorkers` and `dayAvailability`. */

let t: TestApp;
let availability: ReturnType<typeof createAvailability>;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-06-01T00:00:00Z'));
  availability = createAvailability(t.app.platform);
});
afterAll(() => t.close());

const at = (isoLocal: string, zone = 'Europe/Berlin') => DateTime.fromISO(isoLocal, { zone }).toJSDate();

describe('freeWorkers', () => {
  let m: Marketplace;
  let open: string;
  let low: string;
  let high: string;
  beforeAll(async () => {
    m = await marketplace(t);
    const second = await newWorker(t, m.businessId, m.owner);
    await setAvailability(t, second.workerId);
    open = await newService(t, m.owner, m.businessId, { name: 'Anyone walks' });
    [low, high] = [m.worker.workerId, second.workerId].sort() as [string, string];
  });
  const booking = (workerId: string, start: string, end: string, blockedUntil: string) =>
    insertBooking(t, {
      ownerId: m.petOwner.id,
      businessId: m.businessId,
      serviceId: open,
      workerId,
      startsAt: at(start),
      endsAt: at(end),
      blockedUntil: at(blockedUntil),
    });
  const free = (startsAt: Date, more: { durationMinutes?: number; workerId?: string; excludeBookingId?: string; serviceId?: string } = {}) =>
    availability.freeWorkers(t.db, { serviceId: open, startsAt, durationMinutes: 60, ...more });

  it('gives every free worker, by id when their days are equally full', async () => {
    expect(await free(at('2026-06-02T10:00'))).toEqual([low, high]);
  });

  it('puts the worker with fewer bookings that local day first', async () => {
    await booking(low, '2026-06-02T14:00', '2026-06-02T15:00', '2026-06-02T15:15');
    // A booking on another day does not count.
    await booking(high, '2026-06-03T14:00', '2026-06-03T15:00', '2026-06-03T15:15');
    expect(await free(at('2026-06-02T10:00'))).toEqual([high, low]);
  });

  it('leaves out a worker whose booking (or its buffer) overlaps, unless that booking is the one being moved', async () => {
    const moved = await booking(high, '2026-06-02T11:00', '2026-06-02T12:00', '2026-06-02T12:15');
    expect(await free(at('2026-06-02T10:00'))).toEqual([low]); // would end 11:00, + 15 min buffer
    expect(await free(at('2026-06-02T09:45'))).toEqual([low, high]);
    expect(await free(at('2026-06-02T10:00'), { excludeBookingId: moved })).toEqual([high, low]);
  });

  it('restricts to the named worker', async () => {
    expect(await free(at('2026-06-02T09:00'), { workerId: high })).toEqual([high]);
    expect(await free(at('2026-06-02T09:00'), { workerId: m.otherWorker.workerId })).toEqual([]);
  });

  it('follows the service: only its listed worker', async () => {
    expect(await free(at('2026-06-02T09:00'), { serviceId: m.serviceId })).toEqual([m.worker.workerId]);
  });

  it('takes the duration given (per-hour bookings)', async () => {
    expect(await free(at('2026-06-02T17:00'), { durationMinutes: 180 })).toEqual([low, high]);
    expect(await free(at('2026-06-02T17:00'), { durationMinutes: 195 })).toEqual([]);
  });

  it('refuses what is not a slot: off the 15-minute grid, too soon, unknown service', async () => {
    expect(await free(at('2026-06-02T09:05'))).toEqual([]);
    t.clock.set(at('2026-06-02T08:30'));
    try {
      expect(await free(at('2026-06-02T09:15'))).toEqual([]);
      expect(await free(at('2026-06-02T09:30'))).toEqual([low, high]);
    } finally {
      t.clock.set(new Date('2026-06-01T00:00:00Z'));
    }
    expect(await free(at('2026-06-02T10:00'), { serviceId: crypto.randomUUID() })).toEqual([]);
  });

  it('agrees with the route on every quarter hour of a day', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/services/${open}/availability?from=2026-06-02&to=2026-06-02` });
    const offered = new Map<string, Set<string>>(
      res.json().data.workers.map((w: { workerId: string }) => [w.workerId, new Set(slotsOf(res.json().data, w.workerId).map((s) => s.startsAt))]),
    );
    for (let s = at('2026-06-02T06:00').getTime(); s < at('2026-06-02T21:00').getTime(); s += 15 * 60_000) {
      const startsAt = new Date(s);
      const expected = [low, high].filter((id) => offered.get(id)!.has(startsAt.toISOString()));
      expect((await free(startsAt)).sort(), startsAt.toISOString()).toEqual(expected);
    }
  });

  it('runs inside a transaction on the transaction', async () => {
    const inside = await t.db.transaction((tx) => availability.freeWorkers(tx, { serviceId: open, startsAt: at('2026-06-02T09:00'), durationMinutes: 60 }));
    expect(inside).toEqual([low, high]); // one booking each that day
  });
});

describe('freeWorkers on a fall-back day (America/New_York, 2026-11-01)', () => {
  it('offers and accepts both 01:00 instants', async () => {
    const m = await marketplace(t, { timeZone: 'America/New_York', business: { operatingHours: allWeek('00:00', '23:59') } });
    await setAvailability(
      t,
      m.worker.workerId,
      EVERY_DAY.map((day) => ({ day, start: '00:00', end: '03:00' })),
    );
    const res = await t.app.inject({ method: 'GET', url: `/v1/services/${m.serviceId}/availability?from=2026-11-01&to=2026-11-01` });
    const starts = slotsOf(res.json().data).map((s: { startsAt: string }) => s.startsAt);
    expect(starts).toContain('2026-11-01T05:00:00.000Z'); // 01:00 EDT
    expect(starts).toContain('2026-11-01T06:00:00.000Z'); // 01:00 EST
    expect(starts).toHaveLength(13); // 00:00–03:00 on the clock is four real hours: 13 hour-long slots
    for (const s of ['2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z'])
      expect(await availability.freeWorkers(t.db, { serviceId: m.serviceId, startsAt: new Date(s), durationMinutes: 60 })).toEqual([m.worker.workerId]);
  });
});

describe('dayAvailability', () => {
  let m: Marketplace;
  let boarding: string;
  let stay: string;
  beforeAll(async () => {
    m = await marketplace(t, { business: { dailyCapacity: 3 } });
    boarding = await newService(t, m.owner, m.businessId, { type: 'boarding', priceType: 'per_night', durationMinutes: null });
    stay = await insertBooking(t, {
      ownerId: m.petOwner.id,
      businessId: m.businessId,
      serviceId: boarding,
      kind: 'day',
      locationKind: 'business',
      startsAt: at('2026-06-10T00:00'),
      endsAt: at('2026-06-12T00:00'),
      startDate: '2026-06-10',
      endDate: '2026-06-12',
      petCount: 2,
    });
  });

  it('gives each date of [startDate, endDate) with the capacity left', async () => {
    expect(await availability.dayAvailability(t.db, { businessId: m.businessId, unit: 'night', startDate: '2026-06-09', endDate: '2026-06-12' })).toEqual([
      { date: '2026-06-09', open: true, remaining: 3 },
      { date: '2026-06-10', open: true, remaining: 1 },
      { date: '2026-06-11', open: true, remaining: 1 },
    ]);
  });

  it('ignores the booking being changed, and runs inside a transaction', async () => {
    const days = await t.db.transaction((tx) =>
      availability.dayAvailability(tx, { businessId: m.businessId, unit: 'night', startDate: '2026-06-10', endDate: '2026-06-11', excludeBookingId: stay }),
    );
    expect(days).toEqual([{ date: '2026-06-10', open: true, remaining: 3 }]);
  });

  it('is a 404 for a business that does not exist', async () => {
    await expect(
      availability.dayAvailability(t.db, { businessId: crypto.randomUUID(), unit: 'day', startDate: '2026-06-10', endDate: '2026-06-11' }),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
