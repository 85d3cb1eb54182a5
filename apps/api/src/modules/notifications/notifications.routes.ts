import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app.js';

// STUB — replaced by the notifications helper.
export function notificationsModule(_p: Platform): FastifyPluginAsyncZod {
  return async () => {};
}
