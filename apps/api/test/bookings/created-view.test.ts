import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { petPhotos, workers } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet, newService, setAvailability } from '../support/marketplace.js';
import { newMedia } from '../businesses/fixtures.js';
import { berlin, book, bookingBody, call, coOwnerOf, HOME, notifiedMails, world, type Marketplace } from './helpers.js';
import type { Caller } from '../businesses/fixtures.js';

/*
 * POST /v1/bookings answers with the booking built from what making it established (the checks' reads
 * and the insert's RETURNING) instead of reading it back. Whatever the kind of booking, that answer
 * must be exactly what GET /v1/bookings/:id then shows the same caller.
 */

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  // Photos on the worker and the pet, so that their URLs are part of the comparison.
  const workerPhoto = await newMedia(t, m.worker.id, 'worker_photo');
  await t.db.update(workers).set({ photoMediaId: workerPhoto }).where(eq(workers.id, m.worker.workerId));
  await t.db.insert(petPhotos).values({ petId: m.petId, mediaId: await newMedia(t, m.petOwner.id, 'pet_photo') });
});
afterAll(() => t.close());

let day = 9;
const nextDay = () => `2030-06-${String(++day).padStart(2, '0')}`;

async function expectSameAsGet(who: Caller, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await book(t, who, body, headers);
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json().data;
  const got = await call(t, who, 'GET', `/v1/bookings/${created.id}`);
  expect(got.statusCode).toBe(200);
  expect(created).toEqual(got.json().data);
  return created as { id: string; number: string; [key: string]: unknown };
}

describe('the 201 of POST /v1/bookings is the booking as GET shows it', () => {
  it('a walk with the worker named, two pets, notes and instructions', async () => {
    const second = await newPet(t, m.petOwner, { name: 'bella' });
    const b = await expectSameAsGet(
      m.petOwner,
      bookingBody(m, {
        petIds: [m.petId, second],
        startsAt: berlin(nextDay(), '09:15'),
        workerId: m.worker.workerId,
        notes: 'Ring twice',
        specialInstructions: 'Keep away from the canal',
      }),
    );
    expect((b.worker as { photoUrl: string | null }).photoUrl).toMatch(/^\/v1\/media\/.+\/file$/);
    expect((b.pets as { photoUrl: string | null }[]).filter((p) => p.photoUrl)).toHaveLength(1);
  });

  it('a walk at a custom place, the worker chosen by the server', async () => {
    await expectSameAsGet(m.petOwner, bookingBody(m, { startsAt: berlin(nextDay(), '12:00'), location: { kind: 'custom', lat: 52.52, lng: 13.4 } }));
  });

  it('grooming at the business, an hourly service, and daycare booked by the day', async () => {
    const grooming = await newService(t, m.owner, m.businessId, { name: 'Wash', type: 'grooming', workerIds: [m.worker.workerId] });
    await expectSameAsGet(m.petOwner, { serviceId: grooming, petIds: [m.petId], startsAt: berlin(nextDay(), '14:00'), location: { kind: 'business' } });
    const hourly = await newService(t, m.owner, m.businessId, { name: 'Sitting', type: 'sitting', priceType: 'per_hour', workerIds: [m.worker.workerId] });
    await expectSameAsGet(m.petOwner, { serviceId: hourly, petIds: [m.petId], startsAt: berlin(nextDay(), '08:00'), durationMinutes: 135, location: HOME });
    const daycare = await newService(t, m.owner, m.businessId, { name: 'Daycare', type: 'daycare', priceType: 'per_day', durationMinutes: null });
    const first = nextDay();
    const b = await expectSameAsGet(m.petOwner, {
      serviceId: daycare,
      petIds: [m.petId],
      startDate: first,
      endDate: nextDay(),
      location: { kind: 'business' },
    });
    expect(b).toMatchObject({ kind: 'day', worker: null, startDate: first });
  });

  it('a co-owner booking the shared pet, with an Idempotency-Key (the replay answers the same)', async () => {
    const coOwner = await coOwnerOf(t, m);
    const body = bookingBody(m, { startsAt: berlin(nextDay(), '16:30') });
    const key = { 'idempotency-key': crypto.randomUUID() };
    const first = await expectSameAsGet(coOwner, body, key);
    expect(first.owner).toEqual({ id: coOwner.id, name: 'Robin Walker', avatarUrl: null });
    const replay = await book(t, coOwner, body, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.json().data).toEqual(first);
  });
});

describe('the request mail', () => {
  it('reaches a business owner who is also the booked worker once', async () => {
    const [own] = await t.db.insert(workers).values({ userId: m.owner.id, businessId: m.businessId }).returning({ id: workers.id });
    await setAvailability(t, own!.id);
    const serviceId = await newService(t, m.owner, m.businessId, { name: 'Owner walks', workerIds: [own!.id] });
    const b = await expectSameAsGet(m.petOwner, bookingBody(m, { serviceId, startsAt: berlin(nextDay(), '11:00'), workerId: own!.id }));
    const mails = (await notifiedMails(t)).filter((j) => j.number === b.number);
    expect(mails.map((j) => [j.to, j.template])).toEqual([[m.owner.email, 'booking-requested']]);
  });
});
