/** In-app notifications, notification preferences and Web Push subscriptions (docs/api/live.md). */
import type { NotificationPreferences, NotificationPreferencesUpdate, NotificationView, PushSubscriptionInput } from '@walkydoggy/shared';
import { api, queryString } from './client';

/** The stored preferences and whether SMS can be sent at all (the person has a phone number). */
export type PreferencesView = NotificationPreferences & { smsReady?: boolean };
export type NotificationPageMeta = { limit: number; nextCursor: string | null; unreadCount: number };
export type NotificationPage = { items: NotificationView[]; meta: NotificationPageMeta };

export type ListQuery = { limit?: number; cursor?: string | null; unread?: boolean };

export const notificationsApi = {
  /** Newest first; `meta.unreadCount` counts all unread notifications, not only this page's. */
  list: async ({ limit, cursor, unread }: ListQuery = {}): Promise<NotificationPage> => {
    const { data, meta } = await api.get<NotificationView[]>(`/notifications${queryString({ limit, cursor, unread: unread ? 'true' : undefined })}`);
    return {
      items: data ?? [],
      meta: {
        limit: Number(meta?.limit ?? limit ?? 20),
        nextCursor: typeof meta?.nextCursor === 'string' ? meta.nextCursor : null,
        unreadCount: Number(meta?.unreadCount ?? 0),
      },
    };
  },
  markRead: (id: string) => api.put<NotificationView>(`/notifications/${id}/read`),
  markAllRead: () => api.put<{ updated: number }>('/notifications/read-all'),
  remove: (id: string) => api.delete<{ deleted: true }>(`/notifications/${id}`),
  preferences: () => api.get<PreferencesView>('/notifications/preferences'),
  /** Any subset; `channels` entries merge into the stored ones on the server. */
  savePreferences: (update: NotificationPreferencesUpdate) => api.put<PreferencesView>('/notifications/preferences', update),
  /** The server's VAPID public key (base64url), the `applicationServerKey` of a push subscription. */
  pushKey: () => api.get<{ publicKey: string }>('/notifications/push-key'),
  addPushSubscription: (subscription: PushSubscriptionInput) => api.post<{ id: string }>('/notifications/push-subscriptions', subscription),
  removePushSubscription: (endpoint: string) => api.delete<{ deleted: number | boolean }>('/notifications/push-subscriptions', { endpoint }),
};
