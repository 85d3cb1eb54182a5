import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app.js';
import type { Tracks } from './track.service.js';

// STUB — replaced by the presence helper: online/offline/location, nearby workers, socket location:update.
export function presenceRoutes(_p: Platform, _tracks: Tracks): FastifyPluginAsyncZod {
  return async () => {};
}
