import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.js';
import { presenceRoutes } from './presence.routes.js';
import { trackRoutes } from './track.routes.js';
import type { Tracks } from './track.service.js';

/** Live walks: workers' presence and positions, and each booking's track, events and report (docs/api/live.md). */
export function trackingModule(p: Platform, tracks: Tracks): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(presenceRoutes(p, tracks));
    await app.register(trackRoutes(p, tracks));
  };
}
