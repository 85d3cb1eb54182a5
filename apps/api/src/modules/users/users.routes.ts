import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deleteMeBodySchema, messageEnvelope, okEnvelope, updateMeBodySchema, userSchema } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { requestMeta } from '../auth/auth.routes.js';
import { clearSessionCookies } from '../auth/auth.sessions.js';
import { favouritesRoutes } from './users.favourites.js';
import { createUsersService } from './users.service.js';

export function usersModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    const service = createUsersService(p);
    await app.register(favouritesRoutes(p));
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
  };
}
