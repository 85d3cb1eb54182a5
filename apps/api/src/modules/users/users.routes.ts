import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createPlaceBodySchema,
  deleteMeBodySchema,
  messageEnvelope,
  okEnvelope,
  placeIdParamsSchema,
  placeSchema,
  updateMeBodySchema,
  updatePlaceBodySchema,
  userSchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { requestMeta } from '../auth/auth.routes.js';
import { clearSessionCookies } from '../auth/auth.sessions.js';
import { createMediaService } from '../media/media.service.js';
import { receiveUpload, registerUploads } from '../media/media.upload.js';
import { createAvatarService } from './avatar.service.js';
import { createPlacesService } from './places.service.js';
import { createUsersService } from './users.service.js';

export function usersModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    await registerUploads(app, p.config.uploadMaxBytes);
    const service = createUsersService(p);
    const places = createPlacesService(p);
    const avatars = createAvatarService({ ...p, media: createMediaService({ ...p, log: app.log }) });
    const tags = ['users'];
    const security = [{ bearerAuth: [] }];
    const signedIn = { preHandler: p.guard.authenticate, config: { allowPendingTwoFactor: true } };

    app.get('/users/me', { ...signedIn, schema: { tags, operationId: 'getMe', security, response: { 200: okEnvelope(userSchema) } } }, async (request) => ({
      success: true as const,
      data: await service.me(request.actor.id),
    }));

    app.put(
      '/users/me',
      {
        preHandler: p.guard.authenticate,
        schema: { tags, operationId: 'updateMe', security, body: updateMeBodySchema, response: { 200: okEnvelope(userSchema) } },
      },
      async (request) => ({ success: true as const, data: await service.update(request.actor.id, request.body, requestMeta(request)) }),
    );

    app.delete(
      '/users/me',
      { ...signedIn, schema: { tags, operationId: 'deleteMe', security, body: deleteMeBodySchema, response: { 200: messageEnvelope } } },
      async (request, reply) => {
        await service.remove(request.actor.id, request.body.password, requestMeta(request));
        clearSessionCookies(reply, p.config.cookieSecure);
        return { success: true as const, message: 'Your account was deleted. Your personal data is being erased.' };
      },
    );

    app.get(
      '/users/me/export',
      { ...signedIn, schema: { tags, operationId: 'exportMe', security, response: { 200: okEnvelope(z.record(z.string(), z.unknown())) } } },
      async (request, reply) => {
        reply.header('content-disposition', 'attachment; filename="walkydoggy-my-data.json"');
        return { success: true as const, data: await service.exportData(request.actor.id) };
      },
    );

    // ── picture ──
    app.post(
      '/users/me/avatar',
      {
        preHandler: p.guard.authenticate,
        config: { rateLimit: { max: Math.min(p.config.rateLimit.max, 60), timeWindow: '1 minute' } },
        schema: {
          tags,
          operationId: 'uploadAvatar',
          security,
          consumes: ['multipart/form-data'],
          description: 'multipart/form-data with one field `file` (JPEG, PNG or WebP). Replaces the current picture; EXIF is removed.',
          response: { 200: okEnvelope(userSchema) },
        },
      },
      async (request) => {
        const upload = await receiveUpload(request, p.config.uploadMaxBytes);
        return { success: true as const, data: await avatars.upload(request.actor.id, upload.file, requestMeta(request)) };
      },
    );

    app.delete(
      '/users/me/avatar',
      { preHandler: p.guard.authenticate, schema: { tags, operationId: 'deleteAvatar', security, response: { 200: okEnvelope(userSchema) } } },
      async (request) => ({ success: true as const, data: await avatars.remove(request.actor.id, requestMeta(request)) }),
    );

    // ── saved places ──
    const placeTags = ['users', 'places'];
    app.get(
      '/users/me/places',
      {
        preHandler: p.guard.authenticate,
        schema: {
          tags: placeTags,
          operationId: 'listMyPlaces',
          security,
          description: 'Home first, then work, then the others; at most 20, so the whole list is one page.',
          response: { 200: okEnvelope(z.array(placeSchema)) },
        },
      },
      async (request) => ({ success: true as const, data: await places.list(request.actor.id) }),
    );

    app.post(
      '/users/me/places',
      {
        preHandler: p.guard.authenticate,
        schema: { tags: placeTags, operationId: 'createMyPlace', security, body: createPlaceBodySchema, response: { 201: okEnvelope(placeSchema) } },
      },
      async (request, reply) => {
        reply.status(201);
        return { success: true as const, data: await places.create(request.actor.id, request.body, requestMeta(request)) };
      },
    );

    app.patch(
      '/users/me/places/:id',
      {
        preHandler: p.guard.authenticate,
        schema: {
          tags: placeTags,
          operationId: 'updateMyPlace',
          security,
          params: placeIdParamsSchema,
          body: updatePlaceBodySchema,
          response: { 200: okEnvelope(placeSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await places.update(request.actor.id, request.params.id, request.body, requestMeta(request)) }),
    );

    app.delete(
      '/users/me/places/:id',
      {
        preHandler: p.guard.authenticate,
        schema: { tags: placeTags, operationId: 'deleteMyPlace', security, params: placeIdParamsSchema, response: { 200: messageEnvelope } },
      },
      async (request) => {
        await places.remove(request.actor.id, request.params.id, requestMeta(request));
        return { success: true as const, message: 'The place was deleted.' };
      },
    );
  };
}
