import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEAREST_WINDOWS } from '../../src/modules/search/search.queries.js';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  coveringAreas,
  expected,
  haversineMetres,
  insertBusinesses,
  insertOwner,
  lowestMatching,
  randomBusinesses,
  type BusinessModel,
  type Filters,
} from './fixtures.js';

const LONDON = { lat: 51.5074, lng: -0.1278, spreadKm: 20 };
// Around the antimeridian (Fiji): areas there wrap from lng 179.x to -179.x.
const FIJI = { lat: -17.8, lng: 179.98, spreadKm: 25 };

// A square whose vertices and meridian edges lie exactly on known points.
const BORDER: BusinessModel = {
  id: '00000000-0000-4000-8000-00000000b0d0',
  name: 'Border Walks',
  lat: 10.05,
  lng: 10.05,
  area: [
    [10, 10],
    [10.1, 10],
    [10.1, 10.1],
    [10, 10.1],
    [10, 10],
  ],
  status: 'verified',
  active: true,
  deleted: false,
  rating: 4.5,
  services: [],
};
// A large area across the antimeridian, with the address on the west side.
const FIJI_AREA: BusinessModel = {
  id: '00000000-0000-4000-8000-0000000f1710',
  name: 'Fiji Island Pets',
  lat: -18,
  lng: 178.5,
  area: [
    [178, -16],
    [-178, -16],
    [-178, -20],
    [178, -20],
    [178, -16],
  ],
  status: 'verified',
  active: true,
  deleted: false,
  rating: null,
  services: [],
};

let t: TestApp;
let list: BusinessModel[];

beforeAll(async () => {
  t = await createTestApp();
  list = [...randomBusinesses(300, 7, [LONDON, FIJI]), BORDER, FIJI_AREA];
  await insertBusinesses(t.db, await insertOwner(t.db), list);
});
afterAll(() => t?.close());

type Page = {
  data: { id: string; distanceKm: number; rating: number | null; lowestPrice: { amountMinor: number } | null }[];
  meta: { nextCursor: string | null };
};

