import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  catalogPageQuerySchema,
  createServiceBodySchema,
  messageEnvelope,
  okEnvelope,
  pageEnvelope,
  serviceSchema,
  updateServiceBodySchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { optionalAuth, viewerOf } from '../businesses/business-access.js';
import { createServicesService } from './services.service.js';

const businessParams = z.object({ id: z.uuid() });
const serviceParams = z.object({ id: z.uuid() });

export function servicesModule(p: Pick<Platform, 'db' | 'clock' | 'guard'>): FastifyPluginAsyncZod {
  return async (app) => {
    const service = createServicesService(p);
    const tags = ['services'];
    const security = [{ bearerAuth: [] }];
    const ownerOnly = { preHandler: [p.guard.authenticate, p.guard.requireVerifiedEmail] };
    const anyone = { preHandler: optionalAuth(p.guard) };

    app.get(
      '/businesses/:id/services',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'listBusinessServices',
          summary: "A business's services (active ones for the public)",
          params: businessParams,
          querystring: catalogPageQuerySchema,
          response: { 200: pageEnvelope(serviceSchema) },
        },
      },
      async (request) => ({ success: true as const, ...(await service.list(viewerOf(request), request.params.id, request.query)) }),
    );

    app.post(
      '/businesses/:id/services',
      {
        ...ownerOnly,
        schema: {
          tags,
          operationId: 'createService',
          security,
          params: businessParams,
          body: createServiceBodySchema,
          response: { 201: okEnvelope(serviceSchema) },
        },
      },
      async (request, reply) => reply.status(201).send({ success: true as const, data: await service.create(request.actor, request.params.id, request.body) }),
    );

    app.get(
      '/services/:id',
      { ...anyone, schema: { tags, operationId: 'getService', params: serviceParams, response: { 200: okEnvelope(serviceSchema) } } },
      async (request) => ({ success: true as const, data: await service.view(viewerOf(request), request.params.id) }),
    );

    app.put(
      '/services/:id',
      {
        ...ownerOnly,
        schema: {
          tags,
          operationId: 'updateService',
          security,
          params: serviceParams,
          body: updateServiceBodySchema,
          response: { 200: okEnvelope(serviceSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await service.update(request.actor, request.params.id, request.body) }),
    );

    app.delete(
      '/services/:id',
      { ...ownerOnly, schema: { tags, operationId: 'deleteService', security, params: serviceParams, response: { 200: messageEnvelope } } },
      async (request) => {
        await service.remove(request.actor, request.params.id);
        return { success: true as const, message: 'The service was deleted.' };
      },
    );
  };
}
