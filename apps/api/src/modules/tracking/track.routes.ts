import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app.js';
import type { Tracks } from './track.service.js';

// STUB — replaced by the track helper: tracking, points batch, walk events, on the way, report; socket booking:join/leave.
export function trackRoutes(_p: Platform, _tracks: Tracks): FastifyPluginAsyncZod {
  return async () => {};
}
