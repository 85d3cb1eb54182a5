import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mediaIdParamsSchema, mediaSchema, messageEnvelope, okEnvelope } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { requestMeta } from '../auth/auth.routes.js';
import { createMediaService } from './media.service.js';
import { receiveUpload, registerUploads } from './media.upload.js';

export function mediaModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    await registerUploads(app, p.config.uploadMaxBytes);
    const media = createMediaService({ ...p, log: app.log });
    const tags = ['media'];
    const security = [{ bearerAuth: [] }];

    // `<img src>` cannot send headers: file reads may carry the access token in the query instead.
    // It is checked exactly like the header, by the same guard.
    app.addHook('onRequest', async (request) => {
      if (request.method !== 'GET' || request.headers.authorization) return;
      const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
      if (typeof token === 'string' && token.length > 0 && token.length <= 2000) request.headers.authorization = `Bearer ${token}`;
    });
    /** Signs in when a token came with the request; anonymous readers may still see public images. */
    async function optionalAuth(this: unknown, request: FastifyRequest, reply: FastifyReply) {
      if (request.headers.authorization) await p.guard.authenticate.call(app, request, reply);
    }

    app.post(
      '/media',
      {
        preHandler: p.guard.authenticate,
        config: { rateLimit: { max: Math.min(p.config.rateLimit.max, 600), timeWindow: '1 minute' } },
        schema: {
          tags,
          operationId: 'uploadMedia',
          security,
          consumes: ['multipart/form-data'],
          description: 'multipart/form-data with the fields `purpose` and `file` (purpose first).',
          response: { 201: okEnvelope(mediaSchema) },
        },
      },
      async (request, reply) => {
        const upload = await receiveUpload(request, p.config.uploadMaxBytes);
        reply.status(201);
        return { success: true as const, data: await media.upload(request.actor, upload.fields, upload.file) };
      },
    );

    const fileQuery = z.object({ access_token: z.string().max(2000).optional() });
    for (const variant of ['file', 'thumbnail'] as const) {
      app.get(
        `/media/:id/${variant}`,
        {
          preHandler: optionalAuth,
          config: { allowPendingTwoFactor: true },
          schema: {
            tags,
            operationId: variant === 'file' ? 'getMediaFile' : 'getMediaThumbnail',
            security: [{ bearerAuth: [] }, {}],
            params: mediaIdParamsSchema,
            querystring: fileQuery,
          },
        },
        async (request, reply) => {
          const viewer = request.headers.authorization ? request.actor : null;
          const file = await media.open(viewer, request.params.id, variant);
          reply.type(file.mimeType);
          if (file.sizeBytes !== null) reply.header('content-length', file.sizeBytes);
          reply.header('cache-control', file.isPublic ? 'public, max-age=86400' : 'private, max-age=300');
          if (file.row.kind === 'document') reply.header('content-disposition', `inline; filename="${file.row.purpose.replace(/_/g, '-')}-${file.row.id}.pdf"`);
          return reply.send(file.stream);
        },
      );
    }

    app.delete(
      '/media/:id',
      {
        preHandler: p.guard.authenticate,
        schema: { tags, operationId: 'deleteMedia', security, params: mediaIdParamsSchema, response: { 200: messageEnvelope } },
      },
      async (request) => {
        await media.remove(request.actor, request.params.id, requestMeta(request));
        return { success: true as const, message: 'The file was deleted.' };
      },
    );
  };
}
