import { sql, type SQL } from 'drizzle-orm';

/**
 * The search SQL. Every statement here is built by an exported function so that the EXPLAIN test and
 * the pgbench ceiling run exactly what the API runs.
 *
 * Geo rule: a business with a service area is found when the area covers the point (the border
 * counts: ST_Covers); one without an area when its address is within the radius. Both predicates
 * use the geography columns as they are, so the GiST indexes `businesses_location_gist` and
 * `businesses_service_area_gist` answer them (a cast of the column would bypass the index).
 */

export type SearchPoint = { lat: number; lng: number };
export type CatalogFilters = { serviceType?: string; petType?: string; maxPrice?: number };
/** The sort key of the last row of a page, all ascending: [k1?, distance in metres, id]. */
export type SortKey = { k: number | null; dist: number; id: string };

const point = (p: SearchPoint) => sql`ST_SetSRID(ST_MakePoint(${p.lng}::float8, ${p.lat}::float8), 4326)::geography`;
/** Listed at all: verified, active and not deleted. */
const listable = sql`b.verification_status = 'verified' and b.active and b.deleted_at is null`;

/**
 * Candidates by the indexes alone: the bounding box of the area holds the point (`&&`, answered by
 * businesses_service_area_gist), or no area and the address within the radius (ST_DWithin, answered
 * by businesses_location_gist).
 */
export function geoCandidate(p: SearchPoint, radiusKm: number): SQL {
  const pt = point(p);
  return sql`(b.service_area && ${pt} or (b.service_area is null and ST_DWithin(b.location, ${pt}, ${radiusKm * 1000}::float8, false)))`;
}
/**
 * The exact rule for a candidate. ST_Covers on geography costs ~20 µs a polygon (1,000 candidates
 * in a dense city: 20 ms), so the search evaluates it only on candidates already in page order,
 * until the page is full. Distances and the radius are on the sphere (`<->`, ST_DWithin(…, false)),
 * several times cheaper than the spheroid and within 0.5 % of it.
 */
export function geoExact(p: SearchPoint, alias: string, businessId = 'id'): SQL {
  // The polygon is read again here rather than carried through the sort: most candidates never need it.
  return sql`(not ${sql.raw(alias)}.has_area or ST_Covers((select a.service_area from businesses a where a.id = ${sql.raw(`${alias}.${businessId}`)}), ${point(p)}))`;
}
/** Both in one predicate, for queries that do not page (markers) and for tests. */
export function geoMatch(p: SearchPoint, radiusKm: number): SQL {
  const pt = point(p);
  return sql`(ST_Covers(b.service_area, ${pt}) or (b.service_area is null and ST_DWithin(b.location, ${pt}, ${radiusKm * 1000}::float8, false)))`;
}

/** Active, non-deleted services of the business `alias` that match the filters (alias `s`). */
function serviceMatch(f: CatalogFilters, alias = 'b'): SQL {
  const parts = [sql`s.business_id = ${sql.raw(alias)}.id and s.active and s.deleted_at is null`];
  if (f.serviceType) parts.push(sql`s.type = ${f.serviceType}::text`);
  if (f.petType) parts.push(sql`s.pet_types @> jsonb_build_array(${f.petType}::text)`);
  return sql.join(parts, sql` and `);
}

const hasServiceFilter = (f: CatalogFilters) => Boolean(f.serviceType || f.petType || f.maxPrice !== undefined);

/**
 * The cheapest matching service of each business (alias `p`). With a service filter the business
 * must offer a matching service (inner join); without one it is listed with no price if it has none.
 */
function lowestPrice(f: CatalogFilters, alias = 'b'): SQL {
  const lateral = sql`lateral (select s.price_minor, s.currency, s.price_type from services s where ${serviceMatch(f, alias)} order by s.price_minor, s.id limit 1) p`;
  return hasServiceFilter(f) ? sql`join ${lateral} on true` : sql`left join ${lateral} on true`;
}

/** Public photo: the cover, else the logo, else the first business photo (none deleted). */
const photoId = sql`coalesce(
  (select m.id from media m where m.id = b.cover_media_id and m.deleted_at is null),
  (select m.id from media m where m.id = b.logo_media_id and m.deleted_at is null),
  (select bp.media_id from business_photos bp join media m on m.id = bp.media_id and m.deleted_at is null
    where bp.business_id = b.id order by bp.created_at, bp.id limit 1))`;
