import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  notificationListQuerySchema,
  notificationPreferencesSchema,
  notificationPreferencesUpdateSchema,
  notificationSchema,
  okEnvelope,
  pageMetaSchema,
  pushSubscriptionSchema,
} from '@walkydoggy/shared';
import type { Platform } from '../../platform/platform.js';
import { NotFound } from '../../platform/errors.js';
import { deleteNotification, listNotifications, markAllRead, markRead, unreadCount } from './notifications.queries.js';
import { createPreferences } from './notifications.preferences.js';

const idParams = z.object({ id: z.uuid() });
const listEnvelope = z.object({
  success: z.literal(true),
  data: z.array(notificationSchema),
  meta: pageMetaSchema.extend({ unreadCount: z.number().int() }),
});
const preferencesView = notificationPreferencesSchema.extend({ smsReady: z.boolean() });

/** docs/api/live.md "Notifications": the caller's own notifications, preferences and push subscriptions. */
export function notificationsModule(p: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    const preferences = createPreferences(p);
    const tags = ['notifications'];
    const security = [{ bearerAuth: [] }];
    const { authenticate } = p.guard;
    const ok = <T>(data: T) => ({ success: true as const, data });
    /** The badge count on every open tab of the person, after a change to what is unread. */
    const pushCount = async (userId: string) => p.realtime.toUser(userId, 'notification:count', { unreadCount: await unreadCount(p.db, userId) });

    app.get(
      '/notifications',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'listNotifications',
          summary: "The caller's notifications, newest first, with the unread count",
          security,
          querystring: notificationListQuerySchema,
          response: { 200: listEnvelope },
        },
      },
      async (request) => {
        const { limit, cursor, unread } = request.query;
        const [page, unreadTotal] = await Promise.all([
          listNotifications(p.db, request.actor.id, { limit, ...(cursor ? { cursor } : {}), ...(unread ? { unread } : {}) }),
          unreadCount(p.db, request.actor.id),
        ]);
        return { success: true as const, data: page.items, meta: { limit, nextCursor: page.nextCursor, unreadCount: unreadTotal } };
      },
    );

    app.put(
      '/notifications/read-all',
      {
        preHandler: [authenticate],
        schema: { tags, operationId: 'readAllNotifications', security, response: { 200: okEnvelope(z.object({ updated: z.number().int() })) } },
      },
      async (request) => {
        const updated = await markAllRead(p.db, request.actor.id, p.clock.now());
        await pushCount(request.actor.id);
        return ok({ updated });
      },
    );

    app.put(
      '/notifications/:id/read',
      {
        preHandler: [authenticate],
        schema: { tags, operationId: 'readNotification', security, params: idParams, response: { 200: okEnvelope(notificationSchema) } },
      },
      async (request) => {
        const view = await markRead(p.db, request.actor.id, request.params.id, p.clock.now());
        if (!view) throw new NotFound('Notification');
        await pushCount(request.actor.id);
        return ok(view);
      },
    );

    app.delete(
      '/notifications/:id',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'deleteNotification',
          security,
          params: idParams,
          response: { 200: okEnvelope(z.object({ deleted: z.literal(true) })) },
        },
      },
      async (request) => {
        if (!(await deleteNotification(p.db, request.actor.id, request.params.id))) throw new NotFound('Notification');
        await pushCount(request.actor.id);
        return ok({ deleted: true as const });
      },
    );

    app.get(
      '/notifications/preferences',
      {
        preHandler: [authenticate],
        schema: { tags, operationId: 'getNotificationPreferences', security, response: { 200: okEnvelope(preferencesView) } },
      },
      async (request) => ok(await preferences.get(request.actor.id)),
    );

    app.put(
      '/notifications/preferences',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'updateNotificationPreferences',
          summary: 'Changes some preferences; channel choices merge into the stored ones',
          security,
          body: notificationPreferencesUpdateSchema,
          response: { 200: okEnvelope(preferencesView) },
        },
      },
      async (request) => ok(await preferences.update(request.actor.id, request.body)),
    );

    app.get(
      '/notifications/push-key',
      {
        preHandler: [authenticate],
        schema: { tags, operationId: 'getPushKey', security, response: { 200: okEnvelope(z.object({ publicKey: z.string() })) } },
      },
      async () => ok({ publicKey: p.push.publicKey }),
    );

    app.post(
      '/notifications/push-subscriptions',
      {
        preHandler: [authenticate],
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags,
          operationId: 'createPushSubscription',
          summary: "Saves the browser's push subscription (the same endpoint again: 200, now the caller's)",
          security,
          body: pushSubscriptionSchema,
          response: { 200: okEnvelope(z.object({ id: z.uuid() })), 201: okEnvelope(z.object({ id: z.uuid() })) },
        },
      },
      async (request, reply) => {
        const { id, created } = await preferences.subscribe(request.actor.id, request.body, request.headers['user-agent'] ?? null);
        return reply.status(created ? 201 : 200).send(ok({ id }));
      },
    );

    app.delete(
      '/notifications/push-subscriptions',
      {
        preHandler: [authenticate],
        schema: {
          tags,
          operationId: 'deletePushSubscription',
          security,
          body: z.object({ endpoint: z.url().max(2000) }),
          response: { 200: okEnvelope(z.object({ deleted: z.boolean() })) },
        },
      },
      async (request) => ok({ deleted: await preferences.unsubscribe(request.actor.id, request.body.endpoint) }),
    );
  };
}
