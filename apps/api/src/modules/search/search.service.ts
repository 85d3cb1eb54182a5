import type { BusinessMarker, BusinessSearchQuery, BusinessSearchResult, MarkerQuery, ServiceSearchQuery, ServiceSearchResult } from '@walkydoggy/shared';
import { SEARCH_AVAILABILITY_MAX_CHECKS, SEARCH_MAX_MARKERS } from '@walkydoggy/shared';
import type { AvailabilityService } from '../availability/availability.service.js';
import { bookableIn } from './search.available.js';
import type { Database } from '../../platform/db.js';
import { ValidationFailed } from '../../platform/errors.js';
import {
  businessMarkers,
  matchingServicesSql,
  searchBusinesses,
  searchServices,
  type BusinessRow,
  type MatchingService,
  type Run,
  type SortKey,
} from './search.queries.js';

type Page<T> = { items: T[]; nextCursor: string | null; checked?: number; capped?: boolean };

/** Services of one business asked about, at most (cheapest first). */
const SERVICES_CHECKED_PER_BUSINESS = 3;

/**
 * Cursors are opaque to clients: base64url of the sort name and the sort key of the last row
 * (including its id, so ties never repeat or skip a row). A cursor from another sort is refused.
 */
export function encodeCursor(sort: string, key: SortKey): string {
  return Buffer.from(JSON.stringify([sort, key.k, key.dist, key.id])).toString('base64url');
}
export function decodeCursor(cursor: string | undefined, sort: string): SortKey | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => ValidationFailed.field('querystring.cursor', 'This cursor is not valid for this search; start again without it.', 'invalid_cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid();
  const [s, k, dist, id] = parsed as unknown[];
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (
    s !== sort ||
    !(k === null || finite(k)) ||
    !finite(dist) ||
    typeof id !== 'string' ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
  )
    throw invalid();
  return { k, dist, id };
}

const mediaPhoto = (id: string | null) => (id ? { url: `/v1/media/${id}/file`, thumbnailUrl: `/v1/media/${id}/thumbnail` } : null);
const km = (metres: number) => Math.round(metres) / 1000;
const rating = (r: number | null) => (r === null ? null : Math.round(r * 100) / 100);

function businessResult(r: BusinessRow): BusinessSearchResult {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    description: r.description,
    location: { lat: r.lat, lng: r.lng },
    distanceKm: km(r.dist),
    rating: rating(r.rating),
    reviewCount: r.review_count,
    lowestPrice:
      r.price_minor === null
        ? null
        : { amountMinor: r.price_minor, currency: r.currency!, priceType: r.price_type as NonNullable<BusinessSearchResult['lowestPrice']>['priceType'] },
    photo: mediaPhoto(r.photo_id),
    serviceTypes: r.service_types,
    address: { city: r.city },
  };
}

function paginate<R extends { dist: number; k1: number | null; id: string }, T>(rows: R[], limit: number, sort: string, map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { items: page.map(map), nextCursor: more && last ? encodeCursor(sort, { k: last.k1, dist: last.dist, id: last.id }) : null };
}

