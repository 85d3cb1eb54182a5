import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { businesses } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { allWeek, newService, setAvailability } from '../support/marketplace.js';
import { newBusiness, newWorker, square } from '../businesses/fixtures.js';
import { insertBooking } from '../availability/factory.js';

/**
 * The availability filter of the business search against the slot engine itself, on the day
 * Europe/London springs forward (2026-03-29: 01:00 GMT becomes 02:00 BST, local 01:00–02:00 never
 * happens). The oracle asks GET /v1/services/:id/availability for each business's service and keeps
 * the slots inside the window, with the window's instants written out by hand for that day.
 */
const DAY = '2026-03-29';
const SEARCH = { lat: 51.5, lng: -0.12 };

/** The instant (ms) the London wall clock first shows `hhmm` or later on 2026-03-29. */
function londonInstant(hhmm: string): number {
  const m = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const utcMinutes = m < 60 ? m : m < 120 ? 60 : m - 60;
  return Date.parse(`${DAY}T00:00:00Z`) + utcMinutes * 60_000;
}

// Sunday windows of each business's one worker (2026-03-29 is a Sunday), and what else is special.
const PLANS: { name: string; windows: { start: string; end: string }[]; maxPets?: number; bookedAllWindow?: boolean }[] = [
  { name: 'Midnight Walks', windows: [{ start: '00:00', end: '03:00' }] },
  { name: 'Gap Walks', windows: [{ start: '01:00', end: '02:00' }] },
  { name: 'Early Birds', windows: [{ start: '02:00', end: '03:30' }] },
  { name: 'Morning Paws', windows: [{ start: '09:00', end: '12:00' }] },
  { name: 'Afternoon Tails', windows: [{ start: '13:00', end: '17:00' }] },
  { name: 'Weekday Only', windows: [] },
  { name: 'Half Past', windows: [{ start: '00:30', end: '01:30' }] },
  { name: 'Solo Dog', windows: [{ start: '09:00', end: '12:00' }], maxPets: 1 },
  { name: 'Fully Booked', windows: [{ start: '10:00', end: '11:00' }], bookedAllWindow: true },
];

let t: TestApp;
const serviceOf = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(new Date('2026-03-20T12:00:00Z'));
  const owner = await t.newUser({ role: 'business' });
  const petOwner = await t.newUser({ role: 'pet_owner' });
  for (const [i, plan] of PLANS.entries()) {
    const lat = SEARCH.lat + i * 0.002;
    const businessId = await newBusiness(t, owner, {
      status: 'verified',
      body: {
        name: plan.name,
        location: { lat, lng: SEARCH.lng },
        serviceArea: square(SEARCH.lng, lat, 0.1),
        timeZone: 'Europe/London',
        address: { street: `${i + 1} High Street`, city: 'London', region: 'Fulham', postalCode: 'SW6', country: 'GB' },
      },
    });
    await t.db
      .update(businesses)
      .set({ operatingHours: allWeek('00:00', '23:45'), closedDates: [], travelBufferMinutes: 0 })
      .where(eq(businesses.id, businessId));
    const worker = await newWorker(t, businessId, owner);
    await setAvailability(t, worker.workerId, [...plan.windows.map((w) => ({ day: 0, ...w })), { day: 1, start: '09:00', end: '17:00' }]);
    const serviceId = await newService(t, owner, businessId, {
      type: 'walking',
      durationMinutes: 60,
      currency: 'GBP',
      workerIds: [worker.workerId],
      maxPets: plan.maxPets ?? 3,
    });
    serviceOf.set(businessId, serviceId);
    if (plan.bookedAllWindow)
      await insertBooking(t, {
        ownerId: petOwner.id,
        businessId,
        serviceId,
        workerId: worker.workerId,
        status: 'confirmed',
        startsAt: new Date(londonInstant('10:00')),
        endsAt: new Date(londonInstant('11:00')),
        blockedUntil: new Date(londonInstant('11:00')),
      });
  }
}, 240_000);
afterAll(() => t.close());

