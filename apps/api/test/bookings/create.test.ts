import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingEvents, bookings, businesses, pets, services } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet, newService, setAvailability } from '../support/marketplace.js';
import { newBusiness, newWorker } from '../businesses/fixtures.js';
import { BOOKING_NUMBER_PATTERN } from '../../src/modules/bookings/booking-number.js';
import { berlin, book, booked, bookingBody, bookingCounts, call, HOME, notifiedMails, TOMORROW, world, type Marketplace } from './helpers.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
});
afterAll(() => t.close());

/** A second, unbooked day for each test, so they do not take each other's slots. */
let day = 4;
const nextDay = () => `2030-06-${String(++day).padStart(2, '0')}`;

describe('POST /v1/bookings', () => {
  it('books a walk: the server prices it, numbers it, assigns the free worker, records the request and mails the business', async () => {
    const date = nextDay();
    const before = await bookingCounts(t);
    // A price or total from the client is not part of the request: refused by name, nothing written.
    const priced = await book(t, m.petOwner, {
      ...bookingBody(m, { startsAt: berlin(date, '10:00'), notes: 'Ring twice' }),
      price: { totalMinor: 1 },
      totalMinor: 1,
    });
    expect(priced.statusCode, priced.body).toBe(400);
    expect(priced.json().error.details).toEqual([
      { path: 'body.price', message: 'Unknown field.', code: 'unrecognized_keys' },
      { path: 'body.totalMinor', message: 'Unknown field.', code: 'unrecognized_keys' },
    ]);
    expect(await bookingCounts(t)).toEqual(before);
    const res = await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:00'), notes: 'Ring twice' }));
    expect(res.statusCode, res.body).toBe(201);
    const b = res.json().data;
    expect(b).toMatchObject({
      status: 'pending',
      kind: 'slot',
      service: { id: m.serviceId, type: 'walking', priceType: 'per_session' },
      business: { id: m.businessId, timeZone: 'Europe/Berlin' },
      worker: { id: m.worker.workerId, name: 'Wendy Walker' },
      owner: { id: m.petOwner.id, name: 'Robin Walker' },
      pets: [{ id: m.petId, name: 'Rex', species: 'dog' }],
      startsAt: '2030-06-' + date.slice(8) + 'T08:00:00.000Z',
      endsAt: '2030-06-' + date.slice(8) + 'T09:00:00.000Z',
      durationMinutes: 60,
      petCount: 1,
      location: { kind: 'owner_home', lat: 52.531, lng: 13.381, address: HOME.address },
      notes: 'Ring twice',
      price: { currency: 'EUR', subtotalMinor: 2000, discountMinor: 0, totalMinor: 2000, lines: [{ code: 'base', amountMinor: 2000 }] },
      cancellationPolicy: 'moderate',
      payment: null,
      // 24 hours to answer (the business's setting), as the start is further away than that.
      expiresAt: '2030-06-04T06:00:00.000Z',
      events: [{ fromStatus: null, toStatus: 'pending', actorRole: 'owner' }],
      actions: ['cancel', 'edit', 'pay'],
    });
    expect(b.number).toMatch(BOOKING_NUMBER_PATTERN);
    const after = await bookingCounts(t);
    expect({
      bookings: after.bookings - before.bookings,
      pets: after.booking_pets - before.booking_pets,
      events: after.booking_events - before.booking_events,
    }).toEqual({
      bookings: 1,
      pets: 1,
      events: 1,
    });
    const mails = (await notifiedMails(t)).filter((j) => j.number === b.number);
    expect(mails.map((j) => [j.to, j.template]).sort()).toEqual(
      [
        [m.owner.email, 'booking-requested'],
        [m.worker.email, 'booking-requested'],
      ].sort(),
    );
    expect(mails[0]).toMatchObject({ ownerName: 'Robin Walker', serviceName: 'Neighbourhood walk', link: `http://walkydoggy.test/bookings/${b.id}` });
    expect(mails[0]!.when).toContain('10:00–11:00 (Europe/Berlin)');
  });

  it('a request closer than the expiry time expires at its start', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-03', '11:00') }));
    expect(b.expiresAt).toBe(berlin('2030-06-03', '11:00').replace('Z', '.000Z'));
  });

  it('prices hourly services by the quarter hour and additional pets per hour', async () => {
    const serviceId = await newService(t, m.owner, m.businessId, {
      name: 'Long walk',
      priceType: 'per_hour',
      priceMinor: 3000,
      additionalPetPriceMinor: 1000,
      durationMinutes: 60,
      workerIds: [m.worker.workerId],
    });
    const second = await newPet(t, m.petOwner, { name: 'Bella' });
    const b = await booked(t, m.petOwner, bookingBody(m, { serviceId, petIds: [m.petId, second], durationMinutes: 90, startsAt: berlin(nextDay(), '10:00') }));
    expect(b.price).toEqual({
      currency: 'EUR',
      lines: [
        { code: 'base', label: '1.5 hours', quantity: 1.5, unitMinor: 3000, amountMinor: 4500 },
        { code: 'additional_pets', label: '1 additional pet × 1.5 hours', quantity: 1.5, unitMinor: 1000, amountMinor: 1500 },
      ],
      subtotalMinor: 6000,
      discountMinor: 0,
      totalMinor: 6000,
    });
    expect(b).toMatchObject({ durationMinutes: 90, petCount: 2 });
    expect((b.pets as { name: string }[]).map((p) => p.name)).toEqual(['Bella', 'Rex']);
  });

  it('a co-owned pet can be booked by its co-owner', async () => {
    const coOwner = await t.newUser();
    const invite = await call(t, m.petOwner, 'POST', `/v1/pets/${m.petId}/co-owners`, { email: coOwner.email });
    expect(invite.statusCode).toBe(201);
    const { token } = await t.linkFor(coOwner.email, '/invitations/pet');
    expect((await call(t, coOwner, 'POST', '/v1/pet-invitations/accept', { token })).statusCode).toBe(200);
    const b = await booked(t, coOwner, bookingBody(m, { startsAt: berlin(nextDay(), '10:00') }));
    expect(b.owner).toEqual({ id: coOwner.id, name: 'Robin Walker', avatarUrl: null });
  });

  it('refuses every failing check with its field path, and writes nothing', async () => {
    const date = nextDay();
    const stranger = await t.newUser();
    const strangersPet = await newPet(t, stranger, { name: 'Stranger' });
    const cat = await newPet(t, m.petOwner, { name: 'Tom', species: 'cat' });
    const gone = await newPet(t, m.petOwner, { name: 'Old' });
    await t.db.update(pets).set({ status: 'deceased' }).where(eq(pets.id, gone));
    const unvaccinated = await newPet(t, m.petOwner, { name: 'Unjabbed' });
    const lapsing = await newPet(t, m.petOwner, { name: 'Lapsing' });
    const vaccinate = (petId: string, expiresOn: string) =>
      call(t, m.petOwner, 'POST', `/v1/pets/${petId}/vaccinations`, { name: 'rabies', administeredOn: '2030-01-10', expiresOn });
    expect((await vaccinate(lapsing, `${date.slice(0, 8)}${String(Number(date.slice(8)) - 1).padStart(2, '0')}`)).statusCode).toBe(201);
    const strict = await newService(t, m.owner, m.businessId, {
      name: 'Pack walk',
      maxPets: 1,
      requiredVaccinations: ['Rabies'],
      workerIds: [m.worker.workerId],
    });
    const boarding = await newService(t, m.owner, m.businessId, { name: 'Boarding', type: 'boarding', priceType: 'per_night', durationMinutes: null });
    const otherBusinessWorker = m.otherWorker.workerId;
    const hidden = await newService(t, m.owner, m.businessId, { name: 'Hidden' });
    await t.db.update(services).set({ active: false }).where(eq(services.id, hidden));
    const unverifiedOwner = await t.newUser({ role: 'business' });
    const unverifiedBusiness = await newBusiness(t, unverifiedOwner);
    const unverifiedService = await newService(t, unverifiedOwner, unverifiedBusiness);

    const at = (time: string) => berlin(date, time);
    const cases: [string, Record<string, unknown>, number, string | null][] = [
      ["someone else's pet", { petIds: [m.petId, strangersPet] }, 404, 'body.petIds.1'],
      ['a pet that does not exist', { petIds: ['5f0e9d8c-7b6a-4c3d-9e2f-1a0b9c8d7e6f'] }, 404, 'body.petIds.0'],
      ['a cat for a dog walk', { petIds: [cat] }, 400, 'body.petIds.0'],
      ['a pet no longer active', { petIds: [gone] }, 400, 'body.petIds.0'],
      ['more pets than the service takes', { serviceId: strict, petIds: [m.petId, lapsing] }, 400, 'body.petIds'],
      ['a missing required vaccination', { serviceId: strict, petIds: [unvaccinated] }, 400, 'body.petIds.0'],
      ['a vaccination expiring before the date', { serviceId: strict, petIds: [lapsing] }, 400, 'body.petIds.0'],
      ['the business as the place of a walk', { location: { kind: 'business' } }, 400, 'body.location.kind'],
      ['a point outside the service area', { location: { kind: 'custom', lat: 52.7, lng: 13.38 } }, 400, 'body.location'],
      ['boarding at home', { serviceId: boarding, startsAt: undefined, startDate: date, endDate: '2030-06-30' }, 400, 'body.location.kind'],
      ['no start time', { startsAt: undefined }, 400, 'body.startsAt'],
      ['dates for a walk', { startsAt: undefined, startDate: date, endDate: date }, 400, 'body.startDate'],
      ['a duration for a per-session service', { durationMinutes: 90 }, 400, 'body.durationMinutes'],
      ['a start off the 15-minute grid', { startsAt: at('10:05') }, 400, 'body.startsAt'],
      ['a start outside the opening hours', { startsAt: at('19:30') }, 400, 'body.startsAt'],
      ['a start less than an hour away', { startsAt: berlin('2030-06-03', '08:30') }, 400, 'body.startsAt'],
      ['a start in the past', { startsAt: berlin('2030-06-02', '10:00') }, 400, 'body.startsAt'],
      ['a worker of another business', { workerId: otherBusinessWorker }, 400, 'body.workerId'],
      ['an unknown service', { serviceId: '5f0e9d8c-7b6a-4c3d-9e2f-1a0b9c8d7e6f' }, 404, null],
      ['an inactive service', { serviceId: hidden }, 404, null],
      ['a service of an unverified business', { serviceId: unverifiedService }, 404, null],
      ['no pets', { petIds: [] }, 400, 'body.petIds'],
      ['the same pet twice', { petIds: [m.petId, m.petId] }, 400, 'body.petIds'],
    ];
    const before = await bookingCounts(t);
    for (const [what, overrides, status, path] of cases) {
      const res = await book(t, m.petOwner, bookingBody(m, { startsAt: at('10:00'), ...overrides }));
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      const error = res.json().error;
      if (path)
        expect(
          error.details?.map((d: { path: string }) => d.path),
          what,
        ).toContain(path);
      if (status === 404) expect(res.body, what).not.toContain('Stranger');
    }
    expect(await bookingCounts(t)).toEqual(before);
    // The same request with a good pet and time goes through.
    expect((await book(t, m.petOwner, bookingBody(m, { startsAt: at('10:00') }))).statusCode).toBe(201);
  });

  it('only verified pet owners book', async () => {
    const unverified = await t.newUser({ verified: false });
    const body = bookingBody(m, { startsAt: berlin(nextDay(), '10:00') });
    const before = await bookingCounts(t);
    expect((await book(t, unverified, body)).json().error.code).toBe('EMAIL_NOT_VERIFIED');
    expect((await book(t, m.owner, body)).statusCode).toBe(403);
    expect((await book(t, m.worker, body)).statusCode).toBe(403);
    expect((await book(t, m.admin, body)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/v1/bookings', payload: body })).statusCode).toBe(401);
    expect(await bookingCounts(t)).toEqual(before);
  });

  it('a vaccination valid through the last day is enough', async () => {
    const date = nextDay();
    const serviceId = await newService(t, m.owner, m.businessId, { name: 'Vet walk', requiredVaccinations: ['Rabies'], workerIds: [m.worker.workerId] });
    const petId = await newPet(t, m.petOwner, { name: 'Jabbed' });
    await call(t, m.petOwner, 'POST', `/v1/pets/${petId}/vaccinations`, { name: 'Rabies', administeredOn: '2030-01-10', expiresOn: date });
    expect((await book(t, m.petOwner, bookingBody(m, { serviceId, petIds: [petId], startsAt: berlin(date, '10:00') }))).statusCode).toBe(201);
  });

  it('without a drawn service area, a point within 10 km of the business is served', async () => {
    const date = nextDay();
    await t.db.update(businesses).set({ serviceArea: null }).where(eq(businesses.id, m.businessId));
    try {
      // 0.08° of latitude is about 8.9 km; 0.1° is about 11 km.
      const near = await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:00'), location: { kind: 'custom', lat: 52.61, lng: 13.38 } }));
      expect(near.statusCode, near.body).toBe(201);
      const far = await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '14:00'), location: { kind: 'custom', lat: 52.63, lng: 13.38 } }));
      expect(far.statusCode).toBe(400);
      expect(far.json().error.details[0]).toMatchObject({ path: 'body.location', code: 'outside_service_area' });
    } finally {
      const res = await call(t, m.owner, 'PUT', `/v1/businesses/${m.businessId}`, {
        serviceArea: {
          type: 'Polygon',
          coordinates: [
            [
              [13.33, 52.48],
              [13.43, 52.48],
              [13.43, 52.58],
              [13.33, 52.58],
              [13.33, 52.48],
            ],
          ],
        },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  it('a worker is never booked twice: an overlap or the travel buffer is a 409', async () => {
    const date = nextDay();
    const worker = m.worker.workerId;
    await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:00'), workerId: worker }));
    const before = await bookingCounts(t);
    // 10:00–11:00 holds the worker until 11:15 (15 minutes to travel).
    for (const time of ['10:00', '10:30', '11:00', '09:15']) {
      const res = await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, time), workerId: worker }));
      expect(res.statusCode, `${time}: ${res.body}`).toBe(409);
      expect(res.json().error.code).toBe('CONFLICT');
    }
    // Without a named worker it is the same when nobody else could do it.
    expect((await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:30') }))).statusCode).toBe(409);
    expect(await bookingCounts(t)).toEqual(before);
    expect((await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '11:15'), workerId: worker }))).statusCode).toBe(201);
    expect((await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '08:45'), workerId: worker }))).statusCode).toBe(201);
  });

  it('assigns the free worker with the fewest bookings that day, or the one named', async () => {
    const date = nextDay();
    const second = await newWorker(t, m.businessId, m.owner);
    await setAvailability(t, second.workerId);
    const serviceId = await newService(t, m.owner, m.businessId, { name: 'Team walk', workerIds: [m.worker.workerId, second.workerId] });
    const first = await booked(t, m.petOwner, bookingBody(m, { serviceId, startsAt: berlin(date, '10:00') }));
    const other = await booked(t, m.petOwner, bookingBody(m, { serviceId, startsAt: berlin(date, '10:00') }));
    expect(new Set([first.worker!.id, other.worker!.id])).toEqual(new Set([m.worker.workerId, second.workerId]));
    // Both are busy at 10:00 now.
    expect((await book(t, m.petOwner, bookingBody(m, { serviceId, startsAt: berlin(date, '10:00') }))).statusCode).toBe(409);
    const named = await booked(t, m.petOwner, bookingBody(m, { serviceId, startsAt: berlin(date, '14:00'), workerId: second.workerId }));
    expect(named.worker!.id).toBe(second.workerId);
  });
});

