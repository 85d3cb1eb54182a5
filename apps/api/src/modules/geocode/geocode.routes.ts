import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { geocodeQuerySchema, okEnvelope, geocodePlaceSchema, reverseGeocodeQuerySchema } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';

/**
 * Public geocoding (docs/api/geocode.md). Each client gets GEOCODE_RATE_LIMIT_MAX requests a minute on each endpoint:
 * behind an HTTP provider every miss costs a call to it, and the provider allows few.
 */
export function geocodeModule(p: Pick<Platform, 'geocoder' | 'config'>): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['geocode'];
    // Counted per client and per endpoint (the in-process store keeps one count per route).
    const config = { rateLimit: { max: p.config.geocoder.clientRateMax, timeWindow: '1 minute' } };

    app.get(
      '/geocode',
      {
        config,
        schema: {
          tags,
          operationId: 'geocode',
          summary: 'Places (cities, districts, streets, addresses) matching a text, best first',
          querystring: geocodeQuerySchema,
          response: { 200: okEnvelope(z.array(geocodePlaceSchema)) },
        },
      },
      async (request) => {
        const { q, near, limit, lang } = request.query;
        return { success: true as const, data: await p.geocoder.forward(q, { near, limit, lang }) };
      },
    );

    app.get(
      '/geocode/reverse',
      {
        config,
        schema: {
          tags,
          operationId: 'reverseGeocode',
          summary: 'The name of a point: the nearest known street within 150 m, else the district or town (null when none)',
          querystring: reverseGeocodeQuerySchema,
          response: { 200: okEnvelope(geocodePlaceSchema.nullable()) },
        },
      },
      async (request) => ({ success: true as const, data: await p.geocoder.reverse(request.query.lat, request.query.lng) }),
    );
  };
}
