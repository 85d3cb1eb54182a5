import { sql } from 'drizzle-orm';
import type { GeocodePlace } from '@walkydoggy/shared';
import type { Database } from '../db.js';

/**
 * Addresses the platform already knows and may show to anyone: the addresses of listed businesses
 * (their public page shows them). Owners' homes and booking places are never searched: a public
 * endpoint must not tell whether someone lives in a street.
 */
export type KnownAddresses = {
  search(term: string, opts: { near?: { lat: number; lng: number } | undefined; limit: number }): Promise<GeocodePlace[]>;
  /** The street of the nearest listed business within `metres` (no house number: it is not the caller's address). */
  nearest(lat: number, lng: number, metres: number): Promise<GeocodePlace | null>;
};

type Row = { street: string | null; city: string | null; region: string | null; postal: string | null; country: string | null; lat: number; lng: number };

/** Rows read for one search, at most; they are then grouped by street. */
const MAX_ROWS = 200;
const listable = sql`b.verification_status = 'verified' and b.active and b.deleted_at is null`;
const point = (lat: number, lng: number) => sql`ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326)::geography`;
const columns = sql`b.address->>'street' as street, b.address->>'city' as city, b.address->>'region' as region,
  b.address->>'postalCode' as postal, b.address->>'country' as country,
  ST_Y(b.location::geometry) as lat, ST_X(b.location::geometry) as lng`;

/** "12 High Street" → "High Street"; "Flat 3, 12 High St" → "High St". */
export function streetName(street: string): string {
  return street
    .replace(/^.*,\s*/, '')
    .replace(/^\s*\d+[a-zA-Z]?\s+/, '')
    .trim();
}
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function createKnownAddresses(database: Pick<Database, 'prepared'>): KnownAddresses {
  return {
    async search(term, opts) {
      const t = term.trim();
      const pattern = `%${escapeLike(t)}%`;
      const order = opts.near ? sql`b.location <-> ${point(opts.near.lat, opts.near.lng)}` : sql`b.id`;
      const rows = await database.prepared<Row>(sql`select ${columns} from businesses b
        where ${listable} and (b.address->>'street' ilike ${pattern} or b.address->>'postalCode' ilike ${`${escapeLike(t)}%`})
        order by ${order} limit ${MAX_ROWS}::int`);
      const houseNumber = /^\s*\d+[a-zA-Z]?\s+\S/.test(t);
      const places = new Map<string, { place: GeocodePlace; n: number; lat: number; lng: number }>();
      for (const r of rows) {
        if (!r.street) continue;
        // A query with a house number names one address; otherwise the street, once per district.
        const exact = houseNumber && r.street.toLowerCase().includes(t.toLowerCase());
        const name = exact ? r.street : streetName(r.street);
        const key = [name.toLowerCase(), r.region, r.city].join('|');
        const seen = places.get(key);
        if (seen) {
          // The street's point: the mean of its known addresses.
          seen.n++;
          seen.lat += r.lat;
          seen.lng += r.lng;
          continue;
        }
        places.set(key, {
          n: 1,
          lat: r.lat,
          lng: r.lng,
          place: {
            label: [name, r.region, r.city].filter(Boolean).join(', '),
            name,
            kind: exact ? 'address' : 'street',
            lat: r.lat,
            lng: r.lng,
            address: { street: name, city: r.city, postalCode: exact ? r.postal : null, country: r.country },
          },
        });
      }
      return [...places.values()].slice(0, opts.limit).map((p) => ({ ...p.place, lat: round(p.lat / p.n), lng: round(p.lng / p.n) }));
    },

    async nearest(lat, lng, metres) {
      const pt = point(lat, lng);
      const [r] = await database.prepared<Row>(sql`select ${columns} from businesses b
        where ${listable} and ST_DWithin(b.location, ${pt}, ${metres}::float8, false)
        order by b.location <-> ${pt} limit 1`);
      if (!r?.street) return null;
      const name = streetName(r.street);
      return {
        label: [name, r.region, r.city].filter(Boolean).join(', '),
        name,
        kind: 'street',
        lat,
        lng,
        address: { street: name, city: r.city, postalCode: null, country: r.country },
      };
    },
  };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
