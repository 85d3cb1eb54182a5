import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app.js';

export function workersModule(_p: Platform): FastifyPluginAsyncZod {
  return async () => {};
}
