import type { GeocodePlace } from '@walkydoggy/shared';
import { distanceKm, type Gazetteer } from './gazetteer.js';
import type { KnownAddresses } from './known-addresses.js';
import type { ForwardOptions, Geocoder } from './port.js';

/** A point this close to a known street is named after it. */
export const REVERSE_STREET_METRES = 150;

/**
 * The geocoder that needs no network: the GeoNames gazetteer for towns, cities and districts, and
 * the addresses of listed businesses for streets. Streets first when the query names one of
 * ours ("High Street"), places first otherwise.
 */
export function createEmbeddedGeocoder(deps: { gazetteer: () => Gazetteer; known: KnownAddresses }): Geocoder {
  return {
    name: 'embedded',
    async forward(q: string, opts: ForwardOptions): Promise<GeocodePlace[]> {
      const streets = await deps.known.search(q, opts);
      const places = deps.gazetteer().search(q, opts);
      const nearFirst = (a: GeocodePlace[]) => (opts.near ? [...a].sort((x, y) => distanceKm(opts.near!, x) - distanceKm(opts.near!, y)) : a);
      return [...nearFirst(streets), ...places].slice(0, opts.limit);
    },
    async reverse(lat: number, lng: number): Promise<GeocodePlace | null> {
      return (await deps.known.nearest(lat, lng, REVERSE_STREET_METRES)) ?? deps.gazetteer().nearest(lat, lng);
    },
  };
}
