import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businesses, payments } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet, newService, setAvailability } from '../support/marketplace.js';
import { newWorker, type Caller } from '../businesses/fixtures.js';
import { berlin, booked, bookingBody, bookingCounts, call, pay, queued, startEarly, world, type BookingView, type Marketplace } from './helpers.js';

let t: TestApp;
let m: Marketplace;
let coOwner: Caller & { email: string };
let second: Awaited<ReturnType<typeof newWorker>>;
let hourly: string;
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  coOwner = await t.newUser();
  await call(t, m.petOwner, 'POST', `/v1/pets/${m.petId}/co-owners`, { email: coOwner.email });
  const { token } = await t.linkFor(coOwner.email, '/invitations/pet');
  await call(t, coOwner, 'POST', '/v1/pet-invitations/accept', { token });
  second = await newWorker(t, m.businessId, m.owner);
  await setAvailability(t, second.workerId);
  hourly = await newService(t, m.owner, m.businessId, {
    name: 'Hourly walk',
    priceType: 'per_hour',
    priceMinor: 2000,
    additionalPetPriceMinor: 1000,
    workerIds: [m.worker.workerId, second.workerId],
  });
});
afterAll(() => t.close());

let day = 4;
const nextDay = () => `2030-06-${String(++day).padStart(2, '0')}`;
const put = (who: Caller | null, id: string, body: unknown) => call(t, who, 'PUT', `/v1/bookings/${id}`, body);
const paymentOf = async (id: string) => (await t.db.select().from(payments).where(eq(payments.id, id)))[0]!;

describe('PUT /v1/bookings/:id by the owner', () => {
  it('moves a pending booking: checked again without counting itself, the price kept, the payment kept', async () => {
    const date = nextDay();
    const b = await booked(t, m.petOwner, bookingBody(m, { serviceId: hourly, startsAt: berlin(date, '10:00'), workerId: m.worker.workerId }));
    const paymentId = await pay(t, m.petOwner, b.id);
    // 10:30 overlaps the booking's own 10:00–11:00: only other bookings count.
    const res = await put(m.petOwner, b.id, { startsAt: berlin(date, '10:30'), notes: 'Gate code 1234' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({
      startsAt: new Date(berlin(date, '10:30')).toISOString(),
      endsAt: new Date(berlin(date, '11:30')).toISOString(),
      notes: 'Gate code 1234',
      worker: { id: m.worker.workerId },
      price: { totalMinor: 2000 },
      payment: { id: paymentId, status: 'authorized' },
    });
    expect(await queued(t, 'payments.release')).not.toContainEqual({ paymentId });
  });

  it('re-prices on a change of pets or length; a new total releases the authorisation', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { serviceId: hourly, startsAt: berlin(nextDay(), '10:00') }));
    const paymentId = await pay(t, m.petOwner, b.id);
    const bella = await newPet(t, m.petOwner, { name: 'Bella' });
    const res = await put(m.petOwner, b.id, { petIds: [m.petId, bella], durationMinutes: 90 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ petCount: 2, durationMinutes: 90, price: { totalMinor: 3000 + 1500 }, payment: null });
    expect(res.json().data.pets.map((p: { name: string }) => p.name)).toEqual(['Bella', 'Rex']);
    expect(res.json().data.actions).toContain('pay');
    expect((await paymentOf(paymentId)).status).toBe('cancelled');
    expect(await queued(t, 'payments.release')).toContainEqual({ paymentId });
    // The owner pays the new total.
    const again = await pay(t, m.petOwner, b.id);
    expect((await paymentOf(again)).amountMinor).toBe(4500);
  });

  it('keeps the worker when still free, else takes another; a time nobody can do is a 409', async () => {
    const date = nextDay();
    const b = await booked(t, m.petOwner, bookingBody(m, { serviceId: hourly, startsAt: berlin(date, '10:00'), workerId: second.workerId }));
    const moved = await put(m.petOwner, b.id, { startsAt: berlin(date, '12:00') });
    expect(moved.json().data.worker.id).toBe(second.workerId);
    // Someone else takes the second worker at 15:00: moving there hands the booking to the first worker.
    const stranger = await t.newUser();
    const fido = await newPet(t, stranger, { name: 'Fido' });
    await booked(t, stranger, bookingBody(m, { serviceId: hourly, petIds: [fido], startsAt: berlin(date, '15:00'), workerId: second.workerId }));
    const handed = await put(m.petOwner, b.id, { startsAt: berlin(date, '15:00') });
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json().data.worker.id).toBe(m.worker.workerId);
    await booked(t, stranger, bookingBody(m, { serviceId: hourly, petIds: [fido], startsAt: berlin(date, '17:00'), workerId: m.worker.workerId }));
    await booked(t, stranger, bookingBody(m, { serviceId: hourly, petIds: [fido], startsAt: berlin(date, '17:00'), workerId: second.workerId }));
    const before = await bookingCounts(t);
    const taken = await put(m.petOwner, b.id, { startsAt: berlin(date, '17:00') });
    expect(taken.statusCode).toBe(409);
    const named = await put(m.petOwner, b.id, { startsAt: berlin(date, '16:30'), workerId: second.workerId });
    expect(named.statusCode).toBe(409);
    expect(await bookingCounts(t)).toEqual(before);
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}`)).json().data.startsAt).toBe(new Date(berlin(date, '15:00')).toISOString());
  });

  it('checks everything again: a bad change is refused and changes nothing', async () => {
    const date = nextDay();
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin(date, '10:00') }));
    const cat = await newPet(t, m.petOwner, { name: 'Tom', species: 'cat' });
    const stranger = await t.newUser();
    const strangersPet = await newPet(t, stranger);
    const cases: [Record<string, unknown>, number, string | null][] = [
      [{ petIds: [cat] }, 400, 'body.petIds.0'],
      [{ petIds: [strangersPet] }, 404, 'body.petIds.0'],
      [{ startsAt: berlin(date, '21:00') }, 400, 'body.startsAt'],
      [{ durationMinutes: 90 }, 400, 'body.durationMinutes'],
      [{ location: { kind: 'custom', lat: 48.1, lng: 11.5 } }, 400, 'body.location'],
      [{ startDate: date, endDate: date }, 400, 'body.startDate'],
      [{}, 400, null],
    ];
    const before = await bookingCounts(t);
    const view = (await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}`)).json().data;
    for (const [body, status, path] of cases) {
      const res = await put(m.petOwner, b.id, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      if (path) expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await bookingCounts(t)).toEqual(before);
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}`)).json().data).toEqual(view);
  });

  it("clears notes and special instructions sent as '' (or blanks), and leaves out what is not sent", async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin(nextDay(), '10:00'), notes: 'Ring twice.', specialInstructions: 'Shy dog.' }));
    const cleared = await put(m.petOwner, b.id, { notes: '' });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().data).toMatchObject({ notes: null, specialInstructions: 'Shy dog.' });
    const blank = await put(m.petOwner, b.id, { specialInstructions: '   ' });
    expect(blank.json().data).toMatchObject({ notes: null, specialInstructions: null });
  });

  it('only while pending, and only by the person who booked', async () => {
    const b = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin(nextDay(), '10:00') }));
    const body = { notes: 'changed' };
    expect((await put(coOwner, b.id, body)).statusCode).toBe(403);
    expect((await put(m.worker, b.id, body)).statusCode).toBe(403);
    expect((await put(m.admin, b.id, body)).statusCode).toBe(403);
    expect((await put(m.otherOwner, b.id, body)).statusCode).toBe(404);
    expect((await put(null, b.id, body)).statusCode).toBe(401);
    await pay(t, m.petOwner, b.id);
    expect((await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`)).statusCode).toBe(200);
    const confirmed = await put(m.petOwner, b.id, body);
    expect(confirmed.statusCode).toBe(409);
    expect((await call(t, m.petOwner, 'GET', `/v1/bookings/${b.id}`)).json().data.notes).toBeNull();
  });

  it('day bookings: new dates are checked against the capacity without counting the booking itself', async () => {
    const boarding = await newService(t, m.owner, m.businessId, {
      name: 'Boarding',
      type: 'boarding',
      priceType: 'per_night',
      priceMinor: 4000,
      durationMinutes: null,
    });
    await t.db.update(businesses).set({ dailyCapacity: 1 }).where(eq(businesses.id, m.businessId));
    const body = { serviceId: boarding, petIds: [m.petId], location: { kind: 'business' } };
    const b = await booked(t, m.petOwner, { ...body, startDate: '2030-07-01', endDate: '2030-07-03' });
    await booked(t, m.petOwner, { ...body, startDate: '2030-07-10', endDate: '2030-07-12' });
    const longer = await put(m.petOwner, b.id, { endDate: '2030-07-05' });
    expect(longer.statusCode, longer.body).toBe(200);
    expect(longer.json().data).toMatchObject({ startDate: '2030-07-01', endDate: '2030-07-05', price: { totalMinor: 16000 } });
    expect((await put(m.petOwner, b.id, { endDate: '2030-07-11' })).statusCode).toBe(409);
    expect((await put(m.petOwner, b.id, { workerId: m.worker.workerId })).statusCode).toBe(400);
  });
});

