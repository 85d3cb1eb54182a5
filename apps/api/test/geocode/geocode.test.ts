import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/platform/db.js';
import { STREETS } from '../../src/seed/vocabulary.js';
import { seedCity } from '../../src/seed/seed-city.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { startFakeGeocoder, type FakeGeocoder } from '../support/fake-geocoder.js';

let t: TestApp;
let street: { full: string; name: string; city: string; lat: number; lng: number };

beforeAll(async () => {
  t = await createTestApp({ env: { GEOCODE_RATE_LIMIT_MAX: '1000' } });
  await seedCity(t.db, null, {
    city: 'London',
    businesses: 30,
    workersPerBusiness: 1,
    verifiedShare: 1,
    pendingShare: 0,
    passwordHashing: { memoryCost: 1024, timeCost: 1 },
  });
  const [row] = rowsOf<{ full: string; city: string; lat: number; lng: number }>(
    await t.db.execute(sql`select address->>'street' as full, address->>'city' as city,
      ST_Y(location::geometry) as lat, ST_X(location::geometry) as lng from businesses order by id limit 1`),
  );
  street = { ...row!, name: row!.full.replace(/^\d+\s+/, '') };
}, 120_000);
afterAll(() => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });

describe('GET /v1/geocode (embedded: gazetteer + the streets of listed businesses)', () => {
  it('finds a demo street from the seed, as a street (no house number), near its businesses', async () => {
    expect(STREETS).toContain(street.name);
    const res = await get(`/v1/geocode?q=${encodeURIComponent(street.name)}&near=${street.lat},${street.lng}&limit=5`);
    expect(res.statusCode).toBe(200);
    const [first] = res.json().data;
    expect(first).toMatchObject({ name: street.name, kind: 'street', address: { street: street.name, city: 'London', postalCode: null } });
    expect(first.label).toContain(street.name);
  });

  it('finds the exact address when the house number is given', async () => {
    const res = await get(`/v1/geocode?q=${encodeURIComponent(street.full)}`);
    const places = res.json().data as { kind: string; name: string }[];
    expect(places[0]).toMatchObject({ kind: 'address', name: street.full });
  });

  it('finds cities and districts with and without typos', async () => {
    const london = (await get('/v1/geocode?q=London&limit=1')).json().data;
    expect(london).toEqual([expect.objectContaining({ name: 'London', kind: 'city' })]);
    const fulham = (await get('/v1/geocode?q=Fulhm&near=51.5,-0.12')).json().data;
    expect(fulham[0]).toMatchObject({ name: 'Fulham', kind: 'district', label: 'Fulham, London, United Kingdom' });
  });

  it('answers an empty list when nothing matches', async () => {
    const res = await get('/v1/geocode?q=Qqzzyxplonk');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, data: [] });
  });

  it('refuses bad input with 400 and field details', async () => {
    for (const url of [
      '/v1/geocode',
      '/v1/geocode?q=a',
      `/v1/geocode?q=${'x'.repeat(201)}`,
      '/v1/geocode?q=London&limit=11',
      '/v1/geocode?q=London&limit=0',
      '/v1/geocode?q=London&near=91,0',
      '/v1/geocode?q=London&near=somewhere',
      '/v1/geocode/reverse?lat=51.5',
      '/v1/geocode/reverse?lat=100&lng=0',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    }
  });
});

describe('GET /v1/geocode/reverse (embedded)', () => {
  it('names a point within 150 m of a known address by its street', async () => {
    const res = await get(`/v1/geocode/reverse?lat=${street.lat + 0.0005}&lng=${street.lng}`);
    expect(res.json().data).toMatchObject({ kind: 'street', address: { city: 'London' } });
    expect(res.json().data.name).not.toMatch(/^\d/);
  });

  it('names any other point by the nearest district or town, and nothing in mid-ocean', async () => {
    const res = await get('/v1/geocode/reverse?lat=48.8584&lng=2.2945');
    expect(res.json().data).toMatchObject({ address: { country: 'FR' } });
    expect((await get('/v1/geocode/reverse?lat=0&lng=-150')).json()).toEqual({ success: true, data: null });
  });
});

describe('the public config names the default area', () => {
  it('is the city of the listed businesses when DEFAULT_AREA is not set (the demo city)', async () => {
    const res = await get('/v1/config');
    expect(res.json().data.defaultArea).toMatchObject({ label: 'London' });
    expect(res.json().data.defaultArea.lat).toBeCloseTo(51.5, 0);
  });

  it('is DEFAULT_AREA when set, as a point or as a place name', async () => {
    const point = await createTestApp({ sameDatabaseAs: t, env: { DEFAULT_AREA: '48.8566,2.3522,Paris' } });
    expect((await point.app.inject({ url: '/v1/config' })).json().data.defaultArea).toEqual({ label: 'Paris', lat: 48.8566, lng: 2.3522 });
    await point.close();
    const named = await createTestApp({ sameDatabaseAs: t, env: { DEFAULT_AREA: 'Manchester' } });
    expect((await named.app.inject({ url: '/v1/config' })).json().data.defaultArea).toMatchObject({ label: 'Manchester' });
    await named.close();
  });
});

describe('rate limit and provider failures through the routes', () => {
  let fake: FakeGeocoder;
  beforeAll(async () => {
    fake = await startFakeGeocoder();
  });
  afterAll(() => fake.close());

  it('answers 429 after GEOCODE_RATE_LIMIT_MAX requests a minute from one client', async () => {
    const limited = await createTestApp({ sameDatabaseAs: t, env: { GEOCODE_RATE_LIMIT_MAX: '3', GEOCODER_URL: fake.url } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.app.inject({ url: '/v1/geocode?q=London' })).statusCode).toBe(200);
      const refused = await limited.app.inject({ url: '/v1/geocode?q=Fulham' });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
      // The three were the same question: the provider was asked once; the refused one never reached it.
      expect(fake.requests.filter((r) => r.path === '/search')).toHaveLength(1);
      expect((await limited.app.inject({ url: '/v1/geocode/reverse?lat=51.5&lng=-0.1' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers 503 in the error envelope when the provider is down', async () => {
    const down = await createTestApp({ sameDatabaseAs: t, env: { GEOCODER_URL: 'http://127.0.0.1:9', GEOCODER_TIMEOUT_MS: '500' } });
    try {
      const res = await down.app.inject({ url: '/v1/geocode?q=Fulham' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ success: false, error: { code: 'SERVICE_UNAVAILABLE' } });
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await down.close();
    }
  });
});
