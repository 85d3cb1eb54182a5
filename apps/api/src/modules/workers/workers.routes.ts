import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptWorkerInvitationBodySchema,
  catalogPageQuerySchema,
  inviteWorkerBodySchema,
  messageEnvelope,
  okEnvelope,
  pageEnvelope,
  pendingWorkerInvitationSchema,
  sessionSchema,
  updateWorkerBodySchema,
  workerAvailabilityBodySchema,
  workerInvitationInfoSchema,
  workerInvitationSchema,
  workerInvitationTokenParamsSchema,
  workerSchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { requestMeta } from '../auth/auth.routes.js';
import { createSessions, setSessionCookies } from '../auth/auth.sessions.js';
import { optionalAuth, viewerOf } from '../businesses/business-access.js';
import { createWorkerInvitations } from './workers.invitations.js';
import { createWorkersService } from './workers.service.js';

const businessParams = z.object({ id: z.uuid() });
const workerParams = z.object({ id: z.uuid() });

export function workersModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    const sessions = createSessions(p);
    const invitations = createWorkerInvitations({ ...p, sessions });
    const service = createWorkersService(p);
    const tags = ['workers'];
    const security = [{ bearerAuth: [] }];
    const signedIn = { preHandler: [p.guard.authenticate, p.guard.requireVerifiedEmail] };
    const anyone = { preHandler: optionalAuth(p.guard) };
    const ok = <T>(data: T) => ({ success: true as const, data });
    const message = (text: string) => ({ success: true as const, message: text });

    app.post(
      '/businesses/:id/workers',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'inviteWorker',
          security,
          params: businessParams,
          body: inviteWorkerBodySchema,
          response: { 201: okEnvelope(workerInvitationSchema) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(ok(await invitations.invite(request.actor, request.params.id, request.body.email, requestMeta(request)))),
    );

    app.get(
      '/businesses/:id/workers',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'listWorkers',
          summary: "A business's active workers (public fields for the public)",
          params: businessParams,
          querystring: catalogPageQuerySchema,
          response: { 200: pageEnvelope(workerSchema) },
        },
      },
      async (request) => ({ success: true as const, ...(await service.list(viewerOf(request), request.params.id, request.query)) }),
    );

    app.delete(
      '/businesses/:id/workers/:workerId',
      {
        ...signedIn,
        schema: { tags, operationId: 'removeWorker', security, params: businessParams.extend({ workerId: z.uuid() }), response: { 200: messageEnvelope } },
      },
      async (request) => {
        await service.remove(request.actor, request.params.id, request.params.workerId, requestMeta(request));
        return message('The worker was removed; their sessions have ended.');
      },
    );

    app.get(
      '/businesses/:id/worker-invitations',
      {
        preHandler: p.guard.authenticate,
        schema: {
          tags,
          operationId: 'listWorkerInvitations',
          security,
          params: businessParams,
          response: { 200: okEnvelope(z.array(pendingWorkerInvitationSchema)) },
        },
      },
      async (request) => ok(await invitations.pending(request.actor, request.params.id)),
    );

    app.delete(
      '/businesses/:id/worker-invitations/:invitationId',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'revokeWorkerInvitation',
          security,
          params: businessParams.extend({ invitationId: z.uuid() }),
          response: { 200: messageEnvelope },
        },
      },
      async (request) => {
        await invitations.revoke(request.actor, request.params.id, request.params.invitationId);
        return message('The invitation was withdrawn.');
      },
    );

    const strict = { rateLimit: { max: p.config.rateLimit.authMax, timeWindow: '1 minute' } };

    app.get(
      '/worker-invitations/:token',
      {
        config: strict,
        schema: {
          tags,
          operationId: 'getWorkerInvitation',
          params: workerInvitationTokenParamsSchema,
          response: { 200: okEnvelope(workerInvitationInfoSchema) },
        },
      },
      async (request) => ok(await invitations.info(request.params.token)),
    );

    app.post(
      '/worker-invitations/accept',
      {
        ...anyone,
        config: strict,
        schema: {
          tags,
          operationId: 'acceptWorkerInvitation',
          summary: 'Join a business as a worker, creating the worker account when there is none',
          body: acceptWorkerInvitationBodySchema,
          response: { 200: okEnvelope(sessionSchema) },
        },
      },
      async (request, reply) => {
        const { refreshToken, ...session } = await invitations.accept(request.body, viewerOf(request), requestMeta(request));
        // The same cookies as sign-in sets (auth.routes.ts), so the web app refreshes this session as usual.
        setSessionCookies(reply, refreshToken, p.config.cookieSecure);
        return { ...ok(session), message: 'Welcome to the team.' };
      },
    );

    app.get(
      '/workers/me',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'getMyWorkerProfile',
          summary: "The signed-in worker's own record",
          security,
          response: { 200: okEnvelope(workerSchema) },
        },
      },
      async (request) => ok(await service.mine(request.actor)),
    );

    app.get(
      '/workers/:id',
      { ...anyone, schema: { tags, operationId: 'getWorker', params: workerParams, response: { 200: okEnvelope(workerSchema) } } },
      async (request) => ok(await service.get(viewerOf(request), request.params.id)),
    );

    app.put(
      '/workers/:id',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'updateWorker',
          security,
          params: workerParams,
          body: updateWorkerBodySchema,
          response: { 200: okEnvelope(workerSchema) },
        },
      },
      async (request) => ok(await service.update(request.actor, request.params.id, request.body)),
    );

    app.put(
      '/workers/:id/availability',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'setWorkerAvailability',
          security,
          params: workerParams,
          body: workerAvailabilityBodySchema,
          response: { 200: okEnvelope(workerSchema) },
        },
      },
      async (request) => ok(await service.setAvailability(request.actor, request.params.id, request.body)),
    );
  };
}