describe('PUT /v1/bookings/:id by the business owner', () => {
  it('assigns a worker to a pending or confirmed booking, and nothing else', async () => {
    const date = nextDay();
    const b = await booked(t, m.petOwner, bookingBody(m, { serviceId: hourly, startsAt: berlin(date, '10:00'), workerId: m.worker.workerId }));
    const res = await put(m.owner, b.id, { workerId: second.workerId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.worker.id).toBe(second.workerId);
    expect((await put(m.owner, b.id, { notes: 'mine now' })).statusCode).toBe(403);
    expect((await put(m.owner, b.id, { workerId: m.otherWorker.workerId })).statusCode).toBe(400);
    // The first worker takes a job at 10:00 elsewhere; handing this booking back is a 409.
    const stranger = await t.newUser();
    const fido = await newPet(t, stranger);
    await booked(t, stranger, bookingBody(m, { serviceId: hourly, petIds: [fido], startsAt: berlin(date, '10:30'), workerId: m.worker.workerId }));
    expect((await put(m.owner, b.id, { workerId: m.worker.workerId })).statusCode).toBe(409);
    expect((await put(m.otherOwner, b.id, { workerId: m.otherWorker.workerId })).statusCode).toBe(404);
    // The assigned worker now sees it; the old one does not.
    expect((await call(t, second, 'GET', `/v1/bookings/${b.id}`)).statusCode).toBe(200);
    await pay(t, m.petOwner, b.id);
    expect((await call(t, m.owner, 'POST', `/v1/bookings/${b.id}/confirm`)).statusCode).toBe(200);
    expect((await put(m.owner, b.id, { workerId: second.workerId })).statusCode).toBe(200);
    await startEarly(t, second, b.id, b.startsAt);
    expect((await put(m.owner, b.id, { workerId: second.workerId })).statusCode).toBe(409);
  });
});

export type { BookingView };
