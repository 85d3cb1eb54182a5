import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { availabilityQuerySchema, availabilityResponseSchema, okEnvelope } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { optionalAuth, viewerOf } from '../businesses/business-access.js';
import { createAvailability } from './availability.service.js';

const serviceParams = z.object({ id: z.uuid() });

export function availabilityModule(p: Pick<Platform, 'db' | 'clock' | 'guard'>): FastifyPluginAsyncZod {
  return async (app) => {
    const availability = createAvailability(p);

    app.get(
      '/services/:id/availability',
      {
        preHandler: optionalAuth(p.guard),
        schema: {
          tags: ['bookings'],
          operationId: 'getServiceAvailability',
          summary:
            "A service's free slots per worker (time-slot services) or open days and capacity left (boarding, daycare); " +
            'excludeBookingId leaves out the hold of the pending booking its owner is moving',
          params: serviceParams,
          querystring: availabilityQuerySchema,
          response: { 200: okEnvelope(availabilityResponseSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await availability.forService(viewerOf(request), request.params.id, request.query) }),
    );
  };
}
