import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/platform/db.js';
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

describe('GET /v1/bookings: a date range is of local dates, in every time zone', () => {
  // The business's zone from 14 hours ahead of UTC to 12 behind: the edges of a range are its local midnights.
  it.each(['Pacific/Kiritimati', 'Etc/GMT+12', 'Europe/Berlin', 'America/St_Johns'])('%s', async (zone) => {
    const at = (key: string, local: string, minutes = 60) =>
      t.db.execute(sql`update bookings set starts_at = (${local}::timestamp at time zone ${zone}),
        ends_at = (${local}::timestamp at time zone ${zone}) + ${minutes} * interval '1 minute',
        blocked_until = (${local}::timestamp at time zone ${zone}) + ${minutes} * interval '1 minute' where id = ${made[key]!.id}`);
    const zoneBefore = rowsOf<{ time_zone: string }>(await t.db.execute(sql`select time_zone from businesses where id = ${m.businessId}`))[0]!.time_zone;
    const startsBefore = rowsOf<{ id: string; starts_at: string; ends_at: string; blocked_until: string }>(
      await t.db.execute(sql`select id, starts_at::text, ends_at::text, blocked_until::text from bookings`),
    );
    try {
      await t.db.execute(sql`update businesses set time_zone = ${zone} where id = ${m.businessId}`);
      await at('strangers', '2030-06-05 23:59'); // the evening before the range: out
      await at('declined', '2030-06-06 00:00'); // its first minute: in
      await at('first', '2030-06-07 23:30', 20); // 23:30 on its last day: in
      await at('second', '2030-06-08 00:10'); // ten past midnight the day after: out
      const range = '?from=2030-06-06&to=2030-06-07';
      expect(await ids(m.owner, range)).toEqual(['declined', 'first']);
      expect(await ids(m.owner, `${range}&order=desc`)).toEqual(['first', 'declined']);
      expect(await ids(m.petOwner, range)).toEqual(['declined', 'first']);
      expect(await ids(coOwner, range)).toEqual(['declined', 'first']);
      expect(await ids(m.worker, range)).toEqual(['declined', 'first']);
      expect(await ids(m.admin, range)).toEqual(['declined', 'first']);
      expect(await ids(m.admin, '?from=2030-06-06')).toEqual(['declined', 'first', 'second', 'elsewhere']);
      expect(await ids(m.admin, '?to=2030-06-07')).toEqual(['strangers', 'declined', 'first']);
      // One day: its own midnight to midnight.
      expect(await ids(m.owner, '?from=2030-06-05&to=2030-06-05')).toEqual(['strangers']);
      expect(await ids(m.owner, '?from=2030-06-08&to=2030-06-08')).toEqual(['second']);
    } finally {
      await t.db.execute(sql`update businesses set time_zone = ${zoneBefore} where id = ${m.businessId}`);
      for (const b of startsBefore)
        await t.db.execute(sql`update bookings set starts_at = ${b.starts_at}::timestamptz, ends_at = ${b.ends_at}::timestamptz,
          blocked_until = ${b.blocked_until}::timestamptz where id = ${b.id}`);
    }
  });

  it('an owner sees the bookings of pets they co-own beside their own, and pages through both in one order', async () => {
    // The co-owner books the shared dog themself: the pet's owner sees it too.
    const byCoOwner = await booked(t, coOwner, bookingBody(m, { startsAt: berlin('2030-06-08', '16:00') }));
    made.byCoOwner = byCoOwner;
    expect(await ids(m.petOwner)).toEqual(['first', 'declined', 'second', 'byCoOwner', 'elsewhere']);
    expect(await ids(coOwner)).toEqual(['first', 'declined', 'second', 'byCoOwner', 'elsewhere']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(t, m.petOwner, 'GET', `/v1/bookings?limit=2&order=desc${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json();
      seen.push(...page.data.map((b: BookingView) => b.id));
      cursor = page.meta.nextCursor;
    } while (cursor);
    expect(seen).toEqual([made.elsewhere!.id, byCoOwner.id, made.second!.id, made.declined!.id, made.first!.id]);
    // Each booking carries its own pets (one statement for the page).
    const res = await call(t, m.petOwner, 'GET', '/v1/bookings');
    for (const b of res.json().data as { pets: { id: string }[] }[]) expect(b.pets.map((p) => p.id)).toEqual([m.petId]);
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