const serviceTypes = sql`to_jsonb(array(select distinct s.type from services s where s.business_id = b.id and s.active and s.deleted_at is null order by 1))`;

export type BusinessSort = 'distance' | 'rating' | 'price';
export type BusinessSearch = CatalogFilters & { point: SearchPoint; radiusKm: number; minRating?: number; sort: BusinessSort; after?: SortKey; limit: number };

/** The columns of a result row, for the page rows `page` (id, dist, k1, price) joined to `b`. */
const resultColumns = sql`b.id, b.name, b.type, b.description, ST_Y(b.location::geometry) as lat, ST_X(b.location::geometry) as lng,
    page.dist, page.k1, b.rating_avg::float8 as rating, b.review_count, page.price_minor, page.currency, page.price_type,
    ${photoId} as photo_id, ${serviceTypes} as service_types, b.address->>'city' as city`;

/** Prices sort before "no price"; 2^31 is above any integer price. */
const NO_PRICE = 2147483648;

function keysAfter(k1: SQL | null, dist: SQL, id: SQL, after: SortKey | undefined): SQL {
  if (!after) return sql`true`;
  if (k1) return sql`(${k1}, ${dist}, ${id}) > (${after.k ?? 0}::float8, ${after.dist}::float8, ${after.id}::uuid)`;
  return sql`(${dist}, ${id}) > (${after.dist}::float8, ${after.id}::uuid)`;
}

/**
 * One page of businesses. Shape: the indexes give the candidates (bounding boxes, radius), which
 * are sorted by the page's sort key; `offset 0` keeps the planner from pushing the exact area test
 * below the sort, so ST_Covers runs on candidates in page order only until the page is full.
 * Every sort key is ascending and ends with the distance and the id, so pages never overlap or skip.
 */
export function businessSearchSql(q: BusinessSearch): SQL {
  const pt = point(q.point);
  const dist = sql`(b.location <-> ${pt})`;
  // The price sort needs each candidate's price before sorting; the others look it up per page row.
  const priceFirst = q.sort === 'price';
  // Ratings are real: compared as float8 so the value in a cursor round-trips exactly.
  // Descending with nulls last, written as an ascending key.
  const k1 = q.sort === 'rating' ? sql`-coalesce(b.rating_avg::float8, -1)` : priceFirst ? sql`coalesce(p.price_minor::float8, ${NO_PRICE}::float8)` : null;
  const priceFilter = q.maxPrice !== undefined ? sql`p.price_minor <= ${q.maxPrice}::int` : null;
  const inner = [listable, geoCandidate(q.point, q.radiusKm)];
  if (q.minRating !== undefined) inner.push(sql`b.rating_avg >= ${q.minRating}::float8`);
  if (priceFirst && priceFilter) inner.push(priceFilter);
  inner.push(keysAfter(k1, dist, sql`b.id`, q.after));
  const outer = [geoExact(q.point, 'c')];
  if (!priceFirst && priceFilter) outer.push(priceFilter);
  const order = k1 ? sql`k1, dist, id` : sql`dist, id`;
  return sql`select ${resultColumns}
  from (
    select c.id, c.dist, c.k1, ${priceFirst ? sql`c.price_minor, c.currency, c.price_type` : sql`p.price_minor, p.currency, p.price_type`}
    from (
      select b.id, b.service_area is not null as has_area, ${dist} as dist, ${k1 ?? sql`null::float8`} as k1${priceFirst ? sql`, p.price_minor, p.currency, p.price_type` : sql``}
      from businesses b ${priceFirst ? lowestPrice(q) : sql``}
      where ${sql.join(inner, sql` and `)}
      order by ${order}
      offset 0
    ) c ${priceFirst ? sql`` : lowestPrice(q, 'c')}
    where ${sql.join(outer, sql` and `)}
    limit ${q.limit + 1}::int
  ) page join businesses b on b.id = page.id
  order by ${order}`;
}

export type BusinessRow = {
  id: string;
  name: string;
  type: 'individual' | 'company';
  description: string | null;
  lat: number;
  lng: number;
  dist: number;
  k1: number | null;
  rating: number | null;
  review_count: number;
  price_minor: number | null;
  currency: string | null;
  price_type: string | null;
  photo_id: string | null;
  service_types: string[];
  city: string | null;
};

/**
 * The nearest listable businesses, at most `window` of them: a KNN scan of `businesses_location_gist`
 * (ordered by distance alone, so the planner keeps the index order) that stops after `window` rows.
 * Only cheap column filters go here.
 */
