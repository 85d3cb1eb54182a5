import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { call, HOME, world, type Marketplace } from '../bookings/helpers.js';
import type { Caller } from '../businesses/fixtures.js';
import { complete, walk } from './track.fixtures.js';

let t: TestApp;
let m: Marketplace;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  expect((await call(t, m.petOwner, 'PUT', '/v1/users/me', { phone: '+4915112345678' })).statusCode).toBe(200);
  const pet = await call(t, m.petOwner, 'PUT', `/v1/pets/${m.petId}`, {
    allergies: ['chicken'],
    medications: [{ name: 'Apoquel', dose: '16 mg', schedule: 'mornings' }],
    temperament: 'Pulls towards squirrels',
    feedingNotes: 'Half a cup after the walk',
    careNotes: 'Wipe paws',
    vet: { name: 'Dr Vogel', clinic: 'Tierarzt Mitte', phone: '+49301234567' },
    emergencyContact: { name: 'Sam', phone: '+4915187654321', relation: 'Neighbour' },
  });
  expect(pet.statusCode, pet.body).toBe(200);
});
afterAll(() => t.close());

const card = (id: string, who: Caller = m.worker) => call(t, who, 'GET', `/v1/bookings/${id}/job`);

describe('GET /v1/bookings/:id/job', () => {
  it("gives the worker the address, the pets' care notes and the owner's notes", async () => {
    const id = await walk(t, m, 'confirmed');
    const res = await card(id);
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data.location).toEqual({ kind: 'owner_home', lat: HOME.lat, lng: HOME.lng, address: HOME.address });
    expect(data.pets).toHaveLength(1);
    expect(data.pets[0]).toMatchObject({
      allergies: ['chicken'],
      medications: [{ name: 'Apoquel', dose: '16 mg', schedule: 'mornings', notes: '' }],
      temperament: 'Pulls towards squirrels',
      feedingNotes: 'Half a cup after the walk',
      careNotes: 'Wipe paws',
      vet: { name: 'Dr Vogel', clinic: 'Tierarzt Mitte', phone: '+49301234567', address: '' },
      emergencyContact: { name: 'Sam', phone: '+4915187654321', relation: 'Neighbour' },
    });
    expect(data.owner).toEqual({ name: 'Robin Walker', phone: '+4915112345678' });
  });

  it("shows the owner's phone only while the job is confirmed or in progress", async () => {
    const phoneOf = async (id: string) => (await card(id, m.owner)).json().data.owner.phone;
    expect(await phoneOf(await walk(t, m, 'pending'))).toBeNull();
    expect(await phoneOf(await walk(t, m, 'paid'))).toBeNull();
    expect(await phoneOf(await walk(t, m, 'confirmed'))).toBe('+4915112345678');
    const walking = await walk(t, m, 'in_progress');
    expect((await card(walking)).json().data.owner.phone).toBe('+4915112345678');
    await complete(t, m, walking);
    expect((await card(walking)).json().data.owner.phone).toBeNull();
    expect(await phoneOf(await walk(t, m, 'cancelled'))).toBeNull();
  });

  it('is for the assigned worker and the business: the owner 403, others 404', async () => {
    const id = await walk(t, m, 'confirmed');
    const statusOf = async (who: Caller | null) => (await call(t, who ?? null, 'GET', `/v1/bookings/${id}/job`)).statusCode;
    expect({
      worker: await statusOf(m.worker),
      business: await statusOf(m.owner),
      petOwner: await statusOf(m.petOwner),
      otherWorker: await statusOf(m.otherWorker),
      otherBusiness: await statusOf(m.otherOwner),
      anonymous: await statusOf(null),
    }).toEqual({ worker: 200, business: 200, petOwner: 403, otherWorker: 404, otherBusiness: 404, anonymous: 401 });
    expect((await call(t, m.worker, 'GET', '/v1/bookings/not-a-uuid/job')).statusCode).toBe(400);
  });
});