describe('Idempotency-Key', () => {
  it('a retry with the same key answers the first result again and creates nothing', async () => {
    const body = bookingBody(m, { startsAt: berlin(nextDay(), '10:00') });
    const key = { 'idempotency-key': 'create-booking-1' };
    const first = await book(t, m.petOwner, body, key);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const after = await bookingCounts(t);
    const retry = await book(t, m.petOwner, body, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await bookingCounts(t)).toEqual(after);
    // Another owner's key space is their own.
    const other = await t.newUser();
    const otherPet = await newPet(t, other);
    expect((await book(t, other, { ...body, petIds: [otherPet], startsAt: berlin(TOMORROW, '16:00') }, key)).headers['idempotent-replayed']).toBeUndefined();
  });

  it('the same key with a different body is a 422; without a key, two requests are two bookings', async () => {
    const date = nextDay();
    const key = { 'idempotency-key': 'create-booking-2' };
    expect((await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:00') }), key)).statusCode).toBe(201);
    const before = await bookingCounts(t);
    const changed = await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '14:00') }), key);
    expect(changed.statusCode).toBe(422);
    expect(changed.json().error.code).toBe('UNPROCESSABLE');
    expect(await bookingCounts(t)).toEqual(before);
    expect((await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '14:00') }))).statusCode).toBe(201);
    expect((await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '16:00') }))).statusCode).toBe(201);
    expect((await bookingCounts(t)).bookings).toBe(before.bookings + 2);
  });

  it('a refused request does not use up its key', async () => {
    const date = nextDay();
    const key = { 'idempotency-key': 'create-booking-3' };
    await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:00') }));
    const body = bookingBody(m, { startsAt: berlin(date, '10:00') });
    expect((await book(t, m.petOwner, body, key)).statusCode).toBe(409);
    await t.db
      .update(bookings)
      .set({ status: 'cancelled' })
      .where(eq(bookings.startsAt, new Date(berlin(date, '10:00'))));
    const again = await book(t, m.petOwner, body, key);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect((await t.db.select().from(bookingEvents).where(eq(bookingEvents.bookingId, again.json().data.id))).length).toBe(1);
  });

  it('refuses a malformed key with a 400', async () => {
    const res = await book(t, m.petOwner, bookingBody(m, { startsAt: berlin(nextDay(), '10:00') }), { 'idempotency-key': 'x'.repeat(201) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('headers.idempotency-key');
  });
});
