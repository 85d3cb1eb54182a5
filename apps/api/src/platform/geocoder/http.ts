import type { GeocodePlace, GeocodePlaceKind } from '@walkydoggy/shared';
import { ServiceUnavailable } from '../errors.js';
import { createLruCache } from './cache.js';
import type { ForwardOptions, Geocoder } from './port.js';
import { createThrottle } from './throttle.js';

export type HttpGeocoderOptions = {
  flavour: 'nominatim' | 'photon';
  url: string;
  userAgent: string;
  ratePerSecond: number;
  timeoutMs: number;
  cacheSize: number;
  cacheTtlSeconds: number;
  now?: () => number;
  fetch?: typeof fetch;
};

const unavailable = () => new ServiceUnavailable('The address search is not available right now. Try again in a moment.', 5);

/**
 * A Nominatim- or Photon-compatible geocoding server. The public instances' usage policies ask for
 * an identifying User-Agent, at most one request a second, and caching of results; all three hold
 * here (the rate per instance). Any failure of the provider (down, slow, refusing, malformed) is a
 * 503 for our caller, never a 500.
 */
export function createHttpGeocoder(opts: HttpGeocoderOptions): Geocoder {
  const doFetch = opts.fetch ?? fetch;
  const cache = createLruCache<unknown>({ size: opts.cacheSize, ttlMs: opts.cacheTtlSeconds * 1000, ...(opts.now ? { now: opts.now } : {}) });
  const throttle = createThrottle({ perSecond: opts.ratePerSecond, maxWaitMs: Math.max(opts.timeoutMs, 1000), ...(opts.now ? { now: opts.now } : {}) });
  /** The same request in flight is asked once. */
  const inFlight = new Map<string, Promise<unknown>>();

  async function getJson(path: string, params: Record<string, string | undefined>): Promise<unknown> {
    const url = new URL(opts.url + path);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    const key = url.toString();
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const request = throttle
      .run(async () => {
        let response: Response;
        try {
          response = await doFetch(key, {
            headers: { 'user-agent': opts.userAgent, accept: 'application/json' },
            signal: AbortSignal.timeout(opts.timeoutMs),
          });
        } catch {
          throw unavailable();
        }
        if (!response.ok) throw unavailable();
        try {
          return (await response.json()) as unknown;
        } catch {
          throw unavailable();
        }
      })
      .then((body) => {
        cache.set(key, body);
        return body;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, request);
    return request;
  }

  if (opts.flavour === 'photon') {
    return {
      name: 'photon',
      async forward(q: string, o: ForwardOptions) {
        const body = await getJson('/api', {
          q,
          limit: String(o.limit),
          lang: o.lang?.slice(0, 2),
          lat: o.near ? String(o.near.lat) : undefined,
          lon: o.near ? String(o.near.lng) : undefined,
        });
        return photonPlaces(body).slice(0, o.limit);
      },
      async reverse(lat, lng, o) {
        const body = await getJson('/reverse', { lat: String(lat), lon: String(lng), lang: o?.lang?.slice(0, 2) });
        return photonPlaces(body)[0] ?? null;
      },
    };
  }
  return {
    name: 'nominatim',
    async forward(q: string, o: ForwardOptions) {
      // Nominatim has no "near" bias: a viewbox around the point (not bounded) prefers what lies in it.
      const box = o.near ? `${o.near.lng - 0.5},${o.near.lat + 0.5},${o.near.lng + 0.5},${o.near.lat - 0.5}` : undefined;
      const body = await getJson('/search', { q, format: 'jsonv2', addressdetails: '1', limit: String(o.limit), 'accept-language': o.lang, viewbox: box });
      if (!Array.isArray(body)) throw unavailable();
      return body.flatMap((r) => nominatimPlace(r) ?? []).slice(0, o.limit);
    },
    async reverse(lat, lng, o) {
      const body = await getJson('/reverse', { lat: String(lat), lon: String(lng), format: 'jsonv2', addressdetails: '1', 'accept-language': o?.lang });
      // Nominatim answers 200 with {"error": "Unable to geocode"} for a point in the sea.
      return nominatimPlace(body);
    },
  };
}

type Dict = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : null;
};
const inRange = (lat: number, lng: number) => Math.abs(lat) <= 90 && Math.abs(lng) <= 180;

function kindOf(type: string | null, hasHouseNumber: boolean): GeocodePlaceKind {
  if (hasHouseNumber) return 'address';
  switch (type) {
    case 'city':
    case 'town':
    case 'village':
    case 'hamlet':
    case 'municipality':
    case 'county':
    case 'state':
    case 'country':
      return 'city';
    case 'suburb':
    case 'neighbourhood':
    case 'quarter':
    case 'city_district':
    case 'district':
    case 'borough':
    case 'locality':
      return 'district';
    case 'road':
    case 'street':
      return 'street';
    case 'house':
    case 'building':
      return 'address';
    default:
      return 'poi';
  }
}

function nominatimPlace(raw: unknown): GeocodePlace | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Dict;
  const lat = num(r.lat);
  const lng = num(r.lon);
  if (lat === null || lng === null || !inRange(lat, lng)) return null;
  const a = (r.address && typeof r.address === 'object' ? r.address : {}) as Dict;
  const houseNumber = str(a.house_number);
  const road = str(a.road);
  const street = road ? (houseNumber ? `${houseNumber} ${road}` : road) : null;
  const city = str(a.city) ?? str(a.town) ?? str(a.village) ?? str(a.municipality);
  const label = str(r.display_name) ?? [str(r.name), city].filter(Boolean).join(', ');
  const name = str(r.name) ?? street ?? city ?? label;
  if (!label || !name) return null;
  return {
    label,
    name,
    kind: kindOf(str(r.addresstype) ?? str(r.type), Boolean(houseNumber)),
    lat,
    lng,
    address: { street, city, postalCode: str(a.postcode), country: str(a.country_code)?.toUpperCase() ?? str(a.country) },
  };
}

function photonPlaces(body: unknown): GeocodePlace[] {
  const features = body && typeof body === 'object' && Array.isArray((body as Dict).features) ? ((body as Dict).features as unknown[]) : null;
  if (!features) throw unavailable();
  return features.flatMap((f) => {
    if (!f || typeof f !== 'object') return [];
    const geometry = (f as Dict).geometry as Dict | undefined;
    const coords = geometry && Array.isArray(geometry.coordinates) ? (geometry.coordinates as unknown[]) : [];
    const lng = num(coords[0]);
    const lat = num(coords[1]);
    if (lat === null || lng === null || !inRange(lat, lng)) return [];
    const p = ((f as Dict).properties ?? {}) as Dict;
    const houseNumber = str(p.housenumber);
    const road = str(p.street);
    const street = road ? (houseNumber ? `${houseNumber} ${road}` : road) : null;
    const city = str(p.city);
    const name = str(p.name) ?? street ?? city;
    if (!name) return [];
    const parts = [name, street !== name ? street : null, str(p.district), city !== name ? city : null, str(p.country)];
    return [
      {
        label: parts.filter(Boolean).join(', '),
        name,
        kind: kindOf(str(p.type), Boolean(houseNumber)),
        lat,
        lng,
        address: { street, city, postalCode: str(p.postcode), country: str(p.countrycode)?.toUpperCase() ?? str(p.country) },
      },
    ];
  });
}
