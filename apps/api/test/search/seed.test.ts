import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/platform/db.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedCity, type SeedResult } from '../../src/seed/seed-city.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let result: SeedResult;
const count = async (query: ReturnType<typeof sql>) => Number(rowsOf<{ n: number }>(await t.db.execute(query))[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
  result = await seedCity(t.db, t.app.platform.storage, {
    city: 'Berlin',
    businesses: 60,
    workersPerBusiness: 2,
    seed: 3,
    photos: true,
    demoAccounts: true,
    passwordHashing: { memoryCost: 1024, timeCost: 1 },
  });
});
afterAll(() => t?.close());

describe('seedCity', () => {
  it('writes what it reports', async () => {
    const c = result.counts;
    expect(c.businesses).toBe(60);
    expect(await count(sql`select count(*)::int as n from businesses`)).toBe(60);
    expect(await count(sql`select count(*)::int as n from services`)).toBe(c.services);
    expect(await count(sql`select count(*)::int as n from workers`)).toBe(120);
    expect(await count(sql`select count(*)::int as n from service_workers`)).toBe(c.serviceWorkers);
    expect(await count(sql`select count(*)::int as n from users where role = 'worker'`)).toBe(120);
    expect(c.verified + c.pending + c.suspended).toBe(60);
    for (const status of ['verified', 'pending', 'suspended'] as const)
      expect(await count(sql`select count(*)::int as n from businesses where verification_status = ${status}`)).toBe(c[status]);
    expect(c.verified).toBeGreaterThan(40);
    expect(c.services).toBeGreaterThanOrEqual(60);
  });

  it('makes valid service areas around the address for about 70 % of businesses', async () => {
    const c = result.counts;
    expect(c.withArea).toBeGreaterThan(30);
    expect(c.withArea).toBeLessThan(55);
    expect(await count(sql`select count(*)::int as n from businesses where service_area is not null`)).toBe(c.withArea);
    expect(
      await count(sql`select count(*)::int as n from businesses where service_area is not null and ST_IsValid(service_area::geometry)
        and ST_Covers(service_area, location) and GeometryType(service_area::geometry) = 'MULTIPOLYGON'`),
    ).toBe(c.withArea);
    // 2–8 km circles: their area is between π·2² and π·8² km².
    expect(
      await count(sql`select count(*)::int as n from businesses where service_area is not null and ST_Area(service_area) not between 12e6 and 202e6`),
    ).toBe(0);
    // Within the city's spread of its centre.
    expect(
      await count(sql`select count(*)::int as n from businesses where ST_Distance(location, ST_SetSRID(ST_MakePoint(13.405, 52.52), 4326)::geography) > 14100`),
    ).toBe(0);
  });

  it('gives services plausible local prices and businesses opening hours in the city zone', async () => {
    const rows = rowsOf<{ currency: string; min: number; max: number }>(
      await t.db.execute(sql`select currency, min(price_minor)::int as min, max(price_minor)::int as max from services group by currency`),
    );
    expect(rows).toEqual([{ currency: 'EUR', min: expect.any(Number), max: expect.any(Number) }]);
    expect(rows[0]!.min).toBeGreaterThanOrEqual(500);
    expect(rows[0]!.max).toBeLessThanOrEqual(10_000);
    expect(await count(sql`select count(*)::int as n from businesses where time_zone <> 'Europe/Berlin' or jsonb_array_length(operating_hours) < 5`)).toBe(0);
  });

  it('creates the demo sign-ins, which work with the demo password', async () => {
    expect(result.demo.accounts.map((a) => a.email).sort()).toEqual(Object.values(DEMO_ACCOUNTS).sort());
    await t.login(DEMO_ACCOUNTS.business, DEMO_PASSWORD);
    expect(await count(sql`select count(*)::int as n from businesses b join users u on u.id = b.owner_id where u.email = ${DEMO_ACCOUNTS.business}`)).toBe(1);
    // A second seed does not collide with the first.
    const again = await seedCity(t.db, null, {
      city: 'Berlin',
      businesses: 3,
      seed: 3,
      demoAccounts: true,
      passwordHashing: { memoryCost: 1024, timeCost: 1 },
    });
    expect(again.demo.accounts).toEqual([]);
    expect(again.counts.businesses).toBe(3);
  });

  it('stores a cover photo per business when storage works, or says why not', async () => {
    if (result.photoProblem) {
      expect(result.counts.photos).toBe(0);
      return;
    }
    expect(result.counts.photos).toBe(60);
    expect(await count(sql`select count(*)::int as n from businesses b join media m on m.id = b.cover_media_id where m.purpose = 'business_cover'`)).toBe(60);
    // The second, photo-less seed above is in the same city: some results have no photo.
    const res = await t.app.inject({ method: 'GET', url: '/v1/businesses/search?lat=52.52&lng=13.405&radius=20&limit=100' });
    const photos = (res.json().data as { photo: { url: string } | null }[]).filter((b) => b.photo);
    expect(photos.length).toBeGreaterThan(10);
    for (const b of photos) expect(b.photo!.url).toMatch(/^\/v1\/media\/[0-9a-f-]{36}\/file$/);
    // Every worker has a drawn portrait as profile photo and avatar (re-encoded WebP, like an upload), loadable by anyone.
    expect(result.counts.portraits).toBe(121);
    expect(await count(sql`select count(*)::int as n from workers w join media m on m.id = w.photo_media_id where m.purpose = 'worker_photo'`)).toBe(120);
    expect(
      await count(
        sql`select count(*)::int as n from users u join media m on m.id = u.avatar_media_id where m.purpose = 'avatar' and m.mime_type = 'image/webp'`,
      ),
    ).toBe(121);
    const [avatar] = rowsOf<{ id: string }>(await t.db.execute(sql`select avatar_media_id as id from users where email = ${DEMO_ACCOUNTS.business}`));
    const picture = await t.app.inject({ url: `/v1/media/${avatar!.id}/thumbnail` });
    expect(picture.statusCode).toBe(200);
    expect(picture.headers['content-type']).toBe('image/webp');
  });

  it('invents no ratings: every business starts with no reviews', async () => {
    expect(await count(sql`select count(*)::int as n from businesses where rating_avg is not null or review_count <> 0`)).toBe(0);
  });

  it('is found by the search', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/businesses/search?lat=52.52&lng=13.405&radius=20&serviceType=walking&limit=100' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.length).toBeGreaterThan(20);
  });
});