function nearestWindow(q: BusinessSearch, window: number): SQL {
  const pt = point(q.point);
  const parts = [listable];
  if (q.minRating !== undefined) parts.push(sql`b.rating_avg >= ${q.minRating}::float8`);
  // Rows nearer than the cursor are skipped (the index still walks them; pages are shallow).
  if (q.after) parts.push(sql`(b.location <-> ${pt}) >= ${q.after.dist}::float8`);
  return sql`select b.id, b.service_area is not null as has_area, (b.location <-> ${pt}) as dist
    from businesses b where ${sql.join(parts, sql` and `)}
    order by b.location <-> ${pt}
    limit ${window}::int`;
}

/**
 * Distance-sorted page, nearest first. The window of nearest businesses is sorted by (distance, id)
 * (a few hundred cheap rows), then the exact rule (area covers the point, or no area and within the
 * radius), the service filters and the price are evaluated in that order until the page is full —
 * a few dozen ST_Covers instead of one per candidate of the indexes' bounding boxes.
 * Exactness: rows at the window's farthest distance are left out unless the window holds every
 * listable business, because equally distant rows beyond the window could sort before them; so a
 * full page found here is exactly the page of the whole table.
 */
export function businessNearestSql(q: BusinessSearch, window: number): SQL {
  const pt = point(q.point);
  const exact = sql`((not c.has_area and c.dist <= ${q.radiusKm * 1000}::float8)
    or (c.has_area and ST_Covers((select a.service_area from businesses a where a.id = c.id), ${pt})))`;
  const outer = [sql`(c.dist < (select edge.d from edge) or (select edge.n from edge) < ${window}::int)`, exact];
  if (q.maxPrice !== undefined) outer.push(sql`p.price_minor <= ${q.maxPrice}::int`);
  if (q.after) outer.push(sql`(c.dist, c.id) > (${q.after.dist}::float8, ${q.after.id}::uuid)`);
  return sql`with win as materialized (${nearestWindow(q, window)}),
    edge as (select max(dist) as d, count(*)::int as n from win)
  select ${resultColumns}
  from (
    select c.id, c.dist, null::float8 as k1, p.price_minor, p.currency, p.price_type
    from (select * from win order by dist, id offset 0) c ${lowestPrice(q, 'c')}
    where ${sql.join(outer, sql` and `)}
    limit ${q.limit + 1}::int
  ) page join businesses b on b.id = page.id
  order by page.dist, page.id`;
}

/** How many rows the window of `businessNearestSql` holds (fewer than asked: the table is exhausted). */
export function nearestWindowSizeSql(q: BusinessSearch, window: number): SQL {
  return sql`select count(*)::int as n from (${nearestWindow(q, window)}) w`;
}

/** Windows tried, nearest first, before the indexed candidate query takes over (sparse matches). */
export const NEAREST_WINDOWS = [48, 1024] as const;

/** Runs a read statement: `Database.prepared` (named prepared statements on PostgreSQL). */
export type Run = <T>(statement: SQL) => Promise<T[]>;

export async function searchBusinesses(run: Run, q: BusinessSearch): Promise<BusinessRow[]> {
  if (q.sort === 'distance') {
    for (const window of NEAREST_WINDOWS) {
      const rows = await run<BusinessRow>(businessNearestSql(q, window));
      if (rows.length > q.limit) return rows;
      const [size] = await run<{ n: number }>(nearestWindowSizeSql(q, window));
      // The window held every listable business: what it found is all there is.
      if ((size?.n ?? 0) < window) return rows;
    }
  }
  return run<BusinessRow>(businessSearchSql(q));
}

export type ServiceSort = 'price' | 'distance';
export type ServiceSearch = CatalogFilters & { point: SearchPoint | null; radiusKm: number; sort: ServiceSort; after?: SortKey; limit: number };

