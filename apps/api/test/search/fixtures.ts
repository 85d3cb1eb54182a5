import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/platform/db.js';
import { rowsOf } from '../../src/platform/db.js';
import { createRng, type Rng } from '../../src/seed/rng.js';

/** What the tests inserted, to compute the expected answer of a search in TypeScript. */
export type ServiceModel = {
  id: string;
  type: string;
  priceMinor: number;
  currency: string;
  priceType: string;
  petTypes: string[];
  active: boolean;
  deleted: boolean;
};
export type BusinessModel = {
  id: string;
  name: string;
  lat: number;
  lng: number;
  /** Outer ring [lng, lat][] of a polygon, or null for a radius-only business. */
  area: [number, number][] | null;
  status: 'verified' | 'pending' | 'suspended';
  active: boolean;
  deleted: boolean;
  rating: number | null;
  services: ServiceModel[];
};

const SERVICE_TYPES = ['walking', 'boarding', 'daycare', 'grooming', 'training', 'sitting', 'drop_in'];
const PET_SETS = [['dog'], ['cat'], ['dog', 'cat'], ['dog', 'cat', 'other']];

/** Great-circle distance on the sphere PostGIS uses for `<->` and ST_DWithin(…, false). */
export function haversineMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6371008.7714;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

const wrapLng = (lng: number) => (lng > 180 ? lng - 360 : lng < -180 ? lng + 360 : lng);

/** A convex polygon of `sides` vertices around a point; near lng 180 its vertices wrap, so it crosses the antimeridian. */
export function polygonAround(lat: number, lng: number, km: number, sides: number, rng: Rng): [number, number][] {
  const ring: [number, number][] = [];
  const turn = rng.next() * Math.PI;
  for (let i = 0; i < sides; i++) {
    const theta = turn + (2 * Math.PI * i) / sides;
    const dLat = (km * Math.cos(theta)) / 111.32;
    const dLng = (km * Math.sin(theta)) / (111.32 * Math.cos((lat * Math.PI) / 180));
    ring.push([Number(wrapLng(lng + dLng).toFixed(6)), Number((lat + dLat).toFixed(6))]);
  }
  ring.push(ring[0]!);
  return ring;
}

export function randomBusinesses(count: number, seed: number, centres: { lat: number; lng: number; spreadKm: number }[]): BusinessModel[] {
  const rng = createRng(seed);
  const list: BusinessModel[] = [];
  for (let i = 0; i < count; i++) {
    const c = centres[i % centres.length]!;
    const r = c.spreadKm * Math.sqrt(rng.next());
    const t = rng.next() * 2 * Math.PI;
    const lat = Number((c.lat + (r * Math.cos(t)) / 111.32).toFixed(6));
    const lng = Number(wrapLng(c.lng + (r * Math.sin(t)) / (111.32 * Math.cos((c.lat * Math.PI) / 180))).toFixed(6));
    const roll = rng.next();
    const services: ServiceModel[] = [];
    for (const type of rng.sample(SERVICE_TYPES, rng.int(0, 3)))
      services.push({
        id: crypto.randomUUID(),
        type,
        priceMinor: rng.int(5, 90) * 100,
        currency: 'EUR',
        priceType: 'per_session',
        petTypes: rng.pick(PET_SETS),
        active: rng.chance(0.9),
        deleted: rng.chance(0.05),
      });
    list.push({
      id: crypto.randomUUID(),
      name: `Business ${i}`,
      lat,
      lng,
      area: rng.chance(0.5) ? polygonAround(lat, lng, rng.int(1, 8), rng.int(4, 12), rng) : null,
      status: roll < 0.8 ? 'verified' : roll < 0.9 ? 'pending' : 'suspended',
      active: rng.chance(0.93),
      deleted: rng.chance(0.04),
      rating: rng.chance(0.7) ? rng.int(10, 50) / 10 : null,
      services,
    });
  }
  return list;
}

export async function insertOwner(db: Db): Promise<string> {
  const id = crypto.randomUUID();
  await db.execute(sql`insert into users (id, email, role, first_name, last_name) values (${id}, ${`owner-${id}@example.com`}, 'business', 'Test', 'Owner')`);
  return id;
}

