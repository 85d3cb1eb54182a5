import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  businessDocumentBodySchema,
  businessDocumentSchema,
  businessListQuerySchema,
  businessOverviewSchema,
  businessSchema,
  catalogMediaSchema,
  createBusinessBodySchema,
  mediaIdBodySchema,
  messageEnvelope,
  okEnvelope,
  pageEnvelope,
  updateBusinessBodySchema,
  verificationBodySchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { requestMeta } from '../auth/auth.routes.js';
import { optionalAuth, viewerOf } from './business-access.js';
import { createBusinessesService } from './businesses.service.js';
import { createOverviewService } from './businesses.overview.js';

const params = z.object({ id: z.uuid() });

export function businessesModule(p: Pick<Platform, 'db' | 'clock' | 'guard' | 'realtime'>): FastifyPluginAsyncZod {
  return async (app) => {
    const service = createBusinessesService(p);
    const overview = createOverviewService(p);
    const tags = ['businesses'];
    const security = [{ bearerAuth: [] }];
    const { authenticate, requireRole, requireVerifiedEmail } = p.guard;
    const ownerOnly = { preHandler: [authenticate, requireVerifiedEmail] };
    const ok = <T>(data: T) => ({ success: true as const, data });

    app.post(
      '/businesses',
      {
        preHandler: [authenticate, requireRole('business'), requireVerifiedEmail],
        schema: { tags, operationId: 'createBusiness', security, body: createBusinessBodySchema, response: { 201: okEnvelope(businessSchema) } },
      },
      async (request, reply) => reply.status(201).send(ok(await service.create(request.actor, request.body, requestMeta(request)))),
    );

    app.get(
      '/businesses',
      {
        preHandler: [authenticate, requireRole('business', 'admin')],
        schema: {
          tags,
          operationId: 'listBusinesses',
          summary: 'Own businesses (business accounts) or all of them (admins)',
          security,
          querystring: businessListQuerySchema,
          response: { 200: pageEnvelope(businessSchema) },
        },
      },
      async (request) => ({ success: true as const, ...(await service.list(request.actor, request.query)) }),
    );

    app.get(
      '/businesses/:id',
      { preHandler: optionalAuth(p.guard), schema: { tags, operationId: 'getBusiness', params, response: { 200: okEnvelope(businessSchema) } } },
      async (request) => ok(await service.view(p.db, request.params.id, viewerOf(request))),
    );

    app.get(
      '/businesses/:id/overview',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'getBusinessOverview',
          summary: "The business home: today's schedule, requests waiting, this week's figures, workers online, payout set-up",
          security,
          params,
          response: { 200: okEnvelope(businessOverviewSchema) },
        },
      },
      async (request) => ok(await overview(request.actor, request.params.id)),
    );

    app.put(
      '/businesses/:id',
      {
        ...ownerOnly,
        schema: { tags, operationId: 'updateBusiness', security, params, body: updateBusinessBodySchema, response: { 200: okEnvelope(businessSchema) } },
      },
      async (request) => ok(await service.update(request.actor, request.params.id, request.body)),
    );

    app.delete(
      '/businesses/:id',
      { ...ownerOnly, schema: { tags, operationId: 'deleteBusiness', security, params, response: { 200: messageEnvelope } } },
      async (request) => {
        await service.remove(request.actor, request.params.id, requestMeta(request));
        return { success: true as const, message: 'The business was deleted.' };
      },
    );

    app.post(
      '/businesses/:id/documents',
      {
        ...ownerOnly,
        schema: {
          tags,
          operationId: 'addBusinessDocument',
          security,
          params,
          body: businessDocumentBodySchema,
          response: { 201: okEnvelope(businessDocumentSchema) },
        },
      },
      async (request, reply) => reply.status(201).send(ok(await service.addDocument(request.actor, request.params.id, request.body))),
    );

    app.delete(
      '/businesses/:id/documents/:documentId',
      {
        ...ownerOnly,
        schema: {
          tags,
          operationId: 'deleteBusinessDocument',
          security,
          params: params.extend({ documentId: z.uuid() }),
          response: { 200: messageEnvelope },
        },
      },
      async (request) => {
        await service.removeDocument(request.actor, request.params.id, request.params.documentId);
        return { success: true as const, message: 'The document was removed.' };
      },
    );

    app.post(
      '/businesses/:id/photos',
      {
        ...ownerOnly,
        schema: { tags, operationId: 'addBusinessPhoto', security, params, body: mediaIdBodySchema, response: { 201: okEnvelope(catalogMediaSchema) } },
      },
      async (request, reply) => reply.status(201).send(ok(await service.addPhoto(request.actor, request.params.id, request.body.mediaId))),
    );

    app.delete(
      '/businesses/:id/photos/:photoId',
      {
        ...ownerOnly,
        schema: {
          tags,
          operationId: 'deleteBusinessPhoto',
          summary: 'Remove a photo, named by its media id',
          security,
          params: params.extend({ photoId: z.uuid() }),
          response: { 200: messageEnvelope },
        },
      },
      async (request) => {
        await service.removePhoto(request.actor, request.params.id, request.params.photoId);
        return { success: true as const, message: 'The photo was removed.' };
      },
    );

    app.put(
      '/admin/businesses/:id/verification',
      {
        preHandler: [authenticate, requireRole('admin')],
        schema: {
          tags: ['admin', ...tags],
          operationId: 'setBusinessVerification',
          security,
          params,
          body: verificationBodySchema,
          response: { 200: okEnvelope(businessSchema) },
        },
      },
      async (request) => ok(await service.setVerification(request.actor, request.params.id, request.body, requestMeta(request))),
    );
  };
}
