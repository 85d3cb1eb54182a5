import type { GeocoderConfig } from '../config.js';
import type { Database } from '../db.js';
import { createEmbeddedGeocoder } from './embedded.js';
import { sharedGazetteer } from './gazetteer.js';
import { createHttpGeocoder } from './http.js';
import { createKnownAddresses } from './known-addresses.js';
import type { Geocoder } from './port.js';

export type { Geocoder, ForwardOptions } from './port.js';

/** The geocoder the configuration names (docs/api/geocode.md). */
export function createGeocoder(config: GeocoderConfig, deps: { database: Pick<Database, 'prepared'>; fetch?: typeof fetch }): Geocoder {
  if (config.kind === 'http')
    return createHttpGeocoder({
      flavour: config.flavour,
      url: config.url,
      userAgent: config.userAgent,
      ratePerSecond: config.ratePerSecond,
      timeoutMs: config.timeoutMs,
      cacheSize: config.cacheSize,
      cacheTtlSeconds: config.cacheTtlSeconds,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  return createEmbeddedGeocoder({ gazetteer: sharedGazetteer, known: createKnownAddresses(deps.database) });
}
