import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { newPet, newService } from '../support/marketplace.js';
import { type Caller } from '../businesses/fixtures.js';
import { berlin, booked, bookingBody, bookingCounts, call, world, type BookingView, type Marketplace } from './helpers.js';

let t: TestApp;
let m: Marketplace;
let stranger: Caller;
let strangersPet: string;
let coOwner: Caller & { email: string };
beforeAll(async () => {
  t = await createTestApp();
  m = await world(t);
  stranger = await t.newUser();
  strangersPet = await newPet(t, stranger, { name: 'Fido' });
  coOwner = await t.newUser();
  await call(t, m.petOwner, 'POST', `/v1/pets/${m.petId}/co-owners`, { email: coOwner.email });
  const { token } = await t.linkFor(coOwner.email, '/invitations/pet');
  await call(t, coOwner, 'POST', '/v1/pet-invitations/accept', { token });
});
afterAll(() => t.close());

const create = (who: Caller, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/booking-series', headers: { ...t.bearer(who.accessToken), ...headers }, payload: body });
const seriesBody = (overrides: Record<string, unknown> = {}) => ({
  ...bookingBody(m),
  startsAt: berlin('2030-06-05', '10:00'),
  rule: { byDay: [1, 3], count: 4 },
  ...overrides,
});

describe('POST /v1/booking-series', () => {
  it('books every date of a weekly rule at the same local time and reports the ones that cannot be booked', async () => {
    // Someone else has the worker on the third date.
    await booked(t, stranger, bookingBody(m, { petIds: [strangersPet], startsAt: berlin('2030-06-12', '10:30') }));
    const before = await bookingCounts(t);
    const res = await create(m.petOwner, seriesBody());
    expect(res.statusCode, res.body).toBe(201);
    const { series, bookings, conflicts } = res.json().data;
    expect(series).toMatchObject({
      rule: { byDay: [1, 3], interval: 1, count: 4 },
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=4',
      localStartTime: '10:00',
      timeZone: 'Europe/Berlin',
      firstDate: '2030-06-05',
      status: 'active',
    });
    expect(bookings.map((b: BookingView) => b.startsAt)).toEqual(
      ['2030-06-05', '2030-06-10', '2030-06-17'].map((d) => new Date(berlin(d, '10:00')).toISOString()),
    );
    expect(bookings.every((b: BookingView) => b.seriesId === series.id && b.status === 'pending')).toBe(true);
    expect(conflicts).toEqual([{ date: '2030-06-12', reason: expect.stringContaining('just booked by someone else') }]);
    const after = await bookingCounts(t);
    expect([after.bookings - before.bookings, after.booking_series - before.booking_series]).toEqual([3, 1]);
    const got = await call(t, m.petOwner, 'GET', `/v1/booking-series/${series.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json().data.bookings.map((b: BookingView) => b.id)).toEqual(bookings.map((b: BookingView) => b.id));
  });

  it('keeps the local time across a change of clocks', async () => {
    const res = await create(m.petOwner, seriesBody({ startsAt: berlin('2030-10-20', '09:00'), rule: { byDay: [0], count: 2 } }));
    expect(res.statusCode, res.body).toBe(201);
    // Summer time ends on 27 October: 09:00 is 07:00 UTC before and 08:00 UTC after.
    expect(res.json().data.bookings.map((b: BookingView) => b.startsAt)).toEqual(['2030-10-20T07:00:00.000Z', '2030-10-27T08:00:00.000Z']);
  });

  it('is a 409 when no date can be booked, and writes nothing', async () => {
    await booked(t, stranger, bookingBody(m, { petIds: [strangersPet], startsAt: berlin('2030-07-01', '10:00') }));
    const before = await bookingCounts(t);
    const res = await create(m.petOwner, seriesBody({ startsAt: berlin('2030-07-01', '10:00'), rule: { byDay: [1], count: 1 } }));
    expect(res.statusCode).toBe(409);
    expect(await bookingCounts(t)).toEqual(before);
  });

  it('refuses what is wrong for every date once, with a 400 or 404', async () => {
    const boarding = await newService(t, m.owner, m.businessId, { name: 'Boarding', type: 'boarding', priceType: 'per_night', durationMinutes: null });
    const cases: [Record<string, unknown>, number, string | null][] = [
      [{ serviceId: boarding, location: { kind: 'business' } }, 400, 'body.serviceId'],
      [{ rule: { byDay: [1], until: '2031-01-01' } }, 400, 'body.rule.until'],
      [{ rule: { byDay: [1], until: '2030-06-01' } }, 400, 'body.rule.until'],
      [{ rule: { byDay: [1] } }, 400, 'body.rule.count'],
      [{ rule: { byDay: [1], count: 53 } }, 400, 'body.rule.count'],
      [{ rule: { byDay: [1], count: 2, interval: 5 } }, 400, 'body.rule.interval'],
      [{ petIds: [strangersPet] }, 404, 'body.petIds.0'],
      [{ location: { kind: 'custom', lat: 48.1, lng: 11.5 } }, 400, 'body.location'],
      [{ durationMinutes: 90 }, 400, 'body.durationMinutes'],
      [{ startsAt: undefined }, 400, 'body.startsAt'],
    ];
    const before = await bookingCounts(t);
    for (const [overrides, status, path] of cases) {
      const res = await create(m.petOwner, seriesBody(overrides));
      expect(res.statusCode, `${JSON.stringify(overrides)}: ${res.body}`).toBe(status);
      if (path) expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(await bookingCounts(t)).toEqual(before);
  });

  it('a retry with the same Idempotency-Key replays the series', async () => {
    const body = seriesBody({ startsAt: berlin('2030-08-05', '14:00'), rule: { byDay: [1], count: 2 } });
    const key = { 'idempotency-key': 'series-1' };
    const first = await create(m.petOwner, body, key);
    expect(first.statusCode).toBe(201);
    const after = await bookingCounts(t);
    const retry = await create(m.petOwner, body, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await bookingCounts(t)).toEqual(after);
    expect((await create(m.petOwner, { ...body, notes: 'different' }, key)).statusCode).toBe(422);
  });
});

describe('a series after it is made', () => {
  async function weekly(date: string) {
    const res = await create(m.petOwner, seriesBody({ startsAt: berlin(date, '16:00'), rule: { byDay: [4], count: 4 } }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as { series: { id: string }; bookings: BookingView[] };
  }

  it('is seen by its owner, the pet’s co-owner, the business and admins', async () => {
    const { series } = await weekly('2030-09-05');
    const url = `/v1/booking-series/${series.id}`;
    for (const who of [m.petOwner, coOwner, m.owner, m.worker, m.admin]) expect((await call(t, who, 'GET', url)).statusCode).toBe(200);
    for (const who of [stranger, m.otherOwner, m.otherWorker]) expect((await call(t, who, 'GET', url)).statusCode).toBe(404);
    expect((await call(t, null, 'GET', url)).statusCode).toBe(401);
    expect((await call(t, m.petOwner, 'GET', '/v1/booking-series/5f0e9d8c-7b6a-4c3d-9e2f-1a0b9c8d7e6f')).statusCode).toBe(404);
  });

  it('one occurrence is cancelled like any booking; the rest from a date on in one go', async () => {
    const { series, bookings } = await weekly('2030-10-10');
    const url = `/v1/booking-series/${series.id}/cancel`;
    expect((await call(t, m.petOwner, 'POST', `/v1/bookings/${bookings[0]!.id}/cancel`, { reason: 'Away that week' })).statusCode).toBe(200);
    const before = await bookingCounts(t);
    expect((await call(t, coOwner, 'POST', url, { reason: 'no' })).statusCode).toBe(403);
    expect((await call(t, m.worker, 'POST', url, { reason: 'no' })).statusCode).toBe(403);
    expect((await call(t, stranger, 'POST', url, { reason: 'no' })).statusCode).toBe(404);
    expect((await call(t, m.petOwner, 'POST', url, {})).statusCode).toBe(400);
    expect(await bookingCounts(t)).toEqual(before);
    const res = await call(t, m.petOwner, 'POST', url, { reason: 'Moving away', from: '2030-10-24' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ cancelled: 2 });
    const after = (await call(t, m.petOwner, 'GET', `/v1/booking-series/${series.id}`)).json().data;
    expect(after.series.status).toBe('cancelled');
    expect(after.bookings.map((b: BookingView) => b.status)).toEqual(['cancelled', 'pending', 'cancelled', 'cancelled']);
    const one = (await call(t, m.petOwner, 'GET', `/v1/bookings/${bookings[2]!.id}`)).json().data;
    expect(one).toMatchObject({ cancellationReason: 'Moving away', cancelledBy: m.petOwner.id });
    // The business may stop a series too; nothing is left to cancel after today's default.
    expect((await call(t, m.owner, 'POST', url, { reason: 'Closing' })).json().data).toEqual({ cancelled: 1 });
  });
});