/** Inserts businesses and their services as they are in the model (areas as GeoJSON polygons). */
export async function insertBusinesses(db: Db, ownerId: string, list: BusinessModel[]) {
  const rows = list.map((b) => ({
    id: b.id,
    name: b.name,
    lat: b.lat,
    lng: b.lng,
    area: b.area ? JSON.stringify({ type: 'Polygon', coordinates: [b.area] }) : null,
    status: b.status,
    active: b.active,
    deleted: b.deleted,
    rating: b.rating,
    reviews: b.rating === null ? 0 : 3,
  }));
  await db.execute(sql`insert into businesses (id, owner_id, name, type, address, location, service_area, time_zone, verification_status, active, deleted_at, rating_avg, review_count)
    select x.id, ${ownerId}::uuid, x.name, 'company', jsonb_build_object('city', 'Testville'),
      ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326)::geography,
      case when x.area is null then null else ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(x.area), 4326))::geography end,
      'UTC', x.status, x.active, case when x.deleted then now() end, x.rating, x.reviews
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, name text, lat float8, lng float8, area text, status text, active boolean,
      deleted boolean, rating real, reviews int)`);
  const services = list.flatMap((b) => b.services.map((s) => ({ ...s, businessId: b.id })));
  if (services.length)
    await db.execute(sql`insert into services (id, business_id, name, type, price_minor, currency, price_type, pet_types, active, deleted_at)
      select x.id, x.business_id, x.type, x.type, x.price_minor, x.currency, x.price_type, x.pet_types, x.active, case when x.deleted then now() end
      from jsonb_to_recordset(${JSON.stringify(services.map((s) => ({ ...s, business_id: s.businessId, price_minor: s.priceMinor, price_type: s.priceType, pet_types: s.petTypes })))}::jsonb)
        as x(id uuid, business_id uuid, type text, price_minor int, currency text, price_type text, pet_types jsonb, active boolean, deleted boolean)`);
}

/** The oracle for areas: ST_Covers row by row, without any index (no WHERE clause to answer). */
export async function coveringAreas(db: Db, point: { lat: number; lng: number }): Promise<Set<string>> {
  const rows = rowsOf<{ id: string; covers: boolean | null }>(
    await db.execute(
      sql`select id, ST_Covers(service_area, ST_SetSRID(ST_MakePoint(${point.lng}::float8, ${point.lat}::float8), 4326)::geography) as covers from businesses`,
    ),
  );
  return new Set(rows.filter((r) => r.covers).map((r) => r.id));
}

export type Filters = { serviceType?: string; petType?: string; minRating?: number; maxPrice?: number };

/** The cheapest active, non-deleted service matching the filters, as the search defines it. */
export function lowestMatching(b: BusinessModel, f: Filters): ServiceModel | null {
  const matching = b.services
    .filter((s) => s.active && !s.deleted && (!f.serviceType || s.type === f.serviceType) && (!f.petType || s.petTypes.includes(f.petType)))
    .sort((x, y) => x.priceMinor - y.priceMinor || (x.id < y.id ? -1 : 1));
  return matching[0] ?? null;
}

/**
 * Expected ids of a search, split into those that must be found and those that may be found:
 * addresses within 1 m of the radius are left to the database's rounding.
 */
export function expected(list: BusinessModel[], covering: Set<string>, point: { lat: number; lng: number }, radiusKm: number, f: Filters) {
  const must = new Set<string>();
  const may = new Set<string>();
  for (const b of list) {
    if (b.status !== 'verified' || !b.active || b.deleted) continue;
    if (f.minRating !== undefined && (b.rating === null || b.rating < f.minRating)) continue;
    const needsService = Boolean(f.serviceType || f.petType || f.maxPrice !== undefined);
    const price = lowestMatching(b, f);
    if (needsService && !price) continue;
    if (f.maxPrice !== undefined && price!.priceMinor > f.maxPrice) continue;
    if (b.area) {
      if (covering.has(b.id)) must.add(b.id);
      continue;
    }
    const d = haversineMetres(point, b);
    if (d < radiusKm * 1000 - 1) must.add(b.id);
    else if (d <= radiusKm * 1000 + 1) may.add(b.id);
  }
  return { must, may };
}
