import { sql } from 'drizzle-orm';
import type { DefaultArea } from '@walkydoggy/shared';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import type { Geocoder } from '../../platform/geocoder/index.js';

const CACHE_MS = 5 * 60_000;

/**
 * Where search starts when nobody has chosen a place: DEFAULT_AREA (a point, or a name geocoded
 * once), else the city with the most listed businesses (the demo city in the embedded mode), else
 * null. Never a hard-coded city the data knows nothing about.
 */
export function createDefaultArea(deps: { config: Pick<Config, 'defaultArea'>; geocoder: Geocoder; database: Pick<Database, 'prepared'>; now?: () => number }) {
  const now = deps.now ?? Date.now;
  let cached: { at: number; value: DefaultArea | null } | null = null;

  async function compute(): Promise<DefaultArea | null> {
    const configured = deps.config.defaultArea;
    if (configured?.kind === 'point') return { label: configured.label, lat: configured.lat, lng: configured.lng };
    if (configured?.kind === 'name') {
      const [place] = await deps.geocoder.forward(configured.q, { limit: 1 }).catch(() => []);
      if (place) return { label: place.name, lat: place.lat, lng: place.lng };
    }
    // One grouped read of the listed businesses' cities (cached): the busiest city and its middle.
    const [busiest] = await deps.database.prepared<{ city: string; lat: number; lng: number }>(sql`
      select b.address->>'city' as city, avg(ST_Y(b.location::geometry))::float8 as lat, avg(ST_X(b.location::geometry))::float8 as lng
      from businesses b
      where b.verification_status = 'verified' and b.active and b.deleted_at is null and b.address->>'city' is not null
      group by 1 order by count(*) desc, 1 limit 1`);
    return busiest ? { label: busiest.city, lat: round(busiest.lat), lng: round(busiest.lng) } : null;
  }

  return {
    async get(): Promise<DefaultArea | null> {
      if (cached && now() - cached.at < CACHE_MS) return cached.value;
      const value = await compute();
      cached = { at: now(), value };
      return value;
    },
  };
}
export type DefaultAreaService = ReturnType<typeof createDefaultArea>;

const round = (v: number) => Math.round(v * 1e5) / 1e5;
