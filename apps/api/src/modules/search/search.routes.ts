import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  businessMarkerSchema,
  businessSearchMetaSchema,
  businessSearchQuerySchema,
  businessSearchResultSchema,
  markerQuerySchema,
  okEnvelope,
  pageEnvelope,
  publicConfigSchema,
  serviceSearchQuerySchema,
  serviceSearchResultSchema,
} from '@walkydoggy/shared';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.js';
import { createSearchService } from './search.service.js';
import { createAvailability } from '../availability/availability.service.js';
import { createDefaultArea } from '../geocode/default-area.js';

/** Public discovery: no sign-in, the global rate limit applies. */
export function searchModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    const search = createSearchService({ database: p.database, availability: createAvailability(p) });
    const defaultArea = createDefaultArea({ config: p.config, geocoder: p.geocoder, database: p.database });
    const tags = ['search'];

    app.get(
      '/businesses/search',
      {
        schema: {
          tags,
          operationId: 'searchBusinesses',
          summary:
            'Verified businesses serving a point: their service area covers it, or (with no area) they are within the radius; ' +
            'with availableOn, only those with a bookable slot for the service type and pets in the window (checked by the availability engine, at most 40 a page)',
          querystring: businessSearchQuerySchema,
          response: { 200: z.object({ success: z.literal(true), data: z.array(businessSearchResultSchema), meta: businessSearchMetaSchema }) },
        },
      },
      async (request) => {
        const page = await search.businesses(request.query);
        const checks = page.checked !== undefined ? { checked: page.checked, capped: page.capped ?? false } : {};
        return { success: true as const, data: page.items, meta: { limit: request.query.limit, nextCursor: page.nextCursor, ...checks } };
      },
    );

    app.get(
      '/services/search',
      {
        schema: {
          tags,
          operationId: 'searchServices',
          summary: 'Active services of verified businesses, with their business and distance',
          querystring: serviceSearchQuerySchema,
          response: { 200: pageEnvelope(serviceSearchResultSchema) },
        },
      },
      async (request) => {
        const page = await search.services(request.query);
        return { success: true as const, data: page.items, meta: { limit: request.query.limit, nextCursor: page.nextCursor } };
      },
    );

    app.get(
      '/locations/businesses',
      {
        schema: {
          tags,
          operationId: 'businessMarkers',
          summary: 'Map markers of the businesses a search would find (nearest 500)',
          querystring: markerQuerySchema,
          response: { 200: okEnvelope(z.array(businessMarkerSchema)) },
        },
      },
      async (request) => ({ success: true as const, data: await search.markers(request.query) }),
    );

    app.get(
      '/config',
      {
        schema: {
          tags,
          operationId: 'publicConfig',
          summary: 'Settings the web app needs before sign-in',
          response: { 200: okEnvelope(publicConfigSchema) },
        },
      },
      async () => ({
        success: true as const,
        data: {
          mapStyleUrl: p.config.mapStyleUrl,
          payments: { provider: p.payments.name, publishableKey: p.payments.publishableKey },
          defaultArea: await defaultArea.get(),
        },
      }),
    );
  };
}