async function oracle(window: { from: string; to: string; pets: number }): Promise<Set<string>> {
  const ok = new Set<string>();
  for (const [businessId, serviceId] of serviceOf) {
    const res = await t.app.inject({ url: `/v1/services/${serviceId}/availability?from=${DAY}&to=${DAY}&pets=${window.pets}` });
    if (res.statusCode === 400) continue; // more pets than the service takes
    const slots = res.json().data.slots as { startsAt: string; endsAt: string }[];
    if (slots.some((s) => Date.parse(s.startsAt) >= londonInstant(window.from) && Date.parse(s.endsAt) <= londonInstant(window.to))) ok.add(businessId);
  }
  return ok;
}

async function listed(window: { from: string; to: string; pets: number }, limit = 20): Promise<{ ids: Set<string>; pages: number }> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string =
      `/v1/businesses/search?lat=${SEARCH.lat}&lng=${SEARCH.lng}&serviceType=walking&availableOn=${DAY}` +
      `&from=${window.from}&to=${window.to}&pets=${window.pets}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await t.app.inject({ url });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { data: { id: string }[]; meta: { checked: number; nextCursor: string | null } };
    expect(body.meta.checked).toBeLessThanOrEqual(40);
    for (const b of body.data) {
      expect(ids.has(b.id)).toBe(false);
      ids.add(b.id);
    }
    cursor = body.meta.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  return { ids, pages };
}

const names = (ids: Set<string>) => [...ids].map((id) => PLANS[[...serviceOf.keys()].indexOf(id)]!.name).sort();

describe('GET /v1/businesses/search?availableOn= on the spring-forward day in Europe/London', () => {
  const WINDOWS = [
    { from: '00:00', to: '03:00', pets: 1 },
    { from: '01:00', to: '02:30', pets: 1 },
    { from: '01:30', to: '03:30', pets: 1 },
    { from: '02:00', to: '04:00', pets: 1 },
    { from: '09:00', to: '12:00', pets: 1 },
    { from: '09:00', to: '12:00', pets: 2 },
    { from: '10:00', to: '11:00', pets: 1 },
    { from: '00:00', to: '24:00', pets: 1 },
  ];

  for (const window of WINDOWS)
    it(`lists exactly the businesses the slot engine has a slot for, ${window.from}–${window.to}, ${window.pets} pet(s)`, async () => {
      const expected = await oracle(window);
      const { ids } = await listed(window);
      expect(names(ids)).toEqual(names(expected));
    });

  it('the windows tell the businesses apart (the oracle is not trivially all or none)', async () => {
    // "Half Past" (00:30–01:30) and "Gap Walks" (01:00–02:00) lose their hour to the jump: no 60-minute slot fits.
    expect(names(await oracle({ from: '00:00', to: '03:00', pets: 1 }))).toEqual(['Early Birds', 'Midnight Walks']);
    expect(names(await oracle({ from: '09:00', to: '12:00', pets: 2 }))).toEqual(['Morning Paws']);
    expect(names(await oracle({ from: '10:00', to: '11:00', pets: 1 }))).toEqual(['Morning Paws', 'Solo Dog']);
  });

  it('pages through the same set, one business a page, without repeats', async () => {
    const window = { from: '00:00', to: '24:00', pets: 1 };
    const { ids, pages } = await listed(window, 1);
    expect(names(ids)).toEqual(names(await oracle(window)));
    expect(pages).toBeGreaterThanOrEqual(ids.size);
  });

  it('refuses a time without a date, a date without a service type, and an end before the start', async () => {
    const base = `/v1/businesses/search?lat=${SEARCH.lat}&lng=${SEARCH.lng}`;
    for (const query of [
      '&from=09:00',
      `&availableOn=${DAY}`,
      `&serviceType=walking&availableOn=${DAY}&from=12:00&to=09:00`,
      `&serviceType=walking&availableOn=2026-02-30`,
      `&serviceType=walking&availableOn=${DAY}&from=25:00`,
      `&serviceType=walking&availableOn=${DAY}&pets=0`,
    ]) {
      const res = await t.app.inject({ url: base + query });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_ERROR');
    }
  });
});
