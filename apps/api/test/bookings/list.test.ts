import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet, newService, setAvailability } from '../support/marketplace.js';
import { newWorker, type Caller } from '../businesses/fixtures.js';
import { berlin, booked, bookingBody, call, world, type BookingView, type Marketplace } from './helpers.js';

let t: TestApp;
let m: Marketplace;
let coOwner: Caller & { email: string };
let stranger: Caller;
let teamWorker: Awaited<ReturnType<typeof newWorker>>;
const made: Record<string, BookingView> = {};

/**
 * Five bookings: three of the pet owner (one of them declined), one of a stranger with the same
 * business, one with another business; a co-owner shares the pet owner's dog.
 */
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  coOwner = await t.newUser();
  await call(t, m.petOwner, 'POST', `/v1/pets/${m.petId}/co-owners`, { email: coOwner.email });
  const { token } = await t.linkFor(coOwner.email, '/invitations/pet');
  await call(t, coOwner, 'POST', '/v1/pet-invitations/accept', { token });
  stranger = await t.newUser();
  const strangersPet = await newPet(t, stranger, { name: 'Fido' });
  teamWorker = await newWorker(t, m.businessId, m.owner);
  await setAvailability(t, teamWorker.workerId);
  await setAvailability(t, m.otherWorker.workerId);
  const otherService = await newService(t, m.otherOwner, m.otherBusinessId, { name: 'Other walk', workerIds: [m.otherWorker.workerId] });

  made.first = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-05', '10:00') }));
  made.second = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-07', '10:00') }));
  made.declined = await booked(t, m.petOwner, bookingBody(m, { startsAt: berlin('2030-06-06', '10:00') }));
  expect((await call(t, m.owner, 'POST', `/v1/bookings/${made.declined.id}/decline`)).statusCode).toBe(200);
  made.strangers = await booked(t, stranger, bookingBody(m, { petIds: [strangersPet], startsAt: berlin('2030-06-05', '14:00') }));
  made.elsewhere = await booked(t, m.petOwner, bookingBody(m, { serviceId: otherService, startsAt: berlin('2030-06-10', '10:00') }));
});
afterAll(() => t.close());

async function ids(who: Caller, query = '') {
  const res = await call(t, who, 'GET', `/v1/bookings${query}`);
  expect(res.statusCode, res.body).toBe(200);
  const names = Object.fromEntries(Object.entries(made).map(([k, v]) => [v.id, k]));
  return (res.json().data as BookingView[]).map((b) => names[b.id]);
}

describe('GET /v1/bookings', () => {
  it('shows each caller their own bookings, by start time', async () => {
    expect(await ids(m.petOwner)).toEqual(['first', 'declined', 'second', 'elsewhere']);
    // The co-owner did not book, but it is their dog.
    expect(await ids(coOwner)).toEqual(['first', 'declined', 'second', 'elsewhere']);
    expect(await ids(stranger)).toEqual(['strangers']);
    expect(await ids(m.owner)).toEqual(['first', 'strangers', 'declined', 'second']);
    expect(await ids(m.otherOwner)).toEqual(['elsewhere']);
    expect(await ids(m.worker)).toEqual(['first', 'strangers', 'declined', 'second']);
    expect(await ids(teamWorker)).toEqual([]);
    expect(await ids(m.otherWorker)).toEqual(['elsewhere']);
    expect(await ids(m.admin)).toEqual(['first', 'strangers', 'declined', 'second', 'elsewhere']);
    expect((await t.app.inject({ method: 'GET', url: '/v1/bookings' })).statusCode).toBe(401);
  });

  it('a role that is not the caller’s shows nothing of anyone else', async () => {
    expect(await ids(m.petOwner, '?role=business')).toEqual([]);
    expect(await ids(m.petOwner, '?role=worker')).toEqual([]);
    expect(await ids(m.owner, '?role=owner')).toEqual([]);
    expect(await ids(m.admin, '?role=owner')).toEqual([]);
  });

  it('filters by status, dates, business and owner', async () => {
    expect(await ids(m.petOwner, '?status=declined')).toEqual(['declined']);
    expect(await ids(m.petOwner, '?status=pending,confirmed')).toEqual(['first', 'second', 'elsewhere']);
    expect(await ids(m.petOwner, '?status=pending&status=declined')).toEqual(['first', 'declined', 'second', 'elsewhere']);
    // Dates are local dates of the business; instants are compared as they are.
    expect(await ids(m.petOwner, '?from=2030-06-06&to=2030-06-07')).toEqual(['declined', 'second']);
    expect(await ids(m.petOwner, `?from=${encodeURIComponent(berlin('2030-06-06', '10:00'))}`)).toEqual(['declined', 'second', 'elsewhere']);
    expect(await ids(m.admin, `?businessId=${m.businessId}`)).toEqual(['first', 'strangers', 'declined', 'second']);
    expect(await ids(m.admin, `?ownerId=${stranger.id}`)).toEqual(['strangers']);
    const bad = await call(t, m.petOwner, 'GET', '/v1/bookings?status=lost');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toContain('querystring.status');
    expect((await call(t, m.petOwner, 'GET', '/v1/bookings?from=2030-06-07&to=2030-06-06')).statusCode).toBe(400);
  });

  it('pages with a cursor, in either order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(t, m.admin, 'GET', `/v1/bookings?limit=2&order=desc${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.meta.limit).toBe(2);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((b: BookingView) => b.id));
      cursor = page.meta.nextCursor;
    } while (cursor);
    expect(seen).toEqual([made.elsewhere!.id, made.second!.id, made.declined!.id, made.strangers!.id, made.first!.id]);
    const bad = await call(t, m.admin, 'GET', '/v1/bookings?cursor=bm9wZQ');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('querystring.cursor');
  });

  it('lists carry no events; one booking carries its history', async () => {
    const res = await call(t, m.petOwner, 'GET', '/v1/bookings?status=declined');
    expect(res.json().data[0].events).toEqual([]);
    const one = await call(t, m.petOwner, 'GET', `/v1/bookings/${made.declined!.id}`);
    expect(one.json().data.events.map((e: { toStatus: string }) => e.toStatus)).toEqual(['pending', 'declined']);
  });
});

describe('OpenAPI', () => {
  it('documents every bookings route', async () => {
    const doc = (await t.app.inject('/docs/json')).json();
    const operations = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((p) =>
      Object.values(p).map((o) => o.operationId),
    );
    for (const id of [
      'createBooking',
      'listBookings',
      'getBooking',
      'updateBooking',
      'previewBookingCancellation',
      'confirmBooking',
      'declineBooking',
      'startBooking',
      'completeBooking',
      'cancelBooking',
      'createBookingSeries',
      'getBookingSeries',
      'cancelBookingSeries',
    ])
      expect(operations).toContain(id);
  });
});
