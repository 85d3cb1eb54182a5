import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cancelSeriesBodySchema,
  cancelSeriesResponseSchema,
  createSeriesBodySchema,
  okEnvelope,
  seriesDetailSchema,
  seriesResponseSchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { idempotencyKeyOf, idempotent } from '../../platform/idempotency.js';
import type { Bookings, BookingsDeps } from './bookings.js';
import { slotConflictsAs409 } from './bookings.service.js';
import { bookingViews } from './bookings.view.js';

const seriesParams = z.object({ id: z.uuid({ message: 'Not a valid id.' }) });

/** `changed(bookingId, status)`: called for each booking whose status changed, after the commit. */
export function seriesRoutes(
  p: BookingsDeps & Pick<Platform, 'guard'>,
  m: Bookings,
  changed: (bookingId: string, status: string) => void = () => {},
): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['bookings'];
    const security = [{ bearerAuth: [] }];
    const signedIn = { preHandler: [p.guard.authenticate] };

    app.post(
      '/booking-series',
      {
        preHandler: [p.guard.authenticate, p.guard.requireVerifiedEmail, p.guard.requireRole('pet_owner')],
        schema: {
          tags,
          operationId: 'createBookingSeries',
          summary: 'Book a weekly series: one booking per date, dates that cannot be booked come back as conflicts',
          security,
          body: createSeriesBodySchema,
          response: { 201: okEnvelope(seriesResponseSchema) },
        },
      },
      async (request, reply) => {
        const { actor } = request;
        const result = await slotConflictsAs409(() =>
          idempotent(
            p.db,
            { userId: actor.id, scope: 'booking-series.create', key: idempotencyKeyOf(request), body: request.body, statusCode: 201 },
            async (tx) => {
              const made = await m.series.create(tx, actor, request.body);
              const { rows } = await m.series.get(tx, actor, made.series.id);
              return { series: made.series, bookings: await bookingViews(tx, rows, actor, p.payments), conflicts: made.conflicts };
            },
          ),
        );
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(201).send({ success: true as const, data: result.body });
      },
    );

    app.get(
      '/booking-series/:id',
      { ...signedIn, schema: { tags, operationId: 'getBookingSeries', security, params: seriesParams, response: { 200: okEnvelope(seriesDetailSchema) } } },
      async (request) => {
        const { series, rows } = await m.series.get(p.db, request.actor, request.params.id);
        return { success: true as const, data: { series, bookings: await bookingViews(p.db, rows, request.actor, p.payments) } };
      },
    );

    app.post(
      '/booking-series/:id/cancel',
      {
        ...signedIn,
        schema: {
          tags,
          operationId: 'cancelBookingSeries',
          summary: 'Cancel every pending or confirmed occurrence from a date on',
          security,
          params: seriesParams,
          body: cancelSeriesBodySchema,
          response: { 200: okEnvelope(cancelSeriesResponseSchema) },
        },
      },
      async (request) => {
        const { cancelled, bookingIds } = await p.db.transaction((tx) => m.series.cancel(tx, request.actor, request.params.id, request.body));
        for (const id of bookingIds) changed(id, 'cancelled');
        return { success: true as const, data: { cancelled } };
      },
    );
  };
}