/** Every page of a search, following the cursors. */
async function searchAll(query: Record<string, string | number>, limit = 7) {
  const rows: Page['data'] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const qs = new URLSearchParams(Object.entries({ ...query, limit, ...(cursor ? { cursor } : {}) }).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await t.app.inject({ method: 'GET', url: `/v1/businesses/search?${qs}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Page;
    expect(body.data.length).toBeLessThanOrEqual(limit);
    rows.push(...body.data);
    cursor = body.meta.nextCursor;
    if (!cursor) return rows;
  }
  throw new Error('too many pages');
}

async function expectSameAsOracle(point: { lat: number; lng: number }, radius: number, filters: Filters = {}, sort = 'distance') {
  const rows = await searchAll({ lat: point.lat, lng: point.lng, radius, sort, ...filters });
  const ids = rows.map((r) => r.id);
  expect(new Set(ids).size, 'no row twice across pages').toBe(ids.length);
  const { must, may } = expected(list, await coveringAreas(t.db, point), point, radius, filters);
  for (const id of must) expect(ids, `missing ${list.find((b) => b.id === id)?.name}`).toContain(id);
  for (const id of ids) expect(must.has(id) || may.has(id), `unexpected ${list.find((b) => b.id === id)?.name}`).toBe(true);
  return rows;
}

describe('GET /v1/businesses/search: who is found', () => {
  const points = [
    { lat: 51.5074, lng: -0.1278 },
    { lat: 51.55, lng: -0.2 },
    { lat: 51.42, lng: 0.01 },
    { lat: 51.6, lng: -0.05 },
    { lat: -17.8, lng: 179.9 },
    { lat: -17.8, lng: -179.9 },
    { lat: -17.75, lng: 179.999 },
    { lat: -17.85, lng: -179.999 },
    { lat: -18, lng: 180 },
  ];
  it.each(points)('matches the brute-force answer at %o', async (point) => {
    for (const radius of [2, 10, 50]) await expectSameAsOracle(point, radius);
  });

  it('finds an area that crosses the antimeridian from both sides, and not far away', async () => {
    for (const lng of [179.5, -179.5, 180, -178.5]) {
      const ids = (await searchAll({ lat: -18, lng, radius: 1 })).map((r) => r.id);
      expect(ids).toContain(FIJI_AREA.id);
    }
    expect((await searchAll({ lat: -18, lng: 177.5, radius: 1 })).map((r) => r.id)).not.toContain(FIJI_AREA.id);
    expect((await searchAll({ lat: -18, lng: 0, radius: 1 })).map((r) => r.id)).not.toContain(FIJI_AREA.id);
  });

  it('counts a point on the border of an area as covered', async () => {
    for (const point of [
      { lat: 10, lng: 10 },
      { lat: 10.1, lng: 10.1 },
      { lat: 10.05, lng: 10 },
      { lat: 10.07, lng: 10.1 },
    ])
      expect((await searchAll({ ...point, radius: 1 })).map((r) => r.id)).toContain(BORDER.id);
    expect((await searchAll({ lat: 10.05, lng: 9.999, radius: 1 })).map((r) => r.id)).not.toContain(BORDER.id);
  });

  it('never lists unverified, suspended, inactive or deleted businesses', async () => {
    const hidden = new Set(list.filter((b) => b.status !== 'verified' || !b.active || b.deleted).map((b) => b.id));
    expect(hidden.size).toBeGreaterThan(20);
    const seen = [...(await searchAll({ lat: 51.5074, lng: -0.1278, radius: 50 }, 100)), ...(await searchAll({ lat: -17.8, lng: 179.98, radius: 50 }, 100))];
    expect(seen.length).toBeGreaterThan(100);
    for (const r of seen) expect(hidden.has(r.id)).toBe(false);
  });
});

describe('GET /v1/businesses/search: filters, sorts and pages', () => {
  const centre = { lat: 51.5074, lng: -0.1278 };
  it.each<Filters>([
    { serviceType: 'walking' },
    { petType: 'cat' },
    { serviceType: 'grooming', petType: 'dog' },
    { minRating: 4 },
    { maxPrice: 3000 },
    { serviceType: 'walking', maxPrice: 5000 },
  ])('filters by %o like the brute force, with the lowest matching price', async (filters) => {
    const rows = await expectSameAsOracle(centre, 15, filters);
    for (const r of rows) {
      const b = list.find((x) => x.id === r.id)!;
      expect(r.lowestPrice?.amountMinor ?? null).toBe(lowestMatching(b, filters)?.priceMinor ?? null);
    }
  });

  it('sorts by distance, rating (nulls last) and price (none last), with pages that neither repeat nor skip', async () => {
    const byDistance = await expectSameAsOracle(centre, 20, {}, 'distance');
    for (let i = 1; i < byDistance.length; i++) expect(byDistance[i]!.distanceKm).toBeGreaterThanOrEqual(byDistance[i - 1]!.distanceKm);
    const b0 = list.find((b) => b.id === byDistance[0]!.id)!;
    expect(byDistance[0]!.distanceKm).toBeCloseTo(haversineMetres(centre, b0) / 1000, 2);

    const byRating = await expectSameAsOracle(centre, 20, {}, 'rating');
    const ratings = byRating.map((r) => r.rating);
    const firstNull = ratings.indexOf(null);
    expect(firstNull).toBeGreaterThan(0);
    expect(ratings.slice(firstNull).every((r) => r === null)).toBe(true);
    const rated = ratings.slice(0, firstNull) as number[];
    for (let i = 1; i < rated.length; i++) expect(rated[i]!).toBeLessThanOrEqual(rated[i - 1]!);

    const byPrice = await expectSameAsOracle(centre, 20, {}, 'price');
    const prices = byPrice.map((r) => r.lowestPrice?.amountMinor ?? null);
    const firstNone = prices.indexOf(null);
    const priced = (firstNone < 0 ? prices : prices.slice(0, firstNone)) as number[];
    if (firstNone >= 0) expect(prices.slice(firstNone).every((p) => p === null)).toBe(true);
    for (let i = 1; i < priced.length; i++) expect(priced[i]!).toBeGreaterThanOrEqual(priced[i - 1]!);
    // Pages of one row and pages of many give the same order (ties included).
    expect((await searchAll({ ...centre, radius: 20, sort: 'rating' }, 1)).map((r) => r.id)).toEqual(byRating.map((r) => r.id));
  });

  it('keeps ties stable: businesses at one address are paged by id', async () => {
    const twins = randomBusinesses(6, 99, [{ lat: 40, lng: 20, spreadKm: 0 }]).map((b) => ({
      ...b,
      lat: 40,
      lng: 20,
      area: null,
      status: 'verified' as const,
      active: true,
      deleted: false,
      rating: 4,
      services: [],
    }));
    await insertBusinesses(t.db, await insertOwner(t.db), twins);
    for (const sort of ['distance', 'rating', 'price']) {
      const ids = (await searchAll({ lat: 40.001, lng: 20, radius: 1, sort }, 2)).map((r) => r.id);
      expect(ids).toEqual(twins.map((b) => b.id).sort());
    }
  });

  it('looks past the nearest-first window: sparse matches and more equally distant businesses than the window holds', async () => {
    const training = (id: number) => ({
      id: crypto.randomUUID(),
      type: 'training',
      priceMinor: 1000 + id,
      currency: 'EUR',
      priceType: 'per_session',
      petTypes: ['dog'],
      active: true,
      deleted: false,
    });
    const at = (lat: number, lng: number, services: BusinessModel['services']) =>
      randomBusinesses(1, Math.floor(Math.random() * 1e6), [{ lat, lng, spreadKm: 0 }]).map((b) => ({
        ...b,
        lat,
        lng,
        area: null,
        status: 'verified' as const,
        active: true,
        deleted: false,
        rating: null,
        services,
      }))[0]!;
    const window = NEAREST_WINDOWS[0];
    // More non-matching businesses at one address than the first window holds, and the matches beyond them.
    const crowd = Array.from({ length: window + 40 }, () => at(-30, 150, []));
    const far = [at(-30.01, 150, [training(1)]), at(-30.02, 150, [training(2)])];
    // More matching businesses at one address than the first window holds: pages must still be exact.
    const twins = Array.from({ length: window + 10 }, (_, i) => at(-31, 150, [training(i)]));
    await insertBusinesses(t.db, await insertOwner(t.db), [...crowd, ...far, ...twins]);

    const sparse = await searchAll({ lat: -30, lng: 150, radius: 5, serviceType: 'training', sort: 'distance' }, 5);
    expect(sparse.map((r) => r.id)).toEqual(far.map((b) => b.id));
    const paged = await searchAll({ lat: -31, lng: 150, radius: 1, serviceType: 'training', sort: 'distance' }, 50);
    expect(paged.map((r) => r.id)).toEqual(twins.map((b) => b.id).sort());
  });

  it('returns photos as the cover, else the logo, else the first photo', async () => {
    const b = list.find((x) => x.status === 'verified' && x.active && !x.deleted && !x.area)!;
    const owner = await insertOwner(t.db);
    const media = async () => {
      const id = crypto.randomUUID();
      await t.db.execute(sql`insert into media (id, owner_id, purpose, kind, mime_type, size_bytes, storage_key, sha256)
        values (${id}, ${owner}, 'business_photo', 'image', 'image/jpeg', 1, ${`t/${id}.jpg`}, 'x')`);
      return id;
    };
    const photoOf = async () => (await searchAll({ lat: b.lat, lng: b.lng, radius: 1 }, 100)).find((r) => r.id === b.id) as unknown as { photo: unknown };
    expect((await photoOf()).photo).toBeNull();
    const photo = await media();
    await t.db.execute(sql`insert into business_photos (business_id, media_id) values (${b.id}, ${photo})`);
    expect((await photoOf()).photo).toEqual({ url: `/v1/media/${photo}/file`, thumbnailUrl: `/v1/media/${photo}/thumbnail` });
    const logo = await media();
    await t.db.execute(sql`update businesses set logo_media_id = ${logo} where id = ${b.id}`);
    expect((await photoOf()).photo).toMatchObject({ url: `/v1/media/${logo}/file` });
    const cover = await media();
    await t.db.execute(sql`update businesses set cover_media_id = ${cover} where id = ${b.id}`);
    expect((await photoOf()).photo).toMatchObject({ url: `/v1/media/${cover}/file` });
  });
});

describe('search input', () => {
  it.each([
    ['radius over 50 km', 'lat=51.5&lng=-0.1&radius=51', 'querystring.radius'],
    ['no latitude', 'lng=-0.1', 'querystring.lat'],
    ['latitude out of range', 'lat=91&lng=0', 'querystring.lat'],
    ['unknown sort', 'lat=1&lng=1&sort=cheapest', 'querystring.sort'],
    ['unknown service type', 'lat=1&lng=1&serviceType=flying', 'querystring.serviceType'],
    ['limit over 100', 'lat=1&lng=1&limit=101', 'querystring.limit'],
    ['garbage cursor', 'lat=1&lng=1&cursor=bm90IGEgY3Vyc29y', 'querystring.cursor'],
  ])('answers 400 with details for %s', async (_name, qs, path) => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/businesses/search?${qs}` });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    expect(body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('refuses a cursor from another sort', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/businesses/search?lat=51.5074&lng=-0.1278&radius=20&limit=1' });
    const cursor = first.json().meta.nextCursor as string;
    expect(cursor).toBeTruthy();
    const res = await t.app.inject({ method: 'GET', url: `/v1/businesses/search?lat=51.5074&lng=-0.1278&radius=20&sort=rating&cursor=${cursor}` });
    expect(res.statusCode).toBe(400);
  });
});

