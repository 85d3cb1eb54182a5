import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { businesses } from '@walkydoggy/shared/db';
import { createTestApp, type TestApp } from '../support/app.js';
import { actorsFor, businessBody, catalogCounts, headersOf, WHO, type Actors, type Who } from './fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DEFAULTS = { travelBufferMinutes: 15, dailyCapacity: 10, bookingExpiryHours: 24, startWindowMinutes: 120 };

const put = (token: string, id: string, payload: unknown) =>
  t.app.inject({ method: 'PUT', url: `/v1/businesses/${id}`, headers: t.bearer(token), payload: payload as object });

async function stored(id: string) {
  const row = await t.db.query.businesses.findFirst({ where: eq(businesses.id, id) });
  return {
    travelBufferMinutes: row!.travelBufferMinutes,
    dailyCapacity: row!.dailyCapacity,
    bookingExpiryHours: row!.bookingExpiryHours,
    startWindowMinutes: row!.startWindowMinutes,
    updatedAt: row!.updatedAt,
  };
}

describe('business booking settings', () => {
  let a: Actors;
  beforeAll(async () => {
    a = await actorsFor(t);
  });

  it('a new business starts with the defaults, and a create body may set any of them', async () => {
    const defaults = await t.app.inject({ method: 'POST', url: '/v1/businesses', headers: t.bearer(a.owner.accessToken), payload: businessBody() });
    expect(defaults.statusCode).toBe(201);
    expect(defaults.json().data.bookingSettings).toEqual(DEFAULTS);

    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/businesses',
      headers: t.bearer(a.owner.accessToken),
      payload: businessBody({ bookingSettings: { dailyCapacity: 0, bookingExpiryHours: 168, startWindowMinutes: 0 } }),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.bookingSettings).toEqual({ travelBufferMinutes: 15, dailyCapacity: 0, bookingExpiryHours: 168, startWindowMinutes: 0 });
    expect(await stored(res.json().data.id)).toMatchObject({ travelBufferMinutes: 15, dailyCapacity: 0, bookingExpiryHours: 168, startWindowMinutes: 0 });
  });

  it('the owner changes a subset, the rest keeps its value, and reading back shows what was stored', async () => {
    const first = await put(a.owner.accessToken, a.businessId, { bookingSettings: { travelBufferMinutes: 240 } });
    expect(first.statusCode).toBe(200);
    expect(first.json().data.bookingSettings).toEqual({ ...DEFAULTS, travelBufferMinutes: 240 });

    const second = await put(a.owner.accessToken, a.businessId, {
      name: 'Renamed Paws',
      bookingSettings: { dailyCapacity: 1000, bookingExpiryHours: 1, startWindowMinutes: 1440 },
    });
    expect(second.statusCode).toBe(200);
    const expected = { travelBufferMinutes: 240, dailyCapacity: 1000, bookingExpiryHours: 1, startWindowMinutes: 1440 };
    expect(second.json().data).toMatchObject({ name: 'Renamed Paws', bookingSettings: expected });
    expect(await stored(a.businessId)).toMatchObject(expected);

    const got = await t.app.inject({ method: 'GET', url: `/v1/businesses/${a.businessId}`, headers: t.bearer(a.owner.accessToken) });
    expect(got.json().data.bookingSettings).toEqual(expected);
    const listed = await t.app.inject({ method: 'GET', url: '/v1/businesses', headers: t.bearer(a.owner.accessToken) });
    expect(listed.json().data.find((b: { id: string }) => b.id === a.businessId).bookingSettings).toEqual(expected);
  });

  it.each([
    ['a travel buffer of -1 minutes', { travelBufferMinutes: -1 }, 'body.bookingSettings.travelBufferMinutes'],
    ['a travel buffer of 241 minutes', { travelBufferMinutes: 241 }, 'body.bookingSettings.travelBufferMinutes'],
    ['a travel buffer of 7.5 minutes', { travelBufferMinutes: 7.5 }, 'body.bookingSettings.travelBufferMinutes'],
    ['a capacity of -1', { dailyCapacity: -1 }, 'body.bookingSettings.dailyCapacity'],
    ['a capacity of 1001', { dailyCapacity: 1001 }, 'body.bookingSettings.dailyCapacity'],
    ['an expiry of 0 hours', { bookingExpiryHours: 0 }, 'body.bookingSettings.bookingExpiryHours'],
    ['an expiry of 169 hours', { bookingExpiryHours: 169 }, 'body.bookingSettings.bookingExpiryHours'],
    ['an expiry given as text', { bookingExpiryHours: '24' }, 'body.bookingSettings.bookingExpiryHours'],
    ['a start window of -1 minutes', { startWindowMinutes: -1 }, 'body.bookingSettings.startWindowMinutes'],
    ['a start window of 1441 minutes (over a day)', { startWindowMinutes: 1441 }, 'body.bookingSettings.startWindowMinutes'],
  ])('refuses %s with details and changes nothing, on update and on create', async (_label, settings, path) => {
    const before = await stored(a.businessId);
    // A valid field beside the bad one must not be written either.
    const res = await put(a.owner.accessToken, a.businessId, { name: 'Should Not Stick', bookingSettings: { ...settings } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path }));
    expect(await stored(a.businessId)).toEqual(before);
    expect((await t.db.query.businesses.findFirst({ where: eq(businesses.id, a.businessId) }))!.name).not.toBe('Should Not Stick');

    const counts = await catalogCounts(t);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/businesses',
      headers: t.bearer(a.owner.accessToken),
      payload: businessBody({ bookingSettings: settings }),
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.details).toContainEqual(expect.objectContaining({ path }));
    expect(await catalogCounts(t)).toEqual(counts);
  });

  it('only the owner and admins see the settings: workers, other accounts and the public do not', async () => {
    const seen = {} as Record<Who, boolean>;
    for (const who of WHO) {
      const res = await t.app.inject({ method: 'GET', url: `/v1/businesses/${a.businessId}`, headers: headersOf(t, a, who) });
      expect(res.statusCode, who).toBe(200);
      seen[who] = 'bookingSettings' in res.json().data;
    }
    expect(seen).toEqual({ owner: true, admin: true, worker: false, otherWorker: false, otherBusiness: false, petOwner: false, anonymous: false });
  });

  it('nobody but the owner can change them', async () => {
    const before = await stored(a.businessId);
    for (const caller of [a.otherOwner, a.worker, a.admin, a.petOwner]) {
      const res = await put(caller.accessToken, a.businessId, { bookingSettings: { dailyCapacity: 3 } });
      expect(res.statusCode, caller.email).toBe(403);
    }
    expect(await stored(a.businessId)).toEqual(before);
  });
});
