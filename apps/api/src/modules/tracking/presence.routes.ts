import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { goOnlineSchema, locationUpdateSchema, nearbyWorkerSchema, nearbyWorkersQuerySchema, okEnvelope } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { Forbidden } from '../../platform/errors.js';
import { parsePayload } from '../../platform/realtime.js';
import { createLocationLimiter } from './presence.limiter.js';
import { nearbyWorkers } from './presence.nearby.js';
import { createPresence } from './presence.service.js';
import type { Tracks } from './track.service.js';

const workerParams = z.object({ id: z.uuid() });
const onlineSchema = z.object({ workerId: z.uuid(), online: z.literal(true), onlineAt: z.string() });
const offlineSchema = z.object({ workerId: z.uuid(), online: z.literal(false) });
const updateResultSchema = z.object({ accepted: z.boolean(), recorded: z.boolean() });

/** Workers online and their live position (docs/api/live.md, "Workers online and their location"). */
export function presenceRoutes(p: Platform, tracks: Tracks): FastifyPluginAsyncZod {
  return async (app) => {
    const index = p.liveIndex;
    const presence = createPresence({ ...p, index, limiter: createLocationLimiter(p), tracks, log: () => app.log });
    // preClose: the database is still open; positions accepted while requests drain go out onClose.
    app.addHook('preClose', async () => presence.flush());
    app.addHook('onClose', async () => presence.stop());
    const tags = ['tracking'];
    const security = [{ bearerAuth: [] }];
    const signedIn = { preHandler: p.guard.authenticate };
    const ok = <T>(data: T) => ({ success: true as const, data });

    app.post(
      '/workers/:id/online',
      {
        ...signedIn,
        schema: { tags, operationId: 'goOnline', security, params: workerParams, body: goOnlineSchema, response: { 200: okEnvelope(onlineSchema) } },
      },
      async (request) => ok(await presence.goOnline(await presence.workerOf(request.actor.id, request.params.id), request.body?.location)),
    );

    app.post(
      '/workers/:id/offline',
      { ...signedIn, schema: { tags, operationId: 'goOffline', security, params: workerParams, response: { 200: okEnvelope(offlineSchema) } } },
      async (request) => ok(await presence.goOffline(await presence.workerOf(request.actor.id, request.params.id))),
    );

    app.put(
      '/workers/:id/location',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'updateWorkerLocation',
          summary: 'A live position of the worker (at most one a second, while online)',
          security,
          params: workerParams,
          body: locationUpdateSchema,
          response: { 200: okEnvelope(updateResultSchema) },
        },
      },
      async (request) => ok(await presence.update(await presence.workerOf(request.actor.id, request.params.id), request.body, 'body')),
    );

    app.get(
      '/locations/workers',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'nearbyWorkers',
          summary: 'Online, bookable workers near a point (exact only for their own business and admins)',
          security,
          querystring: nearbyWorkersQuerySchema,
          response: { 200: okEnvelope(z.array(nearbyWorkerSchema)) },
        },
      },
      async (request) => ok(await nearbyWorkers({ ...p, index }, request.actor, request.query)),
    );

    // The same update over the socket: the worker is who the socket signed in as.
    p.realtime.handle('location:update', async (_socket, user, payload) => {
      if (!user.worker) throw new Forbidden('Only workers share a live position.');
      const update = parsePayload(locationUpdateSchema, payload);
      return presence.update({ id: user.worker.id, userId: user.id, businessId: user.worker.businessId }, update, 'payload');
    });
  };
}
