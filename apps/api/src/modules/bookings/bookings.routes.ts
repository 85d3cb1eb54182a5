import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  bookingIdParamsSchema,
  bookingSchema,
  cancelBookingBodySchema,
  cancellationPreviewSchema,
  completeBookingBodySchema,
  createBookingBodySchema,
  declineBookingBodySchema,
  listBookingsQuerySchema,
  okEnvelope,
  pageEnvelope,
  updateBookingBodySchema,
  type BookingAction,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import type { Actor } from '../../platform/auth-guard.js';
import { idempotencyKeyOf, idempotent } from '../../platform/idempotency.js';
import { retryTransient } from '../../platform/db.js';
import { createBookings, type BookingsDeps } from './bookings.js';
import { registerExpiry } from './bookings.expiry.js';
import { registerReminders } from './bookings.reminders.js';
import { seriesRoutes } from './bookings.series.routes.js';
import { slotConflictsAs409 } from './bookings.service.js';
import type { TransitionInput } from './bookings.transitions.js';

type Deps = BookingsDeps & Pick<Platform, 'guard'>;

export function bookingsModule(p: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const m = createBookings(p);
    const tags = ['bookings'];
    const security = [{ bearerAuth: [] }];
    const signedIn = { preHandler: [p.guard.authenticate] };
    const booking = okEnvelope(bookingSchema);

    registerExpiry(app, p, m.expireDue);
    registerReminders(p, m.mails);

    /**
     * After a status change has committed, live tracking tells the booking's room (and ends it at
     * completion or cancellation). The change stands whatever happens there: a failure is logged.
     */
    const changed = (bookingId: string, status: string) => {
      try {
        p.tracks?.bookingChanged({ bookingId, status });
      } catch (err) {
        app.log.error({ err, bookingId }, 'could not tell live tracking of a booking change');
      }
    };

    app.post(
      '/bookings',
      {
        preHandler: [p.guard.authenticate, p.guard.requireVerifiedEmail, p.guard.requireRole('pet_owner')],
        schema: {
          tags,
          operationId: 'createBooking',
          summary: 'Book a service (the price is computed by the server); Idempotency-Key makes retries safe',
          security,
          body: createBookingBodySchema,
          response: { 201: booking },
        },
      },
      async (request, reply) => {
        const actor = request.actor;
        const result = await slotConflictsAs409(() =>
          idempotent(p.db, { userId: actor.id, scope: 'bookings.create', key: idempotencyKeyOf(request), body: request.body, statusCode: 201 }, async (tx) =>
            m.reads.created(actor, await m.bookings.createOn(tx, actor, request.body)),
          ),
        );
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(201).send({ success: true as const, data: result.body });
      },
    );

    app.get(
      '/bookings',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'listBookings',
          summary: "The caller's bookings by start time; `number` finds one of them by its booking number",
          security,
          querystring: listBookingsQuerySchema,
          response: { 200: pageEnvelope(bookingSchema) },
        },
      },
      async (request) => ({ success: true as const, ...(await m.reads.list(p.db, request.actor, request.query)) }),
    );

    app.get(
      '/bookings/:id',
      { ...signedIn, schema: { tags, operationId: 'getBooking', security, params: bookingIdParamsSchema, response: { 200: booking } } },
      async (request) => ({ success: true as const, data: await m.reads.get(p.db, request.actor, request.params.id) }),
    );

    app.put(
      '/bookings/:id',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'updateBooking',
          summary: 'Change a pending booking (owner) or assign its worker (business owner)',
          security,
          params: bookingIdParamsSchema,
          body: updateBookingBodySchema,
          response: { 200: booking },
        },
      },
      async (request) => {
        const { actor } = request;
        const data = await slotConflictsAs409(() =>
          retryTransient(() =>
            p.db.transaction(async (tx) => {
              await m.bookings.updateOn(tx, actor, request.params.id, request.body);
              return m.reads.get(tx, actor, request.params.id);
            }),
          ),
        );
        return { success: true as const, data };
      },
    );

    app.get(
      '/bookings/:id/cancellation-preview',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'previewBookingCancellation',
          summary: 'What cancelling now would refund',
          security,
          params: bookingIdParamsSchema,
          response: { 200: okEnvelope(cancellationPreviewSchema) },
        },
      },
      async (request) => ({ success: true as const, data: await m.reads.cancellationPreview(p.db, request.actor, request.params.id) }),
    );

    /** Every move of the state machine goes through the one transition function, then answers with the booking. */
    const move = async (actor: Actor, id: string, action: BookingAction, input: TransitionInput = {}) => {
      const answer = await p.db.transaction(async (tx) => {
        await m.transitions.transition(tx, actor, id, action, input);
        return { success: true as const, data: await m.reads.get(tx, actor, id) };
      });
      changed(id, answer.data.status);
      return answer;
    };
    const moveSchema = (operationId: string, summary: string) => ({
      tags,
      operationId,
      summary,
      security,
      params: bookingIdParamsSchema,
      response: { 200: booking },
    });

    app.post('/bookings/:id/confirm', { ...signedIn, schema: moveSchema('confirmBooking', 'Accept a pending booking (once it is paid)') }, (request) =>
      move(request.actor, request.params.id, 'confirm'),
    );
    app.post(
      '/bookings/:id/decline',
      { ...signedIn, schema: { ...moveSchema('declineBooking', 'Decline a pending booking'), body: declineBookingBodySchema.nullish() } },
      (request) => move(request.actor, request.params.id, 'decline', { reason: request.body?.reason ?? null }),
    );
    app.post('/bookings/:id/start', { ...signedIn, schema: moveSchema('startBooking', 'Start a confirmed booking') }, (request) =>
      move(request.actor, request.params.id, 'start'),
    );
    app.post(
      '/bookings/:id/complete',
      {
        ...signedIn,
        schema: { ...moveSchema('completeBooking', 'Complete a booking in progress, with notes and photos'), body: completeBookingBodySchema.nullish() },
      },
      (request) => move(request.actor, request.params.id, 'complete', { notes: request.body?.notes ?? null, photoIds: request.body?.photoIds ?? [] }),
    );
    app.post(
      '/bookings/:id/cancel',
      { ...signedIn, schema: { ...moveSchema('cancelBooking', 'Cancel a pending or confirmed booking'), body: cancelBookingBodySchema } },
      (request) =>
        move(request.actor, request.params.id, 'cancel', {
          reason: request.body.reason,
          ...(request.body.refundPercent !== undefined ? { refundPercent: request.body.refundPercent } : {}),
        }),
    );

    await app.register(seriesRoutes(p, m, changed));
  };
}
