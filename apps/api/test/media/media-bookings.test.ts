import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { multipart, pdf, png, tempDataDir } from '../support/media-fixtures.js';
import { newWorker, type Caller } from '../businesses/fixtures.js';
import { berlin, booked, bookingBody, call, pay, startEarly, world, type Marketplace } from '../bookings/helpers.js';

/*
 * What a booking opens in the media access rules: a business caring for a pet (an active or completed
 * booking) sees the pet's photos and vaccination documents, and a booking's completion photos are for
 * the people of that booking.
 */

type Who = 'owner' | 'coOwner' | 'otherOwner' | 'business' | 'otherBusiness' | 'worker' | 'teamWorker' | 'admin' | 'anonymous';
const WHO: Who[] = ['owner', 'coOwner', 'otherOwner', 'business', 'otherBusiness', 'worker', 'teamWorker', 'admin', 'anonymous'];

let t: TestApp;
let m: Marketplace;
let coOwner: Caller & { email: string };
let otherOwner: Caller;
let teamWorker: Caller;
beforeAll(async () => {
  t = await createTestApp({ env: { DATA_DIR: tempDataDir() } });
  m = await world(t);
  coOwner = await t.newUser();
  await call(t, m.petOwner, 'POST', `/v1/pets/${m.petId}/co-owners`, { email: coOwner.email });
  const { token } = await t.linkFor(coOwner.email, '/invitations/pet');
  await call(t, coOwner, 'POST', '/v1/pet-invitations/accept', { token });
  otherOwner = await t.newUser();
  teamWorker = await newWorker(t, m.businessId, m.owner);
});
afterAll(() => t.close());

const caller = (who: Who): Caller | null =>
  ({ owner: m.petOwner, coOwner, otherOwner, business: m.owner, otherBusiness: m.otherOwner, worker: m.worker, teamWorker, admin: m.admin, anonymous: null })[
    who
  ];

async function upload(who: Caller, purpose: string, data: Buffer) {
  const form = multipart({ purpose }, { data });
  const res = await t.app.inject({ method: 'POST', url: '/v1/media', payload: form.payload, headers: { ...form.headers, ...t.bearer(who.accessToken) } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data as { id: string; url: string };
}

async function matrix(url: string): Promise<Record<Who, number>> {
  const actual = {} as Record<Who, number>;
  for (const who of WHO) {
    const c = caller(who);
    actual[who] = (await t.app.inject({ url, headers: c ? t.bearer(c.accessToken) : {} })).statusCode;
  }
  return actual;
}

const owners = { owner: 200, coOwner: 200, otherOwner: 404, admin: 200, anonymous: 404 } as const;

describe("a pet's records and the businesses caring for it", () => {
  let petId: string;
  let doc: { id: string; url: string };
  let photo: { id: string; url: string };
  beforeAll(async () => {
    const created = await call(t, m.petOwner, 'POST', '/v1/pets', { name: 'Records', species: 'dog' });
    petId = created.json().data.id;
    await call(t, m.petOwner, 'POST', `/v1/pets/${petId}/co-owners`, { email: coOwner.email });
    const { token } = await t.linkFor(coOwner.email, '/invitations/pet');
    await call(t, coOwner, 'POST', '/v1/pet-invitations/accept', { token });
    doc = await upload(m.petOwner, 'vaccination_document', pdf());
    expect(
      (await call(t, m.petOwner, 'POST', `/v1/pets/${petId}/vaccinations`, { name: 'Rabies', administeredOn: '2030-01-10', documentMediaId: doc.id }))
        .statusCode,
    ).toBe(201);
    photo = await upload(m.petOwner, 'pet_photo', await png());
    expect((await call(t, m.petOwner, 'POST', `/v1/pets/${petId}/photos`, { mediaId: photo.id })).statusCode).toBe(201);
  });

  it('no booking: only the pet’s owners and admins', async () => {
    const expected = { ...owners, business: 404, otherBusiness: 404, worker: 404, teamWorker: 404 };
    expect(await matrix(doc.url)).toEqual(expected);
    expect(await matrix(photo.url)).toEqual(expected);
  });

  it('an active booking opens them to the business owner and the assigned worker, not the rest of the team', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { petIds: [petId], startsAt: berlin('2030-06-05', '10:00') }));
    const expected = { ...owners, business: 200, otherBusiness: 404, worker: 200, teamWorker: 404 };
    expect(await matrix(doc.url)).toEqual(expected);
    expect(await matrix(photo.url)).toEqual(expected);
    // A completed booking keeps them open: the business cared for the pet.
    await pay(t, m.petOwner, b.id);
    expect((await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`, {})).statusCode).toBe(200);
    await startEarly(t, m.worker, b.id, b.startsAt);
    expect((await call(t, m.worker, 'POST', `/v1/bookings/${b.id}/complete`, {})).statusCode).toBe(200);
    expect(await matrix(doc.url)).toEqual(expected);
  });

  it('declined, expired and cancelled bookings open nothing', async () => {
    const created = await call(t, m.petOwner, 'POST', '/v1/pets', { name: 'Closed', species: 'dog' });
    const closedPet = created.json().data.id;
    const closedDoc = await upload(m.petOwner, 'vaccination_document', pdf());
    await call(t, m.petOwner, 'POST', `/v1/pets/${closedPet}/vaccinations`, { name: 'Rabies', administeredOn: '2030-01-10', documentMediaId: closedDoc.id });
    const expectedClosed = {
      owner: 200,
      coOwner: 404,
      otherOwner: 404,
      admin: 200,
      anonymous: 404,
      business: 404,
      otherBusiness: 404,
      worker: 404,
      teamWorker: 404,
    };
    for (const status of ['declined', 'expired', 'cancelled'] as const) {
      const b = await booked(t, m.petOwner, bookingBody(m, { petIds: [closedPet], startsAt: berlin('2030-06-06', '10:00') }));
      expect((await matrix(closedDoc.url)).business).toBe(200);
      await t.db.update(bookings).set({ status }).where(eq(bookings.id, b.id));
      expect(await matrix(closedDoc.url), status).toEqual(expectedClosed);
    }
  });
});

describe('completion photos (booking_photo)', () => {
  it('are for the booking’s owner, the pet’s co-owners, the business owner, the assigned worker and admins', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-07', '10:00') }));
    await pay(t, m.petOwner, b.id);
    expect((await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`)).statusCode).toBe(200);
    await startEarly(t, m.worker, b.id, b.startsAt);
    const shot = await upload(m.worker, 'booking_photo', await png());
    // Before it is attached, the photo is its uploader's (and admins').
    expect(await matrix(shot.url)).toEqual({
      owner: 404,
      coOwner: 404,
      otherOwner: 404,
      business: 404,
      otherBusiness: 404,
      worker: 200,
      teamWorker: 404,
      admin: 200,
      anonymous: 404,
    });
    const done = await call(t, m.worker, 'POST', `/v1/bookings/${b.id}/complete`, { notes: 'Happy dog', photoIds: [shot.id] });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().data.completionPhotos[0].url).toBe(shot.url);
    expect(await matrix(shot.url)).toEqual({
      owner: 200,
      coOwner: 200,
      otherOwner: 404,
      business: 200,
      otherBusiness: 404,
      worker: 200,
      teamWorker: 404,
      admin: 200,
      anonymous: 404,
    });
  });
});