/** One page of services, shaped like the business search (candidates in page order, exact area test last). */
export function serviceSearchSql(q: ServiceSearch): SQL {
  const dist = q.point ? sql`(b.location <-> ${point(q.point)})` : sql`0::float8`;
  const k1 = q.sort === 'price' ? sql`s.price_minor::float8` : null;
  const inner = [listable, serviceMatch(q)];
  if (q.point) inner.push(geoCandidate(q.point, q.radiusKm));
  if (q.maxPrice !== undefined) inner.push(sql`s.price_minor <= ${q.maxPrice}::int`);
  inner.push(keysAfter(k1, dist, sql`s.id`, q.after));
  const order = k1 ? sql`k1, dist, id` : sql`dist, id`;
  return sql`select s.id, s.name, s.type, s.description, s.price_minor, s.currency, s.price_type, s.duration_minutes, s.pet_types, s.max_pets,
    page.dist, page.k1, ${q.point ? sql`true` : sql`false`} as located,
    b.id as business_id, b.name as business_name, b.rating_avg::float8 as rating, b.review_count,
    ST_Y(b.location::geometry) as lat, ST_X(b.location::geometry) as lng, b.address->>'city' as city, ${photoId} as photo_id
  from (
    select c.id, c.dist, c.k1 from (
      select s.id, b.id as business_id, b.service_area is not null as has_area, ${dist} as dist, ${k1 ?? sql`null::float8`} as k1
      from businesses b join services s on s.business_id = b.id
      where ${sql.join(inner, sql` and `)}
      order by ${order}
      offset 0
    ) c
    where ${q.point ? geoExact(q.point, 'c', 'business_id') : sql`true`}
    limit ${q.limit + 1}::int
  ) page join services s on s.id = page.id join businesses b on b.id = s.business_id
  order by ${order}`;
}

export type ServiceRow = {
  id: string;
  name: string;
  type: string;
  description: string | null;
  price_minor: number;
  currency: string;
  price_type: string;
  duration_minutes: number | null;
  pet_types: string[];
  max_pets: number;
  dist: number;
  k1: number | null;
  located: boolean;
  business_id: string;
  business_name: string;
  rating: number | null;
  review_count: number;
  lat: number;
  lng: number;
  city: string | null;
  photo_id: string | null;
};

export async function searchServices(run: Run, q: ServiceSearch): Promise<ServiceRow[]> {
  return run<ServiceRow>(serviceSearchSql(q));
}

export type MarkerSearch = CatalogFilters & { point: SearchPoint; radiusKm: number; limit: number };

/** The nearest `limit` businesses a search would find, for the map. */
export function markerSql(q: MarkerSearch): SQL {
  const pt = point(q.point);
  return sql`select b.id, b.name, ST_Y(b.location::geometry) as lat, ST_X(b.location::geometry) as lng, b.rating_avg::float8 as rating,
    page.price_minor, page.currency, ${serviceTypes} as service_types
  from (
    select c.id, c.dist, p.price_minor, p.currency from (
      select b.id, b.service_area is not null as has_area, (b.location <-> ${pt}) as dist
      from businesses b
      where ${listable} and ${geoCandidate(q.point, q.radiusKm)}
      order by dist, id
      offset 0
    ) c ${lowestPrice(q, 'c')}
    where ${geoExact(q.point, 'c')}
    limit ${q.limit}::int
  ) page join businesses b on b.id = page.id
  order by page.dist, b.id`;
}

export type MarkerRow = {
  id: string;
  name: string;
  lat: number;
  lng: number;
  rating: number | null;
  price_minor: number | null;
  currency: string | null;
  service_types: string[];
};

export async function businessMarkers(run: Run, q: MarkerSearch): Promise<MarkerRow[]> {
  return run<MarkerRow>(markerSql(q));
}

export type MatchingService = { id: string; business_id: string; type: string };

/**
 * The active services of these businesses that match the filters and take `pets` pets, cheapest
 * first, at most `perBusiness` of each: the ones an availability search asks the slot engine about.
 */
export function matchingServicesSql(businessIds: string[], f: CatalogFilters & { pets: number }, perBusiness: number): SQL {
  const parts = [
    sql`s.business_id in (${sql.join(
      businessIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
    sql`s.active and s.deleted_at is null`,
    sql`s.max_pets >= ${f.pets}::int`,
  ];
  if (f.serviceType) parts.push(sql`s.type = ${f.serviceType}::text`);
  if (f.petType) parts.push(sql`s.pet_types @> jsonb_build_array(${f.petType}::text)`);
  if (f.maxPrice !== undefined) parts.push(sql`s.price_minor <= ${f.maxPrice}::int`);
  return sql`select id, business_id, type from (
      select s.id, s.business_id, s.type, row_number() over (partition by s.business_id order by s.price_minor, s.id) as n
      from services s where ${sql.join(parts, sql` and `)}
    ) ranked where n <= ${perBusiness}::int order by business_id, n`;
}