export function createSearchService(deps: { database: Pick<Database, 'prepared'>; availability: Pick<AvailabilityService, 'forService'> }) {
  const run: Run = (statement) => deps.database.prepared(statement);

  /**
   * An `availableOn` page: candidates in the search's own order, a few at a time, each kept when one
   * of its matching services (cheapest first, at most SERVICES_CHECKED_PER_BUSINESS) has a slot in
   * the window by the availability engine. At most SEARCH_AVAILABILITY_MAX_CHECKS businesses are
   * checked per page; the cursor then goes on after the last one checked.
   */
  async function availableRows(q: BusinessSearchQuery): Promise<{ rows: BusinessRow[]; nextCursor: string | null; checked: number; capped: boolean }> {
    const window = { date: q.availableOn!, from: q.from ?? '00:00', to: q.to ?? '24:00', pets: q.pets };
    const found: BusinessRow[] = [];
    let after = decodeCursor(q.cursor, q.sort);
    let checked = 0;
    let more = true;
    while (found.length < q.limit && checked < SEARCH_AVAILABILITY_MAX_CHECKS && more) {
      const chunk = Math.min(SEARCH_AVAILABILITY_MAX_CHECKS - checked, Math.max(q.limit, 10));
      const rows = await searchBusinesses(run, { ...businessSearch(q), after, limit: chunk });
      more = rows.length > chunk;
      const candidates = rows.slice(0, chunk);
      const services = candidates.length
        ? await run<MatchingService>(
            matchingServicesSql(
              candidates.map((r) => r.id),
              { ...q, pets: q.pets },
              SERVICES_CHECKED_PER_BUSINESS,
            ),
          )
        : [];
      for (const [i, row] of candidates.entries()) {
        checked++;
        after = { k: row.k1, dist: row.dist, id: row.id };
        for (const service of services.filter((s) => s.business_id === row.id)) {
          if (await bookableIn(deps.availability, service.id, window)) {
            found.push(row);
            break;
          }
        }
        if (found.length >= q.limit || checked >= SEARCH_AVAILABILITY_MAX_CHECKS) {
          more ||= i < candidates.length - 1;
          break;
        }
      }
    }
    return { rows: found, nextCursor: more && after ? encodeCursor(q.sort, after) : null, checked, capped: more && found.length < q.limit };
  }

  function businessSearch(q: BusinessSearchQuery) {
    return {
      point: { lat: q.lat, lng: q.lng },
      radiusKm: q.radius,
      serviceType: q.serviceType,
      petType: q.petType,
      maxPrice: q.maxPrice,
      minRating: q.minRating,
      sort: q.sort,
      after: decodeCursor(q.cursor, q.sort),
      limit: q.limit,
    };
  }

  return {
    async businesses(q: BusinessSearchQuery): Promise<Page<BusinessSearchResult>> {
      if (q.availableOn) {
        const page = await availableRows(q);
        return { items: page.rows.map(businessResult), nextCursor: page.nextCursor, checked: page.checked, capped: page.capped };
      }
      const rows = await searchBusinesses(run, businessSearch(q));
      return paginate(rows, q.limit, q.sort, businessResult);
    },

    async services(q: ServiceSearchQuery): Promise<Page<ServiceSearchResult>> {
      const point = q.lat !== undefined && q.lng !== undefined ? { lat: q.lat, lng: q.lng } : null;
      const sort = q.sort ?? (point ? 'distance' : 'price');
      const rows = await searchServices(run, {
        point,
        radiusKm: q.radius,
        serviceType: q.serviceType,
        petType: q.petType,
        maxPrice: q.maxPrice,
        sort,
        after: decodeCursor(q.cursor, sort),
        limit: q.limit,
      });
      return paginate(rows, q.limit, sort, (r) => ({
        id: r.id,
        name: r.name,
        type: r.type as ServiceSearchResult['type'],
        description: r.description,
        price: { amountMinor: r.price_minor, currency: r.currency },
        priceType: r.price_type as ServiceSearchResult['priceType'],
        durationMinutes: r.duration_minutes,
        petTypes: r.pet_types,
        maxPets: r.max_pets,
        distanceKm: r.located ? km(r.dist) : null,
        business: {
          id: r.business_id,
          name: r.business_name,
          rating: rating(r.rating),
          reviewCount: r.review_count,
          location: { lat: r.lat, lng: r.lng },
          address: { city: r.city },
          photo: mediaPhoto(r.photo_id),
        },
      }));
    },

    async markers(q: MarkerQuery): Promise<BusinessMarker[]> {
      const rows = await businessMarkers(run, {
        point: { lat: q.lat, lng: q.lng },
        radiusKm: q.radius,
        serviceType: q.serviceType,
        petType: q.petType,
        limit: SEARCH_MAX_MARKERS,
      });
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        lat: r.lat,
        lng: r.lng,
        rating: rating(r.rating),
        lowestPriceMinor: r.price_minor,
        currency: r.currency,
        serviceTypes: r.service_types,
      }));
    },
  };
}
