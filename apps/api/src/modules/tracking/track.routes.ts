import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  bookingIdParamsSchema,
  jobCardSchema,
  okEnvelope,
  rooms,
  trackBatchResultSchema,
  trackBatchSchema,
  trackingViewSchema,
  walkEventInputSchema,
  walkEventSchema,
  walkReportSchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { Conflict } from '../../platform/errors.js';
import { parsePayload } from '../../platform/realtime.js';
import { readReport } from './report.js';
import { walkBooking } from './track.access.js';
import { createTrackActions } from './track.actions.js';
import { jobCard } from './track.jobcard.js';
import type { Tracks } from './track.service.js';

const joinSchema = z.object({ bookingId: z.uuid() });
/** Only a walk about to happen or under way is watched live. */
const WATCHABLE = ['confirmed', 'in_progress'];

/** A booking's walk: tracking view, offline points, walk events, on the way, report; socket booking:join/leave. */
export function trackRoutes(p: Platform, tracks: Tracks): FastifyPluginAsyncZod {
  return async (app) => {
    tracks.attach?.(app);
    const actions = createTrackActions(p, tracks);
    const tags = ['tracking'];
    const security = [{ bearerAuth: [] }];
    const signedIn = { preHandler: [p.guard.authenticate] };
    const params = bookingIdParamsSchema;

    app.get(
      '/bookings/:id/tracking',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'getBookingTracking',
          summary: "The walk's route so far (by segments), events, ETA and stats, for the booking's people",
          security,
          params,
          response: { 200: okEnvelope(trackingViewSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await actions.view(request.actor, request.params.id) }),
    );

    app.post(
      '/bookings/:id/tracking/points',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'uploadTrackPoints',
          summary: "Points the worker's phone buffered offline: deduped, ordered, jumps and points outside the walk dropped",
          security,
          params,
          body: trackBatchSchema,
          response: { 200: okEnvelope(trackBatchResultSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await actions.uploadPoints(request.actor, request.params.id, request.body) }),
    );

    app.post(
      '/bookings/:id/walk-events',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'addWalkEvent',
          summary: 'A walk event (pee, poo, water, food, photo, note); a resent clientId answers the stored event with 200',
          security,
          params,
          body: walkEventInputSchema,
          response: { 200: okEnvelope(walkEventSchema), 201: okEnvelope(walkEventSchema) },
        },
      },
      async (request, reply) => {
        const { event, replayed } = await actions.addWalkEvent(request.actor, request.params.id, request.body);
        return reply.status(replayed ? 200 : 201).send({ success: true as const, data: event });
      },
    );

    app.post(
      '/bookings/:id/on-the-way',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'setOnTheWay',
          summary:
            "The assigned worker sets off to a confirmed booking (from the business's start window before it starts, else 409 with allowedFrom): the owner is told, the ETA follows",
          security,
          params,
          response: { 200: okEnvelope(trackingViewSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await actions.onTheWay(request.actor, request.params.id) }),
    );

    app.get(
      '/bookings/:id/job',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'getJobCard',
          summary: "The worker's job card: address, pets' care notes, the owner's notes, and the owner's phone while confirmed or in progress",
          security,
          params,
          response: { 200: okEnvelope(jobCardSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await jobCard(p.db, request.actor, request.params.id) }),
    );

    app.get(
      '/bookings/:id/report',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'getWalkReport',
          summary: 'The walk report of a completed booking (404 until it is made)',
          security,
          params,
          response: { 200: okEnvelope(walkReportSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await readReport(p.db, request.actor, request.params.id) }),
    );

    p.realtime.handle('booking:join', async (socket, user, payload) => {
      const { bookingId } = parsePayload(joinSchema, payload);
      const { row } = await walkBooking(p.db, user, bookingId);
      if (!WATCHABLE.includes(row.status)) throw new Conflict('This booking is not under way: its live view is closed.');
      const room = rooms.booking(bookingId);
      await socket.join(room);
      return { room };
    });

    p.realtime.handle('booking:leave', async (socket, _user, payload) => {
      const { bookingId } = parsePayload(joinSchema, payload);
      await socket.leave(rooms.booking(bookingId));
      return null;
    });
  };
}