describe('markers, services and config', () => {
  it('GET /v1/locations/businesses gives markers for what the search finds', async () => {
    const point = { lat: 51.5074, lng: -0.1278 };
    const res = await t.app.inject({ method: 'GET', url: `/v1/locations/businesses?lat=${point.lat}&lng=${point.lng}&radius=10` });
    expect(res.statusCode).toBe(200);
    const markers = res.json().data as { id: string; lat: number; lng: number; lowestPriceMinor: number | null; serviceTypes: string[] }[];
    const found = (await searchAll({ ...point, radius: 10 }, 100)).map((r) => r.id);
    expect(markers.map((m) => m.id).sort()).toEqual([...found].sort());
    for (const m of markers) {
      const b = list.find((x) => x.id === m.id)!;
      expect(m.lat).toBeCloseTo(b.lat, 5);
      expect(m.lowestPriceMinor).toBe(lowestMatching(b, {})?.priceMinor ?? null);
      expect(m.serviceTypes).toEqual([...new Set(b.services.filter((s) => s.active && !s.deleted).map((s) => s.type))].sort());
    }
  });

  it('GET /v1/services/search lists matching services of listed businesses, pages by price', async () => {
    const point = { lat: 51.5074, lng: -0.1278 };
    const found = new Set((await searchAll({ ...point, radius: 15 }, 100)).map((r) => r.id));
    const want = list
      .filter((b) => found.has(b.id))
      .flatMap((b) => b.services.filter((s) => s.active && !s.deleted && s.type === 'walking').map((s) => s.id))
      .sort();
    const seen: { id: string; price: { amountMinor: number }; distanceKm: number; business: { id: string } }[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof t.app.inject>> = await t.app.inject({
        method: 'GET',
        url: `/v1/services/search?lat=${point.lat}&lng=${point.lng}&radius=15&serviceType=walking&sort=price&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().data);
      cursor = res.json().meta.nextCursor;
    } while (cursor);
    expect(seen.map((s) => s.id).sort()).toEqual(want);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.price.amountMinor).toBeGreaterThanOrEqual(seen[i - 1]!.price.amountMinor);
    const noPoint = await t.app.inject({ method: 'GET', url: '/v1/services/search?serviceType=walking&maxPrice=1000' });
    expect(noPoint.statusCode).toBe(200);
    for (const s of noPoint.json().data) expect(s.price.amountMinor).toBeLessThanOrEqual(1000);
    expect((await t.app.inject({ method: 'GET', url: '/v1/services/search?lat=51' })).statusCode).toBe(400);
  });

  it('GET /v1/config tells the web app which map style and payment provider to use', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/config' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      success: true,
      data: { mapStyleUrl: 'https://tiles.openfreemap.org/styles/liberty', payments: { provider: 'simulated', publishableKey: null } },
    });
    // Where search starts: computed from the listed businesses here (test/geocode/geocode.test.ts checks it).
    expect(res.json().data).toHaveProperty('defaultArea');
  });
});
