import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { calendarFeedSchema, okEnvelope, regenerateCalendarBodySchema } from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { TooManyRequests } from '../../platform/errors.js';
import { createCalendarsService } from './calendars.service.js';

/** Fetches of one feed URL per hour: calendar apps poll every 15 minutes to a day, from a few devices. */
export const FEED_FETCHES_PER_HOUR = 60;

const fileParams = z.object({ file: z.string().max(200) });

export function calendarsModule(p: Pick<Platform, 'db' | 'clock' | 'guard' | 'secretBox' | 'config'>): FastifyPluginAsyncZod {
  return async (app) => {
    const service = createCalendarsService(p);
    const tags = ['calendars'];
    const security = [{ bearerAuth: [] }];

    app.get(
      '/calendars',
      {
        preHandler: p.guard.authenticate,
        schema: {
          tags,
          operationId: 'listCalendarFeeds',
          summary: "The caller's secret iCal feed URLs (own bookings, worker schedule, each owned business), made on first call",
          security,
          response: { 200: okEnvelope(z.array(calendarFeedSchema)) },
        },
      },
      async (request) => ({ success: true as const, data: await service.list(request.actor) }),
    );

    app.post(
      '/calendars/regenerate',
      {
        preHandler: p.guard.authenticate,
        schema: {
          tags,
          operationId: 'regenerateCalendarFeed',
          summary: 'A new secret URL for a feed; the old one is gone at once',
          security,
          body: regenerateCalendarBodySchema,
          response: { 200: okEnvelope(calendarFeedSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await service.regenerate(request.actor, request.body) }),
    );

    // Keyed by the feed, not the caller's address: calendar services fetch many people's feeds from
    // one address, and what costs is rendering one feed again and again. Each address is still held
    // to the global per-address limit, which also bounds guessing at tokens. (A second limiter made
    // with `createRateLimit`, because the plugin runs only one `rateLimit` hook per request.)
    const feedLimit = app.createRateLimit({
      max: Math.min(p.config.rateLimit.max, FEED_FETCHES_PER_HOUR),
      timeWindow: '1 hour',
      keyGenerator: (request: FastifyRequest) => `calendar-feed:${(request.params as { file?: string }).file ?? ''}`,
    });
    const perFeed: preHandlerAsyncHookHandler = async (request) => {
      const limit = await feedLimit(request);
      if (!limit.isAllowed && limit.isExceeded)
        throw new TooManyRequests(`This calendar was fetched too often. Try again in ${Math.ceil(limit.ttlInSeconds / 60)} minutes.`, limit.ttlInSeconds);
    };

    app.get(
      '/calendars/:file',
      {
        preHandler: perFeed,
        schema: {
          tags,
          operationId: 'getCalendarFeed',
          summary: 'An iCalendar feed (text/calendar) by its secret token: GET /v1/calendars/{token}.ics, no sign-in',
          params: fileParams,
        },
      },
      async (request, reply) => {
        const ics = await service.render(request.params.file);
        return reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', 'inline; filename="walkydoggy.ics"')
          .header('cache-control', 'private, no-cache')
          .header('x-robots-tag', 'noindex')
          .send(ics);
      },
    );
  };
}
